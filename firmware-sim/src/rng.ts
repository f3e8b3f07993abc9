/**
 * Seeded random numbers. Every simulated thing draws from its own named stream
 * (`createRng(seed, 'RXA/admissions')`), so adding a device or reordering timers never changes
 * the numbers another stream produces: the same seed gives the same values and events.
 */

/** A deterministic source of random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** Normally distributed (Box–Muller). */
  normal(mean: number, sd: number): number
  /** Exponentially distributed with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** A child stream, independent of this one's later draws. */
  fork(name: string): Rng
}

/** cyrb128: a fast 128-bit string hash, used only to seed sfc32 from (seed, stream name). */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** Creates the stream `name` of `seed`. */
export function createRng(seed: number, name: string): Rng {
  const key = `${seed}:${name}`
  let [a, b, c, d] = cyrb128(key)
  // sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), 128-bit state, passes PractRand.
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next() // discard the first outputs, as the author recommends
  let spare: number | undefined
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    normal(mean, sd) {
      if (spare !== undefined) {
        const z = spare
        spare = undefined
        return mean + sd * z
      }
      const u = 1 - next()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return mean + sd * r * Math.cos(2 * Math.PI * v)
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() from an empty list')
      return items[Math.floor(next() * items.length)]!
    },
    fork: (child) => createRng(seed, `${name}/${child}`),
  }
  return rng
}
