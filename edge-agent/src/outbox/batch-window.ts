/**
 * The read window: the most recent durable batches, kept as their sealed records (the bytes just
 * written to the segment) so that `read` of live data never touches the disk. Bounded by a reading
 * count; older batches stay on disk only and `read` decodes them from there (a long outage must not
 * hold everything in RAM).
 *
 * Why records and not the Reading objects the caller appended (as before): a Reading costs ~90 bytes
 * of V8 heap and lives here for seconds, long enough to be promoted to the old generation, where it
 * becomes garbage that only a full mark-compact frees. At 100,000 readings/s that promoted garbage
 * let the heap grow to ~250 MB around a ~50 MB live set (pipeline bench, heap snapshot and
 * `--trace-gc`). A record is ~15 bytes a reading, outside the V8 heap, and decoding it again when read
 * costs ~0.1 µs a reading (codec.ts); the Readings decoded for publishing die young.
 */
import { openRecord } from './codec.js'
import type { OutboxBatch } from './types.js'

/** One batch in the window: its sealed record and reading count. */
interface WindowEntry {
  record: Buffer
  readings: number
}

/** Keeps at most `maxReadings` readings (plus the newest batch, whatever its size). */
export class BatchWindow {
  readonly #maxReadings: number
  // Insertion order is id order (batches are added as they become durable), so the first key is the oldest.
  readonly #batches = new Map<number, WindowEntry>()
  #readings = 0

  constructor(maxReadings: number) {
    this.#maxReadings = maxReadings
  }

  /** Readings held. */
  get readings(): number {
    return this.#readings
  }

  /** Batch `id`, its readings decoded on access (codec.ts `RecordBatch`); undefined when not held (or, defensively, when it fails its checksum). */
  get(id: number): OutboxBatch | undefined {
    const entry = this.#batches.get(id)
    return entry === undefined ? undefined : openRecord(entry.record, 0)
  }

  /** Adds a batch that just became durable (its sealed `record` holding `readings`), evicting the oldest ones past the bound. */
  add(id: number, record: Buffer, readings: number): void {
    this.#batches.set(id, { record, readings })
    this.#readings += readings
    if (this.#readings <= this.#maxReadings) return
    for (const [oldId, old] of this.#batches) {
      if (this.#readings <= this.#maxReadings || oldId === id) break
      this.#batches.delete(oldId)
      this.#readings -= old.readings
    }
  }

  /** Forgets a batch (acknowledged). */
  delete(id: number): void {
    const entry = this.#batches.get(id)
    if (entry === undefined) return
    this.#batches.delete(id)
    this.#readings -= entry.readings
  }

  /** Forgets every batch with id ≤ `lastId` (their segment was dropped). */
  deleteThrough(lastId: number): void {
    for (const [id, entry] of this.#batches) {
      if (id > lastId) break
      this.#batches.delete(id)
      this.#readings -= entry.readings
    }
  }
}
