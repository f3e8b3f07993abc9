/**
 * `rhn-edge` config: the gateway agent a facilities team installs (issue 4). One YAML file,
 * validated once at start with no network; see `examples/edge.example.yaml`.
 */
import { z } from 'zod'
import { loadYaml } from '../yaml/located.js'
import {
  assetId,
  checkBackoff,
  checkBroker,
  checkOneSecret,
  checkUnique,
  type ConfigProblem,
  filePath,
  host,
  listenPort,
  mqttBrokerSchema,
  ms,
  odsCode,
  positiveInt,
  sparkplugId,
} from './common.js'
import { edgeDeviceSchema } from './edge-devices.js'

/** Where readings wait on disk until the broker acknowledged them ("No data lost", issue 4). */
const outboxSchema = z
  .object({
    dir: filePath.default('./outbox').describe('outbox folder; put it on the disk that survives reboots'),
    maxBytes: positiveInt
      .default(256 * 1024 * 1024)
      .describe('byte limit, bytes (default 256 MiB: about a day of a busy ward at ~3 KB/s, small for any gateway disk)'),
    segmentBytes: positiveInt
      .default(16 * 1024 * 1024)
      .describe('segment file size, bytes (default 16 MiB: dropping the oldest frees space in steps this big)'),
    policy: z
      .enum(['drop-oldest', 'drop-newest', 'block'])
      .default('drop-oldest')
      .describe('what happens at maxBytes (default drop-oldest: the newest state matters most after an outage); drops are counted'),
    replayRateMsgsPerS: positiveInt
      .default(5_000)
      .describe('replay rate after reconnect, messages/s (default 5000: about 1/8 of what Mosquitto takes at QoS 1 here, so live data keeps flowing)'),
  })
  .strict()

/** Report-by-exception defaults, applied to every metric unless a driver overrides it. */
const rbeSchema = z
  .object({
    deadbandAbsolute: z.number().min(0).default(0).describe('absolute change needed to publish, in the metric unit (default 0: every change)'),
    deadbandPercent: z.number().min(0).max(100).default(0).describe('relative change needed to publish, % (default 0: every change)'),
    maxSilenceMs: ms
      .default(60_000)
      .describe('re-send an unchanged value after this, ms (default 60 s: the aggregator can call a device stale after ~3 min)'),
  })
  .strict()

/**
 * The `rhn-edge` config schema. Defaults are filled in by parsing; every default's unit and reason
 * is in its `.describe()`, which the JSON Schema carries to editors.
 */
export const EdgeConfigSchema = z
  .object({
    gateway: z
      .object({
        groupId: odsCode.describe('hospital id = Sparkplug group id (ODS-style code, e.g. RXA)'),
        edgeNodeId: assetId.describe('gateway id = Sparkplug edge node id, unique within the hospital'),
      })
      .strict(),
    mqtt: mqttBrokerSchema,
    sparkplug: z
      .object({
        primaryHostId: sparkplugId
          .optional()
          .describe('primary host application id: when set, publish only while its STATE is online (Sparkplug 3.0 §5.9)'),
        strict: z
          .boolean()
          .default(false)
          .describe('true publishes DATA at QoS 0 as the spec letter says; default false uses QoS 1 so the outbox frees a reading only on PUBACK'),
        bdSeqFile: filePath.default('./state/bdseq').describe('where bdSeq survives restarts, so NBIRTH matches the broker-held Will'),
      })
      .strict()
      .prefault({}),
    outbox: outboxSchema.prefault({}),
    rbe: rbeSchema.prefault({}),
    health: z
      .object({
        host: host.default('127.0.0.1').describe('default loopback: /healthz and /metrics stay on the box unless opened'),
        port: listenPort.default(9464).describe('default 9464: the port Prometheus exporters commonly use'),
      })
      .strict()
      .prefault({}),
    devices: z.array(edgeDeviceSchema).default([]).describe('devices this gateway reads; each id is its Sparkplug device id'),
  })
  .strict()
  .describe('rhn-edge config: durations in ms (key ends in Ms) or s (S), sizes in bytes')

