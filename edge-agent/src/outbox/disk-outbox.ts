/**
 * `DiskOutbox`: the durable outbox of issue 4 ("No data lost"): segment files in one folder, one writer
 * with group commit, acks checkpointed to `acks.log`. Formats: codec.ts, ack-log.ts; design: README.md.
 */
import type { Logger } from 'pino'
import { EdgeError } from '../errors.js'
import type { Reading } from '../reading.js'
import { encodeRecord } from './codec.js'
import { DEFAULT_ACK_FLUSH_MS, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_WINDOW_READINGS, type DiskOutboxInit, type OutboxPolicy } from './options.js'
import { SegmentStore } from './segment-store.js'
import type { Outbox, OutboxBatch, OutboxStats } from './types.js'
import { type Queued, takeGroup } from './writer.js'

/**
 * A disk-backed {@link Outbox}. `append` resolves once the batch is written and fdatasync'ed; a batch
 * leaves when acknowledged. Delivery is at-least-once: after a crash, batches acknowledged since the
 * last ack checkpoint (every `ackFlushMs`, and before any segment is deleted) come back, as do acks
 * past the 8,192 out-of-order ones a checkpoint holds; the aggregator dedupes on (device, metric,
 * timestamp). Memory: the read window (`windowReadings`), 13–26 bytes per batch on disk, and the
 * appends waiting for the writer (README.md works out the bound).
 */
export class DiskOutbox implements Outbox {
  readonly #store: SegmentStore
  readonly #maxBytes: number
  readonly #segmentBytes: number
  readonly #policy: OutboxPolicy
  readonly #logger: Logger
  readonly #now: () => number
  readonly #queue: Queued[] = []
  readonly #timer: NodeJS.Timeout
  #lock: Promise<unknown> = Promise.resolve()
  #writing: Promise<void> | undefined
  /** Resolves the wait of a writer blocked for space (policy block). */
  #wake: (() => void) | undefined
  #reclaimSoon: NodeJS.Immediate | undefined
  #refusing = false
  #closed = false
  #closing: Promise<void> | undefined

  private constructor(init: DiskOutboxInit, store: SegmentStore) {
    this.#store = store
    this.#maxBytes = init.maxBytes ?? DEFAULT_MAX_BYTES
    this.#segmentBytes = init.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.#policy = init.policy ?? 'drop-oldest'
    this.#logger = init.logger
    this.#now = init.now ?? Date.now
    this.#timer = setInterval(() => this.#background(), init.ackFlushMs ?? DEFAULT_ACK_FLUSH_MS)
    // close() clears it; unref only keeps a forgotten outbox from holding the process open.
    this.#timer.unref()
  }

  /**
   * Opens (or creates) the outbox in `init.dir`: verifies every record, truncates a torn tail (counted
   * in `truncatedRecords`, logged as RHN_EDGE_OUTBOX_CORRUPT), restores the unacknowledged batches and
   * the next id, and starts a new segment for appends.
   */
  static async open(init: DiskOutboxInit): Promise<DiskOutbox> {
    return new DiskOutbox(init, await SegmentStore.open(init.dir, init.logger, init.windowReadings ?? DEFAULT_WINDOW_READINGS))
  }

  /**
   * Appends a batch; resolves with its id once it is durable. Appends made while a write is in flight
   * share the next write and fdatasync (group commit). Rejects with RHN_EDGE_OUTBOX_FULL when the policy
   * refuses the batch (drop-newest, a batch larger than maxBytes, or close while blocked), and with
   * `signal.reason` when `signal` aborts before the batch's write started (typically while `block`
   * waits for space). The readings are encoded before this returns: the outbox keeps no reference to them.
   */
  append(readings: readonly Reading[], signal?: AbortSignal): Promise<number> {
    if (this.#closed) return Promise.reject(new EdgeError('RHN_EDGE_OUTBOX_CLOSED', 'the outbox is closed: the agent is shutting down'))
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    const record = encodeRecord(readings)
    return new Promise<number>((resolve, reject) => {
      const item: Queued = { record, readings: readings.length, resolve, reject, done: false }
      if (signal !== undefined) {
        const onAbort = (): void => {
          this.#settle(item, signal.reason)
          this.#wake?.()
        }
        signal.addEventListener('abort', onAbort, { once: true })
        item.detach = () => signal.removeEventListener('abort', onAbort)
      }
      this.#queue.push(item)
      this.#writing ??= this.#drain()
    })
  }

  /** Up to `max` unacknowledged batches with id > `afterId`, oldest first; from memory, else from disk. */
  read(afterId: number, max: number): Promise<OutboxBatch[]> {
    return this.#store.read(afterId, max)
  }

  /** Marks batch `id` acknowledged; unknown or repeated ids are ignored (acks may repeat after a replay). */
  ack(id: number): void {
    const completed = this.#store.ack(id)
    if (completed === undefined) return
    this.#wake?.() // a writer blocked for space may roll and delete even the active segment
    if (completed === this.#store.active) return // deleting it means a roll: not worth one per ack
    // A whole segment can go: free its space now rather than at the next tick of the timer.
    this.#reclaimSoon ??= setImmediate(() => {
      this.#reclaimSoon = undefined
      this.#background()
    })
  }

