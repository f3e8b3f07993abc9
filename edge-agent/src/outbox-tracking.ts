import type { Outbox, OutboxBatch, OutboxStats } from './outbox/index.js'
import type { Reading } from './reading.js'

/**
 * The outbox as the edge node sees it, plus "run this once every batch appended so far is
 * acknowledged": a device's DDEATH waits until its readings already queued went out (DATA may not
 * follow DDEATH on the wire, and none may be lost).
 */
export class TrackedOutbox implements Outbox {
  private readonly unacked = new Set<number>()
  private readonly waiters = new Map<string, { watermark: number; run: () => void }>()
  private lastId = 0

  constructor(private readonly inner: Outbox) {}

  append(readings: readonly Reading[]): Promise<number> {
    return this.inner.append(readings).then((id) => {
      this.unacked.add(id)
      this.lastId = Math.max(this.lastId, id)
      return id
    })
  }

  read(afterId: number, max: number): Promise<OutboxBatch[]> {
    return this.inner.read(afterId, max)
  }

  ack(id: number): void {
    this.inner.ack(id)
    this.unacked.delete(id)
    if (this.waiters.size > 0) this.release()
  }

  stats(): OutboxStats {
    return this.inner.stats()
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  /** Runs `run` once every batch appended until now is acknowledged (at once when none is pending); a later call for the key replaces it. */
  afterDrained(key: string, run: () => void): void {
    this.waiters.set(key, { watermark: this.lastId, run })
    this.release()
  }

  /** Forgets a waiting `afterDrained` (the device came back before its DDEATH was due). */
  cancelAfterDrained(key: string): void {
    this.waiters.delete(key)
  }

  private release(): void {
    let oldest = Infinity
    // Batches restored from disk at start are not in `unacked`; they were appended before any waiter.
    for (const id of this.unacked) if (id < oldest) oldest = id
    for (const [key, w] of this.waiters) {
      if (oldest > w.watermark) {
        this.waiters.delete(key)
        w.run()
      }
    }
  }
}
