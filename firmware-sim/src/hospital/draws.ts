/** Distributions the hospital model draws from, on top of the seeded {@link Rng}. */
import type { Rng } from '../rng.js'

/**
 * A Poisson-distributed count with mean `lambda`: Knuth's product method up to 30, a rounded
 * normal approximation above (the error there is far below the model's own uncertainty).
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0
  if (lambda > 30) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))))
  const limit = Math.exp(-lambda)
  let k = 0
  let p = rng.next()
  while (p > limit) {
    k++
    p *= rng.next()
  }
  return k
}

/**
 * Log-normal with the given arithmetic mean and log-scale sd `sigma`. Hospital lengths of stay are
 * right-skewed and commonly fitted log-normal (Marazzi et al., Med Care 1998;36:915); σ 0.8 gives
 * a coefficient of variation near 0.9, close to the exponential's 1 without its many near-zero stays.
 */
export function lognormalWithMean(rng: Rng, mean: number, sigma = 0.8): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2
  return Math.exp(rng.normal(mu, sigma))
}

/**
 * The stay of someone found in a bed at a random instant, for stays drawn by {@link lognormalWithMean}:
 * long stays are more likely to be caught in progress (the inspection paradox), so the stays seen are
 * length-biased, density ∝ L·f(L). For a log-normal that is the log-normal with μ + σ², i.e. the mean
 * times e^σ² (×1.9 at σ 0.8). Drawn unbiased, the patients present at start would leave about twice
 * as fast as the steady state, and occupancy would fall for the first day before any surge.
 */
export function lengthBiasedLognormal(rng: Rng, mean: number, sigma = 0.8): number {
  return lognormalWithMean(rng, mean * Math.exp(sigma * sigma), sigma)
}

/** Picks a key with probability proportional to its weight; the last positive key if rounding leaves a gap. */
export function pickWeighted<K extends string>(rng: Rng, weights: Readonly<Record<K, number>>, keys: readonly K[]): K {
  const total = keys.reduce((s, k) => s + Math.max(0, weights[k]), 0)
  let r = rng.next() * total
  let last = keys[0]!
  for (const k of keys) {
    const w = Math.max(0, weights[k])
    if (w <= 0) continue
    last = k
    if (r < w) return k
    r -= w
  }
  return last
}

/** Uniform integer in [min, max], both inclusive. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + rng.int(max - min + 1)
}

/** Rounds to one decimal place, as devices display. */
export const round1 = (x: number): number => Math.round(x * 10) / 10

/** Clamps `x` into [min, max]. */
export const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x))
