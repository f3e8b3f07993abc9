/**
 * Building blocks shared by the config schemas: identifiers, endpoints, durations, backoff, MQTT.
 *
 * Conventions (one for every RHN config file):
 * - Durations are plain numbers whose key names the unit: `…Ms` milliseconds, `…S` seconds,
 *   `…Hours`, `…Days`. No duration strings, so a value means the same in YAML, JSON Schema and code.
 * - Sizes are integers in bytes with `Bytes` in the key (`maxBytes: 268435456 # 256 MiB`).
 * - Fractions are 0..1 (`…Fraction`, `missRate`, mixes); percentages are 0..100 and say `Percent`.
 * - Relative paths are resolved by the service against the folder of the file that names them.
 * - Every object is strict: an unknown key (a typo) is an error, never silently ignored.
 */
import { z } from 'zod'
import { AssetIdSchema, OdsCodeSchema } from '../asset/registry-schema.js'
import type { KeyPath } from '../yaml/located.js'

/** One cross-field problem found by an `extraChecks` function: the key path it concerns and why. */
export interface ConfigProblem {
  path: KeyPath
  message: string
}

/**
 * NHS ODS-style organisation code (`RXA`, `RXA01`): hospital ids, Sparkplug group ids, ledger member ids.
 * The registry's own rule, so a config can never accept an id the registry refuses.
 */
export const odsCode = OdsCodeSchema

/**
 * An asset id as the registry spells it (`rxa-icu-bay-a-vent-01`, `gw-rxa-crit`): device ids,
 * gateway (edge node) ids, unit ids. Lower-case slugs, safe as Sparkplug ids and InfluxDB tags.
 */
export const assetId = AssetIdSchema

/**
 * A Sparkplug-safe identifier (edge node, device, host application, asset ids). Sparkplug B 3.0
 * forbids `+`, `/` and `#` in ids [tck-id-topic-structure-namespace-valid-group-id]; we also keep
 * them short and printable so they work as file names and InfluxDB tag values.
 */
export const sparkplugId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')

/** A metric name from the catalogue (`Ventilation/PEEP`, `bed_occupied`); checked against the catalogue at start. */
export const metricName = z.string().regex(/^[A-Za-z][A-Za-z0-9_./ -]{0,127}$/, 'must be a metric name from the catalogue')

/** A non-empty file or folder path; relative paths resolve against the folder of the file that names them. */
export const filePath = z.string().min(1, 'must be a non-empty path')

/** A host name or IP address to connect to or listen on. */
export const host = z.string().min(1, 'must be a host name or IP address')

/** A TCP port to connect to: 1-65535. */
export const port = z.number().int().min(1).max(65535)

/** A TCP port to listen on: 0 asks the OS for a free one (tests, parallel demos). */
export const listenPort = z.number().int().min(0).max(65535)

/** A duration in milliseconds (non-negative integer). */
export const ms = z.number().int().min(0)

/** A fraction 0..1. */
export const fraction = z.number().min(0).max(1)

/** A count or size that cannot be negative. */
export const nonNegativeInt = z.number().int().min(0)

/** A count that must be at least one. */
export const positiveInt = z.number().int().min(1)

/** A secret given inline; prefer the `…File` alternative so secrets stay out of config repos. */
export const secret = z.string().min(1, 'must not be empty')

/**
 * Exponential backoff with jitter and a cap, used for reconnects and retries.
 * Delay n = min(maxMs, minMs * factor^n), then spread by ± jitter so many gateways
 * restarting together after a site power cut do not reconnect in lock-step.
 */
export function backoffSchema(defaults: { minMs: number; maxMs: number }) {
  return z
    .object({
      minMs: ms.default(defaults.minMs).describe(`first retry delay, ms (default ${defaults.minMs})`),
      maxMs: ms.default(defaults.maxMs).describe(`cap on the retry delay, ms (default ${defaults.maxMs})`),
      factor: z.number().min(1).max(10).default(2).describe('growth per attempt (default 2: doubling, the usual choice)'),
      jitter: fraction
        .default(0.2)
        .describe('random spread as a fraction of the delay (default 0.2: enough to de-synchronise a fleet, small enough to stay predictable)'),
    })
    .strict()
}

