/**
 * The simulator's virtual clock. Scenario time runs `speed` times faster than real time, so a
 * 24-hour surge plays in minutes; every timer is scheduled in virtual milliseconds. One scheduler
 * serves both clocks: {@link RealtimeClock} maps it onto real timers, {@link ManualClock} is advanced
 * by hand (tests, fast-forward), so the same code runs deterministically in both.
 */

/** A scheduled callback; `cancel()` is idempotent. */
export interface TimerHandle {
  cancel(): void
}

/** What every simulator component is given instead of `Date.now()` and `setTimeout` (house rule 4). */
export interface Clock {
  /** Current virtual time, ms since 1970 (the scenario's `startTime` at start). */
  now(): number
  /** Virtual ms since the scenario started. */
  elapsedMs(): number
  /** Virtual seconds per real second. */
  readonly speed: number
  /** Runs `fn` once after `delayMs` virtual milliseconds. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle
  /** Runs `fn` every `periodMs` virtual milliseconds, first after one period. */
  setInterval(fn: () => void, periodMs: number): TimerHandle
  /** Cancels every timer; the clock schedules nothing afterwards. */
  close(): void
}

interface Entry {
  due: number
  seq: number
  fn: () => void
  periodMs?: number
  cancelled: boolean
}

/** A binary min-heap of timers ordered by (due time, creation order): equal times fire in the order set. */
class TimerQueue {
  private readonly heap: Entry[] = []

  get size(): number {
    return this.heap.length
  }

  peek(): Entry | undefined {
    return this.heap[0]
  }

  push(e: Entry): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  pop(): Entry | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last !== undefined) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l]!, h[m]!)) m = l
        if (r < h.length && before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }

  clear(): void {
    this.heap.length = 0
  }
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq)

/** Shared scheduling logic; subclasses decide how virtual time advances. */
abstract class BaseClock implements Clock {
  protected readonly queue = new TimerQueue()
  private seq = 0
  protected closed = false

  constructor(
    protected readonly startMs: number,
    readonly speed: number,
  ) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`)
  }

  abstract elapsedMs(): number

  now(): number {
    return this.startMs + this.elapsedMs()
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.add(fn, Math.max(0, delayMs))
  }

  setInterval(fn: () => void, periodMs: number): TimerHandle {
    if (!(periodMs > 0)) throw new RangeError(`interval must be > 0 ms, got ${periodMs}`)
    return this.add(fn, periodMs, periodMs)
  }

  close(): void {
    this.closed = true
    this.queue.clear()
    this.rearm()
  }

  private add(fn: () => void, delayMs: number, periodMs?: number): TimerHandle {
    const entry: Entry = { due: this.elapsedMs() + delayMs, seq: this.seq++, fn, cancelled: false, ...(periodMs === undefined ? {} : { periodMs }) }
    if (!this.closed) {
      this.queue.push(entry)
      this.rearm()
    }
    return {
      cancel: () => {
        entry.cancelled = true
      },
    }
  }

  /** Fires every timer due at or before `upToMs` (virtual elapsed), in order; returns how many fired. */
  protected fireDue(upToMs: number): number {
    let fired = 0
    for (let e = this.queue.peek(); e !== undefined && e.due <= upToMs && !this.closed; e = this.queue.peek()) {
      this.queue.pop()
      if (e.cancelled) continue
      this.current = e.due
      if (e.periodMs !== undefined) {
        e.due += e.periodMs
        e.seq = this.seq++
        this.queue.push(e)
      }
      e.fn()
      fired++
    }
    this.current = undefined
    return fired
  }

  /** While a timer runs, "now" is exactly its due time, so what it schedules is deterministic. */
  protected current: number | undefined

  /** Called after the queue changes; real clocks re-arm their one real timer. */
  protected abstract rearm(): void
}

/** Virtual time driven by real time: `elapsed = (real elapsed) × speed`. */
export class RealtimeClock extends BaseClock {
  private readonly realStart = performance.now()
  private timer: NodeJS.Timeout | undefined

  constructor(startMs: number, speed = 1) {
    super(startMs, speed)
  }

  elapsedMs(): number {
    return this.current ?? (performance.now() - this.realStart) * this.speed
  }

  protected rearm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const next = this.queue.peek()
    if (next === undefined || this.closed) return
    const realDelay = Math.max(0, (next.due - this.elapsedMs()) / this.speed)
    // Node caps timeouts at 2^31-1 ms; longer waits re-arm when they wake.
    this.timer = setTimeout(() => this.tick(), Math.min(realDelay, 2 ** 31 - 1))
  }

  private tick(): void {
    this.timer = undefined
    this.fireDue(this.elapsedMs())
    this.rearm()
  }
}

/** Virtual time that moves only when {@link ManualClock.advance} is called: deterministic tests and fast-forward. */
export class ManualClock extends BaseClock {
  private elapsed = 0

  constructor(startMs: number, speed = 1) {
    super(startMs, speed)
  }

  elapsedMs(): number {
    return this.current ?? this.elapsed
  }

  /** Moves virtual time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.elapsed + ms
    for (let e = this.queue.peek(); e !== undefined && e.due <= target && !this.closed; e = this.queue.peek()) {
      this.fireDue(e.due)
      this.elapsed = Math.max(this.elapsed, e.due)
    }
    this.elapsed = target
  }

  protected rearm(): void {
    // Nothing to do: time moves only in advance().
  }
}
