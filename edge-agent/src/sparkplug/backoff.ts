/**
 * Reconnect backoff (issue 4: "exponential backoff, jitter and a cap"). mqtt.js only has a fixed
 * `reconnectPeriod`, so the edge node sets it to 0 and asks this for each delay.
 */

/** Backoff settings; the defaults are EdgeConfig's `mqtt.reconnect` defaults. */
export interface BackoffInit {
  /** First delay, ms (default 1 000). */
  minMs?: number
  /** Cap, ms (default 60 000: no hammering a broker that is down). */
  maxMs?: number
  /** Growth per attempt (default 2: doubling). */
  factor?: number
  /** Spread ± this fraction of the delay (default 0.2: gateways restarting together after a power cut do not reconnect in lock-step). */
  jitter?: number
}

/** Delay n = min(maxMs, minMs × factor^n), then spread by ± jitter; `reset()` after a successful connect. */
export class Backoff {
  readonly #min: number
  readonly #max: number
  readonly #factor: number
  readonly #jitter: number
  readonly #random: () => number
  #attempt = 0

  constructor(init: BackoffInit = {}, random: () => number = Math.random) {
    this.#min = init.minMs ?? 1_000
    this.#max = Math.max(this.#min, init.maxMs ?? 60_000)
    this.#factor = init.factor ?? 2
    this.#jitter = init.jitter ?? 0.2
    this.#random = random
  }

  /** The delay before the next attempt, ms; each call grows the next one. */
  next(): number {
    const base = Math.min(this.#max, this.#min * this.#factor ** this.#attempt)
    this.#attempt = Math.min(this.#attempt + 1, 64)
    const spread = base * this.#jitter * (this.#random() * 2 - 1)
    return Math.max(0, Math.round(base + spread))
  }

  /** Starts over from `minMs`. */
  reset(): void {
    this.#attempt = 0
  }
}
