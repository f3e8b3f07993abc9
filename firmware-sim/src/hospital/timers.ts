import type { Clock, TimerHandle } from '../clock.js'

/** The timers one owner set, so `stop()` can cancel every one of them (house rule 7). */
export class TimerSet {
  private readonly handles = new Set<TimerHandle>()

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` once after `ms` virtual ms. */
  after(ms: number, fn: () => void): TimerHandle {
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(handle)
      fn()
    }, ms)
    this.handles.add(handle)
    return handle
  }

  /** Runs `fn` every `ms` virtual ms. */
  every(ms: number, fn: () => void): TimerHandle {
    const handle = this.clock.setInterval(fn, ms)
    this.handles.add(handle)
    return handle
  }

  /** Timers still pending. */
  get size(): number {
    return this.handles.size
  }

  /** Cancels every pending timer. */
  cancelAll(): void {
    for (const h of this.handles) h.cancel()
    this.handles.clear()
  }
}