/** A validated `rhn-edge` config, defaults filled in. */
export type EdgeConfig = z.output<typeof EdgeConfigSchema>
/** An `rhn-edge` config as written in YAML (defaults optional). */
export type EdgeConfigInput = z.input<typeof EdgeConfigSchema>

/** Cross-field rules zod cannot express one object at a time. */
export function edgeConfigProblems(config: EdgeConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [...checkBroker(config.mqtt, ['mqtt']), ...checkBackoff(config.mqtt.reconnect, ['mqtt', 'reconnect'])]
  if (config.outbox.segmentBytes > config.outbox.maxBytes) {
    problems.push({ path: ['outbox', 'segmentBytes'], message: 'segmentBytes must not exceed outbox.maxBytes' })
  }
  const ids = config.devices.flatMap((d, i) =>
    d.driver === 'modbus' && d.deviceIds !== undefined
      ? d.deviceIds.map((id, j) => ({ id, path: ['devices', i, 'deviceIds', j] }))
      : [{ id: d.id, path: ['devices', i, 'id'] }],
  )
  problems.push(...checkUnique(ids, (x) => x.id, (k) => ids[k]?.path ?? ['devices'], 'device id'))
  const listeners = new Map<string, string>([[`${config.health.port}`, 'health.port']])
  config.devices.forEach((device, i) => {
    const at = ['devices', i]
    switch (device.driver) {
      case 'opcua': {
        if ((device.layout === undefined) === (device.nodes === undefined)) {
          problems.push({ path: [...at, 'layout'], message: 'give exactly one of layout or nodes' })
        }
        if ((device.securityMode === 'None') !== (device.securityPolicy === 'None')) {
          problems.push({ path: [...at, 'securityPolicy'], message: 'securityPolicy None goes with securityMode None, and only with it' })
        }
        problems.push(...checkOneSecret(device, at, 'password'), ...checkBackoff(device.reconnect, [...at, 'reconnect']))
        if (device.username === undefined && (device.password ?? device.passwordFile) !== undefined) {
          problems.push({ path: [...at, 'username'], message: 'a password is given, so username is required' })
        }
        break
      }
      case 'modbus':
        if (device.deviceIds === undefined && device.unitIds.length > 1) {
          problems.push({ path: [...at, 'deviceIds'], message: 'several unitIds need deviceIds: one Sparkplug device id per unit id' })
        }
        if (device.deviceIds !== undefined && device.deviceIds.length !== device.unitIds.length) {
          problems.push({ path: [...at, 'deviceIds'], message: `${device.deviceIds.length} deviceIds for ${device.unitIds.length} unitIds` })
        }
        if (device.order32 !== undefined && typeof device.map !== 'string') {
          problems.push({ path: [...at, 'order32'], message: 'order32 applies to a named map; give byteOrder/wordOrder per register inline' })
        }
        problems.push(...checkUnique(device.unitIds, (u) => u, (j) => [...at, 'unitIds', j], 'unit id'))
        problems.push(...checkBackoff(device.backoff, [...at, 'backoff']))
        if (device.timeoutMs > device.pollIntervalMs) {
          problems.push({ path: [...at, 'timeoutMs'], message: 'timeoutMs must not exceed pollIntervalMs, or polls pile up' })
        }
        break
      case 'llrp':
        problems.push(...checkBackoff(device.reconnect, [...at, 'reconnect']))
        break
      case 'hl7-mllp': {
        const key = `${device.listen.port}`
        const other = listeners.get(key)
        if (device.listen.port !== 0 && other !== undefined) {
          problems.push({ path: [...at, 'listen', 'port'], message: `port ${key} is already used by ${other}` })
        }
        listeners.set(key, `devices[${i}].listen.port`)
        break
      }
    }
  })
  return problems
}

/**
 * Parses and validates an `rhn-edge` YAML config. Throws a `ValidationError` (`RHN_PROTO_CONFIG_INVALID`)
 * listing every problem with its key path and line; `file` is only used in messages.
 */
export function parseEdgeConfig(text: string, file?: string): EdgeConfig {
  return loadYaml(EdgeConfigSchema, text, {
    code: 'RHN_PROTO_CONFIG_INVALID',
    what: 'edge agent config',
    file,
    extraChecks: edgeConfigProblems,
  })
}
