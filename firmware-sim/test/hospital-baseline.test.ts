// The patients already in at the start of a run must leave as those of a ward in steady state would:
// otherwise occupancy drifts on its own before any surge (the demo showed beds emptying for a day).
import { describe, expect, it } from 'vitest'
import { lognormalWithMean } from '../src/hospital/draws.js'
import { drawBaselineStay } from '../src/hospital/patients.js'
import { createRng } from '../src/rng.js'
import { exampleScenario } from './hospital-support.js'

const DAY_MS = 86_400_000
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length

describe('baseline patients', () => {
  it('have the remaining stays of a ward in steady state (long stays are the ones found in a bed)', () => {
    const scenario = exampleScenario('winter-surge')
    const los = scenario.lengthOfStayDays.mild
    // Ground truth: a stationary ward, admissions at a constant rate for 200 stays' worth of time, and
    // the remaining stays of everyone in a bed at the end.
    const truth = createRng(1, 'truth')
    const end = 200 * los * DAY_MS
    const remaining: number[] = []
    for (let t = 0; t < end; t += truth.exponential(DAY_MS / 40)) {
      const leaves = t + lognormalWithMean(truth, los) * DAY_MS
      if (leaves > end) remaining.push(leaves - end)
    }
    const rng = createRng(2, 'baseline')
    const drawn = Array.from({ length: 20_000 }, () => drawBaselineStay(rng, scenario, 'mild', 'ward', 0).dischargeAt)
    expect(remaining.length).toBeGreaterThan(100)
    // Both about 0.95 × the mean stay at σ 0.8; an unbiased draw gives half the mean stay.
    expect(mean(drawn) / mean(remaining)).toBeGreaterThan(0.85)
    expect(mean(drawn) / mean(remaining)).toBeLessThan(1.15)
  })
})
