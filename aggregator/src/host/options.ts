/**
 * Options of the Sparkplug host, their defaults (each with its unit and reason), and the mqtt.js
 * CONNECT options built from them.
 */
import { encodeState, STATE_QOS, STATE_RETAIN, type MqttBrokerConfig } from '@rhn/protocols'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { HostLogger } from './node-session.js'
import type { HostTimers } from './timers.js'

/** Wait this long for a missing seq before asking for a rebirth, ms (the config's default: QoS 1 redelivery on a LAN is far quicker). */
export const DEFAULT_REORDER_TIMEOUT_MS = 2_000
/**
 * Ask one edge node for a rebirth at most this often, ms: a node answers within a second on a LAN,
 * and DATA keeps arriving until it does; one request per message would flood it with NCMDs.
 */
export const DEFAULT_REBIRTH_INTERVAL_MS = 5_000
/** Give the offline STATE and DISCONNECT this long at stop, ms, before closing the socket anyway. */
export const DEFAULT_STOP_TIMEOUT_MS = 2_000
/** Reconnect backoff when the config gives none: 1 s doubling to 60 s with 20 % jitter (the config's defaults). */
export const DEFAULT_RECONNECT = { minMs: 1_000, maxMs: 60_000, factor: 2, jitter: 0.2 } as const

/** Broker connection: the config's `mqtt` block with the password (and TLS PEMs) already read from their files. */
export interface HostMqttInit {
  url: string
  /** Defaults to `rhn-host-<hostId>`: unique, since host ids are [tck-id-operational-behavior-host-application-host-id]. */
  clientId?: string
  username?: string
  password?: string
  /** PEM contents (not paths): the caller reads the config's files, as it does for the password. */
  tls?: { ca?: string; cert?: string; key?: string }
  /** MQTT keepalive, s (default 30). */
  keepaliveS?: number
  /** One connection attempt's timeout, ms (default 30,000). */
  connectTimeoutMs?: number
  reconnect?: Partial<MqttBrokerConfig['reconnect']>
}

/** Makes an mqtt.js client; tests pass one that keeps the client to cut its socket. */
export type MqttConnect = (url: string, options: IClientOptions) => MqttClient

/** Options of {@link SparkplugHost}. */
export interface SparkplugHostInit {
  /** Sparkplug Host ID; STATE goes to `spBv1.0/STATE/<hostId>`. */
  hostId: string
  /** Sparkplug groups to subscribe (`spBv1.0/<group>/#`). */
  groups: readonly string[]
  mqtt: HostMqttInit
  /** Reorder Timeout, ms [tck-id-operational-behavior-host-reordering-param]; default {@link DEFAULT_REORDER_TIMEOUT_MS}. */
  reorderTimeoutMs?: number
  /** Minimum time between automatic rebirth requests to one node, ms; default {@link DEFAULT_REBIRTH_INTERVAL_MS}. */
  rebirthIntervalMs?: number
  /** Default {@link DEFAULT_STOP_TIMEOUT_MS}. */
  stopTimeoutMs?: number
  /** pino logger (or anything with its call shape); silent when absent. */
  logger?: HostLogger
  /** Wall clock, ms since 1970 UTC (STATE and NCMD timestamps, event times). */
  now?: () => number
  /** Uniform [0, 1) for reconnect jitter. */
  random?: () => number
  timers?: HostTimers
  /** mqtt.js factory; default `mqtt.connect`. */
  connect?: MqttConnect
}

const noop = (): void => undefined
/** A logger that drops everything. */
export const silentLogger: HostLogger = { debug: noop, info: noop, warn: noop, error: noop }

/** The STATE payload as a Buffer (mqtt.js wants Buffer or string). */
export function statePayload(online: boolean, timestamp: number): Buffer {
  return Buffer.from(encodeState({ online, timestamp }))
}

/**
 * CONNECT options for one connection attempt. MQTT 3.1.1: the host needs nothing of MQTT 5, every
 * Sparkplug broker speaks 3.1.1, and it is what Tahu's clients use; with it the spec wants Clean
 * Session [tck-id-message-flow-phid-sparkplug-clean-session-311]. mqtt.js's own reconnect is off:
 * each CONNECT needs a Will with that session's timestamp, and the backoff is the config's.
 */
export function connectOptions(init: SparkplugHostInit, stateTopic: string, sessionTimestamp: number): IClientOptions {
  const m = init.mqtt
  const options: IClientOptions = {
    protocolVersion: 4,
    clean: true,
    clientId: m.clientId ?? `rhn-host-${init.hostId}`,
    keepalive: m.keepaliveS ?? 30,
    connectTimeout: m.connectTimeoutMs ?? 30_000,
    reconnectPeriod: 0,
    resubscribe: false,
    // [tck-id-host-topic-phid-death-required] a Will on STATE: QoS 1, retained, online false, with
    // the timestamp the STATE birth of this session carries [tck-id-host-topic-phid-death-payload].
    will: { topic: stateTopic, payload: statePayload(false, sessionTimestamp), qos: STATE_QOS, retain: STATE_RETAIN },
  }
  if (m.username !== undefined) options.username = m.username
  if (m.password !== undefined) options.password = m.password
  if (m.tls?.ca !== undefined) options.ca = m.tls.ca
  if (m.tls?.cert !== undefined) options.cert = m.tls.cert
  if (m.tls?.key !== undefined) options.key = m.tls.key
  return options
}

/** Reconnect delay before attempt `attempt` (0-based), ms: exponential, capped, with jitter. */
export function reconnectDelay(init: SparkplugHostInit, attempt: number, random: () => number): number {
  const r = { ...DEFAULT_RECONNECT, ...init.mqtt.reconnect }
  const base = Math.min(r.maxMs, r.minMs * r.factor ** attempt)
  return Math.max(0, Math.round(base * (1 + r.jitter * (2 * random() - 1))))
}

/** The default mqtt.js factory. */
export const defaultConnect: MqttConnect = (url, options) => mqtt.connect(url, options)
