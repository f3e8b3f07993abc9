/**
 * The read window: the most recent durable batches, kept as the Reading objects the caller appended so
 * that `read` of live data never touches the disk. Bounded by a reading count; older batches stay on
 * disk only and `read` decodes them from there (a long outage must not hold everything in RAM).
 */
import type { OutboxBatch } from './types.js'

/** Keeps at most `maxReadings` readings (plus the newest batch, whatever its size). */
export class BatchWindow {
  readonly #maxReadings: number
  // Insertion order is id order (batches are added as they become durable), so the first key is the oldest.
  readonly #batches = new Map<number, OutboxBatch>()
  #readings = 0

  constructor(maxReadings: number) {
    this.#maxReadings = maxReadings
  }

  /** Readings held. */
  get readings(): number {
    return this.#readings
  }

  get(id: number): OutboxBatch | undefined {
    return this.#batches.get(id)
  }

  /** Adds a batch that just became durable, evicting the oldest ones past the bound. */
  add(batch: OutboxBatch): void {
    this.#batches.set(batch.id, batch)
    this.#readings += batch.readings.length
    for (const [id, old] of this.#batches) {
      if (this.#readings <= this.#maxReadings || id === batch.id) break
      this.#batches.delete(id)
      this.#readings -= old.readings.length
    }
  }

  /** Forgets a batch (acknowledged). */
  delete(id: number): void {
    const batch = this.#batches.get(id)
    if (batch === undefined) return
    this.#batches.delete(id)
    this.#readings -= batch.readings.length
  }

  /** Forgets every batch with id ≤ `lastId` (their segment was dropped). */
  deleteThrough(lastId: number): void {
    for (const [id, batch] of this.#batches) {
      if (id > lastId) break
      this.#batches.delete(id)
      this.#readings -= batch.readings.length
    }
  }
}
