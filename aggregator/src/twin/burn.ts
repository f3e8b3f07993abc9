/**
 * PPE burn rate per cabinet and GTIN (issue 5 "The twin": days of supply from the recent burn rate).
 *
 * Time base: the data timestamps of the metrics, never the wall clock, so a scenario replayed at
 * 60× speed yields the same burn per day as one run in real time.
 */

/** One day in ms: the unit burn rates are expressed in. */
export const DAY_MS = 86_400_000
/** Default sliding window: one day covers a full cycle of shifts, ward rounds and night lulls. */
export const DEFAULT_BURN_WINDOW_MS = DAY_MS
/** Samples closer than this are merged, so a window holds at most ~290 samples per GTIN (5 min). */
export const BURN_BUCKET_MS = 5 * 60_000
/** Below this much data the rate is not extrapolated to a day: a few takes in a minute are noise (15 min). */
export const MIN_BURN_SPAN_MS = 15 * 60_000

interface Sample {
  /** Data timestamp, ms. */
  t: number
  /** Items taken since the tracker started (monotonic). */
  cum: number
}

/**
 * Tracks items taken of one GTIN in one cabinet over a sliding window of data time.
 * Prefers the `PPE/Taken/{gtin}` counter (reset-aware: a drop means the agent restarted from 0);
 * falls back to stock decreases (`PPE/Stock/{gtin}`) when the cabinet never reported the counter.
 * Callers feed values in timestamp order (the twin applies only values newer than the current one).
 */
export class BurnTracker {
  private readonly samples: Sample[] = []
  private cum = 0
  private lastTaken: number | undefined
  private lastStock: number | undefined
  private counterSeen = false

  constructor(private readonly windowMs: number = DEFAULT_BURN_WINDOW_MS) {}

  /** A `PPE/Taken/{gtin}` counter value at data time `t`. */
  taken(value: number, t: number): void {
    if (!this.counterSeen) {
      // Switch to the counter: stock-derived takes so far stay in `cum`, counting restarts here.
      this.counterSeen = true
      this.lastTaken = value
      this.push(t)
      return
    }
    const last = this.lastTaken ?? value
    // A counter below its last value was reset (agent restart): everything since then is new takes.
    this.cum += value >= last ? value - last : value
    this.lastTaken = value
    this.push(t)
  }

  /** A `PPE/Stock/{gtin}` value at data time `t`; counts decreases as takes unless the counter is reported. */
  stock(value: number, t: number): void {
    const last = this.lastStock
    this.lastStock = value
    if (this.counterSeen) return
    // An increase is a restock, not negative consumption.
    if (last !== undefined && value < last) this.cum += last - value
    this.push(t)
  }

  /** Items per day over the window; 0 when there is too little data or nothing was taken. */
  perDay(): number {
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    if (first === undefined || last === undefined) return 0
    const span = last.t - first.t
    if (span < MIN_BURN_SPAN_MS) return 0
    return ((last.cum - first.cum) / span) * DAY_MS
  }

  private push(t: number): void {
    const s = this.samples
    const n = s.length
    const prev = s[n - 2]
    if (prev !== undefined && t - prev.t < BURN_BUCKET_MS) {
      // Merge into the newest sample, keeping samples at least one bucket apart.
      s[n - 1] = { t, cum: this.cum }
    } else {
      s.push({ t, cum: this.cum })
    }
    // Keep one sample at or before the window start, so the span covers the whole window.
    while (s.length > 2 && (s[1] as Sample).t <= t - this.windowMs) s.shift()
  }
}