/** TLS files for a client connection: CA bundle to trust, and a client certificate + key for mutual TLS. */
export const tlsSchema = z
  .object({
    ca: filePath.optional().describe('PEM CA bundle that signs the server certificate; the system store when absent'),
    cert: filePath.optional().describe('PEM client certificate for mutual TLS; needs `key`'),
    key: filePath.optional().describe('PEM private key of the client certificate; needs `cert`'),
  })
  .strict()

/** An MQTT broker connection, shared by the edge agent and the aggregator. */
export const mqttBrokerSchema = z
  .object({
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'must be mqtt://host[:port] or mqtts://host[:port]')
      .describe('broker URL: mqtt:// (port 1883) or mqtts:// (TLS, port 8883)'),
    clientId: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('MQTT client id; defaults to one derived from the Sparkplug ids, unique per node as the broker requires'),
    username: z.string().min(1).optional(),
    password: secret.optional().describe('inline password; prefer passwordFile'),
    passwordFile: filePath.optional().describe('file whose first line is the password'),
    tls: tlsSchema.optional(),
    keepaliveS: z
      .number()
      .int()
      .min(5)
      .max(65535)
      .default(30)
      .describe('MQTT keepalive, seconds (default 30: the broker declares a dead peer, and sends its Will, within 45 s)'),
    connectTimeoutMs: ms.default(30_000).describe('give up one connection attempt after this, ms (default 30 s: slow WAN links)'),
    reconnect: backoffSchema({ minMs: 1_000, maxMs: 60_000 })
      .prefault({})
      .describe('reconnect backoff (defaults 1 s doubling to a 60 s cap: fast recovery, no hammering a broker that is down)'),
  })
  .strict()

/** Output type of {@link mqttBrokerSchema}. */
export type MqttBrokerConfig = z.output<typeof mqttBrokerSchema>

/** Cross-field checks for a broker block: TLS needs mqtts://, cert needs key, one password source. */
export function checkBroker(mqtt: MqttBrokerConfig, at: KeyPath): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const tls = mqtt.tls
  if (tls !== undefined) {
    if (tls.cert !== undefined && tls.key === undefined) problems.push({ path: [...at, 'tls', 'cert'], message: 'tls.cert requires tls.key' })
    if (tls.key !== undefined && tls.cert === undefined) problems.push({ path: [...at, 'tls', 'key'], message: 'tls.key requires tls.cert' })
    if (!mqtt.url.startsWith('mqtts://') && (tls.ca ?? tls.cert ?? tls.key) !== undefined) {
      problems.push({ path: [...at, 'url'], message: 'tls files are given, so url must start with mqtts://' })
    }
  }
  problems.push(...checkOneSecret(mqtt, at, 'password'))
  if (mqtt.username === undefined && (mqtt.password ?? mqtt.passwordFile) !== undefined) {
    problems.push({ path: [...at, 'username'], message: 'a password is given, so username is required' })
  }
  return problems
}

/** `x` and `xFile` are alternatives: at most one may be given. */
export function checkOneSecret(block: object, at: KeyPath, key: string): ConfigProblem[] {
  const record = block as Record<string, unknown>
  if (record[key] !== undefined && record[`${key}File`] !== undefined) {
    return [{ path: [...at, `${key}File`], message: `give ${key} or ${key}File, not both` }]
  }
  return []
}

/** Backoff blocks must not have a first delay beyond their cap. */
export function checkBackoff(backoff: { minMs: number; maxMs: number }, at: KeyPath): ConfigProblem[] {
  return backoff.minMs > backoff.maxMs ? [{ path: [...at, 'minMs'], message: `minMs ${backoff.minMs} is above maxMs ${backoff.maxMs}` }] : []
}

/** Reports every value that appears more than once, at the path of its second and later occurrences. */
export function checkUnique<T>(items: readonly T[], key: (item: T) => string | number, at: (index: number) => KeyPath, what: string): ConfigProblem[] {
  const seen = new Map<string | number, number>()
  const problems: ConfigProblem[] = []
  items.forEach((item, index) => {
    const k = key(item)
    const first = seen.get(k)
    if (first === undefined) seen.set(k, index)
    else problems.push({ path: at(index), message: `duplicate ${what} "${k}" (first at index ${first})` })
  })
  return problems
}