  /** Counters for `/healthz` and `/metrics`; `bytes` counts the segments and the ack checkpoint file. */
  stats(): OutboxStats {
    return this.#store.stats()
  }

  /** Writes what was appended, refuses appends still blocked for space, checkpoints acks, closes files; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    if (this.#reclaimSoon !== undefined) clearImmediate(this.#reclaimSoon)
    this.#wake?.()
    await this.#writing
    await this.#serial(() => this.#store.close())
  }

  /** Serialises every change to the files: writes, rolls, deletions, checkpoints. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn)
    this.#lock = run.catch(() => undefined)
    return run
  }

  /** Deletes fully acknowledged segments, else checkpoints new acks (timer, or a segment completed). */
  #background(): void {
    if (this.#closed) return
    const store = this.#store
    this.#serial(async () => {
      if (!(await store.reclaim(false)) && store.ackDirty) await store.checkpoint()
      this.#wake?.()
    }).catch((err: unknown) => this.#logger.error({ err }, 'outbox ack checkpoint failed'))
  }

  /** The writer loop: one group per turn; a writer blocked for space waits outside the lock. */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        try {
          // The wait comes back boxed: a bare promise would be adopted, and awaited inside the lock.
          const blocked = await this.#serial(() => this.#writeNext())
          if (blocked !== undefined) await blocked.wait
        } catch (err) {
          // Opening a segment or writing the checkpoint failed: fail what waits rather than spin on it.
          this.#logger.error({ err }, 'outbox write failed')
          for (const item of this.#queue.splice(0)) this.#settle(item, err)
        }
      }
    } finally {
      this.#writing = undefined
    }
  }

  /** Makes room for the oldest queued batch by policy, then writes it with those behind it that fit. */
  async #writeNext(): Promise<{ wait: Promise<void> } | undefined> {
    const store = this.#store
    while (this.#queue[0]?.done === true) this.#queue.shift()
    const head = this.#queue[0]
    if (head === undefined) return undefined
    const need = head.record.length
    if (need > this.#maxBytes) return this.#refuse(`a batch of ${need} bytes is larger than maxBytes`)
    while (store.diskBytes + need > this.#maxBytes) {
      if (await store.reclaim(true)) continue
      if (this.#policy === 'drop-oldest' && store.holdsBatches) await store.dropOldest()
      // Decided with no await since reclaim looked, so an ack completing a segment cannot be missed.
      else if (this.#policy === 'block' && !this.#closed) return { wait: new Promise<void>((resolve) => (this.#wake = resolve)) }
      else return this.#refuse(this.#closed ? 'outbox closed while the batch waited for space' : 'outbox full (policy drop-newest)')
    }
    this.#wake = undefined
    if (store.active.count > 0 && store.active.bytes + need > this.#segmentBytes) await store.roll()
    const group = takeGroup(this.#queue, this.#segmentBytes - store.active.bytes, this.#maxBytes - store.diskBytes)
    if (group.length === 0) return undefined // the head was aborted meanwhile: make room for the next one
    if (!(await store.write(group, this.#now()))) return undefined
    for (const item of group) item.resolve(item.id!)
    if (this.#refusing) this.#logger.info({ dropped: store.dropped }, 'outbox accepts batches again')
    this.#refusing = false
    return undefined
  }

  /** Refuses the head of the queue (counted); logs once per full period, not once per batch. */
  #refuse(reason: string): undefined {
    const item = this.#queue.shift()!
    this.#store.countRefused(item.readings)
    if (!this.#refusing) this.#logger.warn({ code: 'RHN_EDGE_OUTBOX_FULL', policy: this.#policy, reason }, 'outbox refuses new batches')
    this.#refusing = true
    this.#settle(item, new EdgeError('RHN_EDGE_OUTBOX_FULL', reason))
    return undefined
  }

  #settle(item: Queued, err: unknown): void {
    if (item.done) return
    item.done = true
    item.detach?.()
    item.reject(err)
  }
}
