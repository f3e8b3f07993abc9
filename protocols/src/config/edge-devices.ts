/**
 * The `devices` of an edge agent config: one entry per device, a discriminated union on `driver`
 * (house rule 3: each driver is a plugin; the core only sees the union). Each device `id` is the
 * Sparkplug device id and the asset id in the registry (DESIGN.md "Wire and storage conventions").
 */
import { z } from 'zod'
import { REGISTER_TABLES, REGISTER_TYPES } from '../registers/types.js'
import { assetId, backoffSchema, filePath, host, listenPort, metricName, ms, port, positiveInt, secret } from './common.js'

const deviceBase = {
  id: assetId.describe('device id = Sparkplug device id = asset id in the registry'),
  description: z.string().optional(),
  enabled: z.boolean().default(true).describe('false keeps the entry but does not start it (default true)'),
}

/** OPC UA security modes (OPC 10000-4 §7.15). */
export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const
/** OPC UA security policies RHN accepts (OPC 10000-7); the deprecated Basic128Rsa15/Basic256 are left out. */
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const

/** One OPC UA variable bound to a catalogue metric. */
const opcuaNodeSchema = z
  .object({
    nodeId: z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA NodeId such as ns=2;s=Vent1.PEEP').describe('OPC UA NodeId'),
    metric: metricName.describe('catalogue metric the value is published as'),
  })
  .strict()

/** A ventilator (or any OPC UA server) read through subscriptions. */
export const opcuaDeviceSchema = z
  .object({
    driver: z.literal('opcua'),
    ...deviceBase,
    endpointUrl: z.string().regex(/^opc\.tcp:\/\/[^\s]+$/, 'must be opc.tcp://host:port[/path]'),
    securityMode: z
      .enum(OPCUA_SECURITY_MODES)
      .default('SignAndEncrypt')
      .describe('default SignAndEncrypt: secure unless the config says otherwise; None must be chosen explicitly'),
    securityPolicy: z
      .enum(OPCUA_SECURITY_POLICIES)
      .default('Basic256Sha256')
      .describe('default Basic256Sha256: the policy every current server offers; None only with securityMode None'),
    pkiDir: filePath
      .default('./pki/opcua')
      .describe('trust folder: server certificates must be in <pkiDir>/trusted; nothing is trusted silently'),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    passwordFile: filePath.optional(),
    samplingIntervalMs: ms
      .default(1000)
      .describe('server-side sampling, ms (default 1000: a breath lasts 2-6 s, so each breath is seen)'),
    publishingIntervalMs: ms
      .default(1000)
      .describe('subscription publishing interval, ms (default 1000: matches sampling, one notification per sample)'),
    deadband: z
      .object({ type: z.enum(['absolute', 'percent']), value: z.number().min(0) })
      .strict()
      .optional()
      .describe('server-side data-change deadband where the server offers it; none by default'),
    timeoutMs: ms.default(10_000).describe('request and session-connect timeout, ms (default 10 s)'),
    reconnect: backoffSchema({ minMs: 1_000, maxMs: 30_000 }).prefault({}).describe('session re-creation backoff'),
    layout: z.enum(['ventilator']).optional().describe('use the address-space layout from protocols instead of listing nodes'),
    nodes: z.array(opcuaNodeSchema).min(1).optional().describe('explicit variables; give this or layout'),
  })
  .strict()

/** One register (or coil) of an inline Modbus map: the `RegisterEntry` shape of `protocols` registers. */
const modbusRegisterSchema = z
  .object({
    metric: metricName,
    table: z.enum(REGISTER_TABLES).default('holding').describe('default holding: what most devices expose'),
    address: z.number().int().min(0).max(65535).describe('0-based protocol (PDU) address, not the 1-based 40001 notation'),
    type: z.enum(REGISTER_TYPES).default('uint16').describe('default uint16: one plain register'),
    byteOrder: z.enum(['big', 'little']).default('big').describe('default big: the Modbus spec byte order'),
    wordOrder: z.enum(['big', 'little']).default('big').describe('for 32-bit values; default big (high word first)'),
    scale: z.number().default(1).describe('value = raw * scale + offset (default 1: raw engineering units)'),
    offset: z.number().default(0).describe('value = raw * scale + offset (default 0)'),
    access: z.enum(['r', 'rw']).default('r').describe('default r: the agent only reads'),
    enumLabels: z.array(z.string()).min(1).optional().describe('labels of codes 0..n-1 for a String metric carried as an integer'),
  })
  .strict()

