/**
 * Admission trend (issue 7 "Escalation levels": "admission trend"): admissions in the last trend
 * window against the window before, in %. Time base: data timestamps, like the PPE burn rate, so a
 * scenario replayed fast trends the same as one run in real time.
 */

/** Rise of `current` over `previous`, %; undefined without a baseline (no admissions in the window before). */
export function trendPercent(current: number, previous: number): number | undefined {
  if (!(previous > 0) || !Number.isFinite(current)) return undefined
  return ((current - previous) / previous) * 100
}

/** Samples closer than this fraction of the window are merged: at most ~2 × 96 samples are kept. */
const BUCKETS_PER_WINDOW = 96

interface Sample {
  t: number
  /** Admissions counted since the tracker started (monotonic). */
  cum: number
}

/**
 * Tracks one scope's admissions counter (`PatientFlow/Admissions`, "since local midnight": a drop
 * is the midnight reset, and everything since is new admissions) over two trend windows.
 */
export class AdmissionTrend {
  readonly #windowMs: number
  readonly #bucketMs: number
  readonly #samples: Sample[] = []
  #cum = 0
  #last: number | undefined

  /** @param windowMs the trend window, ms (config `escalation.trendWindowHours` × 3.6e6). */
  constructor(windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs: must be > 0 (got ${windowMs})`)
    this.#windowMs = windowMs
    this.#bucketMs = windowMs / BUCKETS_PER_WINDOW
  }

  /** The counter's value at data time `t` (fed in time order; older values are ignored). */
  observe(admissions: number, t: number): void {
    const lastSample = this.#samples[this.#samples.length - 1]
    if (lastSample !== undefined && t < lastSample.t) return
    if (this.#last !== undefined) this.#cum += admissions >= this.#last ? admissions - this.#last : admissions
    this.#last = admissions
    const s = this.#samples
    const prev = s[s.length - 2]
    if (prev !== undefined && t - prev.t < this.#bucketMs) s[s.length - 1] = { t, cum: this.#cum }
    else s.push({ t, cum: this.#cum })
    // Keep one sample at or before the start of the earlier window.
    while (s.length > 2 && (s[1] as Sample).t <= t - 2 * this.#windowMs) s.shift()
  }

  /** Admissions in the last window vs the one before, %; undefined until two whole windows of data exist or without a baseline. */
  percent(): number | undefined {
    const s = this.#samples
    const first = s[0]
    const last = s[s.length - 1]
    if (first === undefined || last === undefined || first.t > last.t - 2 * this.#windowMs) return undefined
    const at = (t: number): number => {
      let cum = first.cum
      for (const x of s) {
        if (x.t > t) break
        cum = x.cum
      }
      return cum
    }
    const mid = at(last.t - this.#windowMs)
    return trendPercent(last.cum - mid, mid - at(last.t - 2 * this.#windowMs))
  }
}
