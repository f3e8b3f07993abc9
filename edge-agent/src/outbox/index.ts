/**
 * The durable outbox ("No data lost", issue 4): readings wait on disk until the broker acknowledged them.
 */
export type { Outbox, OutboxBatch, OutboxStats } from './types.js'
export { DiskOutbox } from './disk-outbox.js'
export {
  DEFAULT_ACK_FLUSH_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_SEGMENT_BYTES,
  DEFAULT_WINDOW_READINGS,
  type DiskOutboxInit,
  type OutboxPolicy,
} from './options.js'