/** A Modbus TCP device or gateway (many unit ids behind one address). */
export const modbusDeviceSchema = z
  .object({
    driver: z.literal('modbus'),
    ...deviceBase,
    host,
    port: port.default(502).describe('default 502: the IANA Modbus TCP port'),
    unitIds: z.array(z.number().int().min(0).max(255)).min(1).describe('unit ids behind this address; one per bed on a bed gateway'),
    deviceIds: z
      .array(assetId)
      .min(1)
      .optional()
      .describe('Sparkplug device (asset) id of each unit id, in unitIds order; required with several unit ids, else the device is `id`'),
    map: z
      .union([z.enum(['ventilator', 'bed']), z.object({ name: z.string().min(1), registers: z.array(modbusRegisterSchema).min(1) }).strict()])
      .describe('a register map from protocols by name, or an inline map'),
    order32: z
      .enum(['ABCD', 'CDAB', 'BADC', 'DCBA'])
      .optional()
      .describe('re-order every 32-bit value of a named map (another converter model); default the map as published'),
    pollIntervalMs: ms.default(1000).describe('poll period, ms (default 1000: bed state changes on a scale of seconds)'),
    timeoutMs: ms.default(1000).describe('per-request timeout, ms (default 1000: a LAN device answers in tens of ms)'),
    maxRegistersPerRequest: z
      .number()
      .int()
      .min(1)
      .max(125)
      .default(125)
      .describe('coalescing limit; 125 is the most one read-holding-registers request may ask (Modbus spec 6.3)'),
    backoff: backoffSchema({ minMs: 1_000, maxMs: 30_000 }).prefault({}).describe('retry backoff after a timeout or lost connection'),
  })
  .strict()

/** An RFID PPE cabinet reader over LLRP. */
export const llrpDeviceSchema = z
  .object({
    driver: z.literal('llrp'),
    ...deviceBase,
    host,
    port: port.default(5084).describe('default 5084: the IANA LLRP port'),
    antennas: z.array(positiveInt).default([]).describe('antenna ids inside the cabinet; empty = all the reader has'),
    absenceMs: ms
      .default(30_000)
      .describe('an item counts as taken only after it is unseen this long, ms (default 30 s: several inventory rounds, since readers miss reads)'),
    timeoutMs: ms.default(5_000).describe('connect and response timeout, ms (default 5 s)'),
    reconnect: backoffSchema({ minMs: 1_000, maxMs: 30_000 }).prefault({}),
  })
  .strict()

/** An MLLP listener for HL7 v2 ADT from the hospital's interface engine. */
export const hl7MllpDeviceSchema = z
  .object({
    driver: z.literal('hl7-mllp'),
    ...deviceBase,
    listen: z
      .object({
        host: host.default('127.0.0.1').describe('default loopback: open it to the interface engine explicitly'),
        port: listenPort.default(2575).describe('default 2575: the IANA HL7 MLLP port'),
      })
      .strict()
      .prefault({}),
    hmacKeyFile: z
      .string({ error: 'required: hmacKeyFile names the pseudonymisation key file, which stays on the gateway' })
      .min(1)
      .describe('required: file holding the HMAC key that pseudonymises patient identifiers; the key never leaves the gateway'),
    unitMap: z
      .record(z.string().min(1), assetId)
      .default({})
      .describe('PV1-3.1 point of care -> registry unit id; unmapped points of care are counted as "unassigned"'),
    unitDevices: z
      .boolean()
      .default(false)
      .describe('also publish each mapped unit as its own Sparkplug device with that unit\'s counts (default false: the feed device carries the hospital totals; set true only when the registry binds a patient-flow component per unit id)'),
    maxMessageBytes: positiveInt.default(1024 * 1024).describe('largest accepted message, bytes (default 1 MiB; ADT is a few KiB)'),
  })
  .strict()

/** Any device of an edge agent, discriminated by `driver`. */
export const edgeDeviceSchema = z.discriminatedUnion('driver', [opcuaDeviceSchema, modbusDeviceSchema, llrpDeviceSchema, hl7MllpDeviceSchema])

/** A device entry as validated (defaults filled in). */
export type EdgeDeviceConfig = z.output<typeof edgeDeviceSchema>
/** An OPC UA device entry. */
export type OpcuaDeviceConfig = z.output<typeof opcuaDeviceSchema>
/** A Modbus TCP device entry. */
export type ModbusDeviceConfig = z.output<typeof modbusDeviceSchema>
/** An LLRP reader entry. */
export type LlrpDeviceConfig = z.output<typeof llrpDeviceSchema>
/** An HL7 v2 MLLP listener entry. */
export type Hl7MllpDeviceConfig = z.output<typeof hl7MllpDeviceSchema>
