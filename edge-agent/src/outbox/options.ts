/** Options of `DiskOutbox.open`, with their defaults (the same as the `outbox` config keys'). */
import type { EdgeConfig } from '@rhn/protocols'
import type { Logger } from 'pino'

/** What happens at `maxBytes` (the `outbox.policy` config key). */
export type OutboxPolicy = EdgeConfig['outbox']['policy']

/** Byte limit, bytes (256 MiB: the config default, about a day of a busy ward). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024
/** Segment size, bytes (16 MiB: the config default; drop-oldest and acks free space in steps this big). */
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024
/** Readings kept in memory for `read` (100,000: ~10-20 MB of Reading objects, a few seconds of a busy gateway). */
export const DEFAULT_WINDOW_READINGS = 100_000
/** How often acks are checkpointed, ms (1 s: a crash replays at most about this much already-acked data). */
export const DEFAULT_ACK_FLUSH_MS = 1_000

/** Options and components of `DiskOutbox.open`; `maxBytes`, `segmentBytes`, `policy` as in the config. */
export interface DiskOutboxInit {
  dir: string
  maxBytes?: number
  segmentBytes?: number
  policy?: OutboxPolicy
  /** Bound of the in-memory read window, readings (default {@link DEFAULT_WINDOW_READINGS}). */
  windowReadings?: number
  /** Ack checkpoint interval, ms (default {@link DEFAULT_ACK_FLUSH_MS}). */
  ackFlushMs?: number
  logger: Logger
  /** Wall clock for `enqueuedAt`, ms since 1970 (default `Date.now`). */
  now?: () => number
}
