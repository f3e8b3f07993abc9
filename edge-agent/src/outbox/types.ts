import type { Reading } from '../reading.js'

/** A batch of readings as the outbox stores it: written to disk together, acknowledged together. */
export interface OutboxBatch {
  /** Monotonically increasing across restarts. */
  id: number
  /** When it entered the outbox (agent wall clock), ms since 1970. */
  enqueuedAt: number
  readings: readonly Reading[]
}

/** Counters for `/healthz` and `/metrics`. */
export interface OutboxStats {
  /** Batches written and not yet acknowledged. */
  pendingBatches: number
  pendingReadings: number
  /** Bytes the outbox occupies on disk. */
  bytes: number
  /** Readings dropped by the full-outbox policy since start. */
  droppedReadings: number
  /** Torn or corrupt records truncated at open (kill -9, power loss). */
  truncatedRecords: number
}

/**
 * The disk-backed outbox ("No data lost", issue 4): every reading is on disk before it is published
 * and leaves only when the broker acknowledged it. Survives `kill -9` and power loss.
 */
export interface Outbox {
  /** Appends a batch; resolves once it is durable (written and fsynced). Returns the batch id. */
  append(readings: readonly Reading[]): Promise<number>
  /** Up to `max` unacknowledged batches with id > `afterId`, oldest first (reads from disk when needed). */
  read(afterId: number, max: number): Promise<OutboxBatch[]>
  /** The broker acknowledged every reading of batch `id`: it may be removed (acks may come out of order). */
  ack(id: number): void
  stats(): OutboxStats
  /** Flushes and closes files; idempotent. */
  close(): Promise<void>
}
