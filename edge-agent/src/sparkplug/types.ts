/**
 * What the Sparkplug B Edge Node needs (its `Init`) and what it reports (its counters).
 * Issue 4, "Sparkplug B Edge Node" and "No data lost".
 */
import type { Logger } from 'pino'
import type { Outbox } from '../outbox/types.js'
import type { DeviceDescriptor, Reading } from '../reading.js'

/** The broker connection, as `EdgeConfig.mqtt` after the agent resolved `passwordFile`. */
export interface EdgeNodeMqttInit {
  /** `mqtt://host[:port]` or `mqtts://host[:port]`. */
  url: string
  /** MQTT client id; defaults to `rhn-edge-{groupId}-{edgeNodeId}` (unique per edge node, as brokers require). */
  clientId?: string
  username?: string
  /** The password itself (the agent reads `passwordFile` before it builds the node). */
  password?: string
  /** PEM file paths, read at `start()`: CA bundle, and client certificate + key for mutual TLS. */
  tls?: { ca?: string; cert?: string; key?: string }
  /** MQTT keepalive, s (default 30: the broker sends the NDEATH Will within 45 s of a silent link). */
  keepaliveS?: number
  /** Give up one connection attempt after this, ms (default 30 000). */
  connectTimeoutMs?: number
  /** Reconnect backoff: delay n = min(maxMs, minMs × factor^n) ± jitter × delay. */
  reconnect?: { minMs?: number; maxMs?: number; factor?: number; jitter?: number }
}

/** Everything a {@link SparkplugEdgeNode} is built from (house rule 4: dependencies come in here). */
export interface SparkplugEdgeNodeInit {
  gateway: { groupId: string; edgeNodeId: string }
  mqtt: EdgeNodeMqttInit
  sparkplug: {
    /** When set, births and data go out only while this host's STATE is online (spec §5.9). */
    primaryHostId?: string
    /** true: NBIRTH/DBIRTH/DDATA/DDEATH at QoS 0 as the spec's letter says; default false: QoS 1 so a batch leaves the outbox only on PUBACK. */
    strict?: boolean
    /** File that keeps bdSeq across restarts (written before each CONNECT). */
    bdSeqFile: string
  }
  /** Replay rate after a reconnect, messages/s (EdgeConfig `outbox.replayRateMsgsPerS`). */
  replayRateMsgsPerS: number
  /** The durable outbox the data path drains. */
  outbox: Outbox
  /** Every device of the gateway with its metrics (for DBIRTH). */
  devices(): readonly DeviceDescriptor[]
  /**
   * Called for a reading whose metric the device's DBIRTH lacks; returns true when `devices()` now
   * includes it, so the node re-births the device before the data instead of skipping it.
   */
  declareMetric?(device: string, metric: string): boolean
  /** The current value of a metric, for BIRTH messages; undefined when unknown (sent as null). */
  lastValue(device: string, metric: string): Reading | undefined
  logger: Logger
  /** Wall clock, ms since 1970 (timestamps, and the replay boundary against `OutboxBatch.enqueuedAt`). */
  now(): number
  /** Random 0..1 for the reconnect jitter (default Math.random); seeded in simulations. */
  random?: () => number
  /** In-flight message bound across live and replay, messages (default {@link DEFAULT_MAX_INFLIGHT_MESSAGES}). */
  maxInflightMessages?: number
  /** Idle poll of the outbox, ms (default {@link DEFAULT_POLL_INTERVAL_MS}); `notify()` wakes it at once. */
  pollIntervalMs?: number
}

/**
 * In-flight bound, messages. Mosquitto queues at most `max_queued_messages` (default 1000) per
 * subscriber (STACK.md): keeping our own window at that size means one burst of ours cannot by
 * itself overflow a subscriber that keeps up with the PUBACK rate.
 */
export const DEFAULT_MAX_INFLIGHT_MESSAGES = 1_000

/** Idle outbox poll, ms: adds at most this to read-to-publish latency when nobody calls `notify()` (issue 4: p99 ≤ 100 ms). */
export const DEFAULT_POLL_INTERVAL_MS = 25

/** Metrics per DDATA, at most: STACK.md says carry many per message; 500 keeps a message ≈ 10–20 KB. */
export const MAX_METRICS_PER_MESSAGE = 500

/** PUBACK latency histogram upper bounds, s (Prometheus `le`). */
export const PUBACK_LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/** Counters for `/metrics` and `/healthz`; a plain object, a snapshot from {@link SparkplugEdgeNode.metrics}. */
export interface EdgeNodeCounters {
  /** Messages the broker acknowledged (PUBACK; written, at QoS 0), births and deaths included. */
  publishedMessages: number
  /** Readings carried by acknowledged DDATA messages. */
  publishedReadings: number
  /** Of those, replayed with `is_historical`. */
  historicalReadings: number
  /** Readings not publishable: device unknown or dead (no DBIRTH in this session), metric not in the DBIRTH, or value of the wrong type. */
  skippedReadings: number
  /** Outbox batches acknowledged after every message of theirs got its PUBACK. */
  ackedBatches: number
  /** PUBACK latency histogram: cumulative `counts[i]` of latencies ≤ `buckets[i]` s, plus sum (s) and count. */
  pubackLatencySeconds: { buckets: readonly number[]; counts: number[]; sum: number; count: number }
  /** MQTT sessions established after the first one. */
  reconnects: number
  /** Connection attempts that failed (refused, unreachable, TLS, timeout). */
  connectFailures: number
  /** NBIRTH messages sent. */
  nodeBirths: number
  /** DBIRTH messages sent. */
  deviceBirths: number
  /** DDEATH messages sent. */
  deviceDeaths: number
  /** `Node Control/Rebirth` / `Device Control/Rebirth` commands received. */
  rebirthRequests: number
  /** 1 while an MQTT session is up. */
  connected: 0 | 1
  /** 1 while the configured primary host's STATE is online (always 1 without a primary host). */
  primaryHostOnline: 0 | 1
}
