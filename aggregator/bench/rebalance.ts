/**
 * Rebalancing solve time (issue 7 "Speed": solve ≤ 1 s for 20 hospitals). A generated surge region
 * of 20 hospitals × 6 unit types × 6 PPE GTINs, a different region per solve, solved through the
 * public `rebalance()`: p50/p99 wall-clock and process CPU time, and how often the LP relaxation was
 * already whole. Figures only, no asserts: this machine is shared and noisy (CPU time is the steadier
 * figure when other processes compete for the cores).
 *
 * Run: node --import tsx --conditions=rhn-source aggregator/bench/rebalance.ts [solves]
 */
import { rebalance } from '../src/rebalance/index.js'
import { generatedRegion } from '../test/rebalance-support.js'

const HOSPITALS = 20
const SOLVES = Number(process.argv[2] ?? 40)
const TARGET_MS = 1000

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const ms = (x: number): string => `${x.toFixed(0)} ms`

async function timed(seed: number): Promise<{ wall: number; cpu: number; result: Awaited<ReturnType<typeof rebalance>> }> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const result = await rebalance({ hospitals: generatedRegion(seed, HOSPITALS), options: { maxTransferKm: 100 } })
  const wall = performance.now() - t0
  const c = process.cpuUsage(cpu0)
  return { wall, cpu: (c.user + c.system) / 1000, result }
}

const cold = await timed(0)
console.log(`first call (loads the HiGHS WebAssembly once): ${ms(cold.wall)} wall, ${ms(cold.cpu)} CPU`)

const wall: number[] = []
const cpu: number[] = []
let recommendations = 0
let lpWhole = 0
let stages = 0
let unmetBefore = 0
let unmetAfter = 0
for (let seed = 1; seed <= SOLVES; seed++) {
  const run = await timed(seed)
  wall.push(run.wall)
  cpu.push(run.cpu)
  recommendations += run.result.recommendations.length
  for (const s of run.result.solves) {
    stages++
    if (s.lpRelaxation) lpWhole++
  }
  unmetBefore += run.result.unmet.before.patients + run.result.unmet.before.ventilators
  unmetAfter += run.result.unmet.after.patients + run.result.unmet.after.ventilators
}
console.log(`${SOLVES} regions of ${HOSPITALS} hospitals × 6 unit types × 6 GTINs, maxTransferKm 100:`)
console.log(`  wall  p50 ${ms(pct(wall, 50))}  p99 ${ms(pct(wall, 99))}  max ${ms(Math.max(...wall))}   (target ≤ ${ms(TARGET_MS)})`)
console.log(`  CPU   p50 ${ms(pct(cpu, 50))}  p99 ${ms(pct(cpu, 99))}  max ${ms(Math.max(...cpu))}`)
console.log(`  ${(recommendations / SOLVES).toFixed(1)} recommendations per region; ${lpWhole}/${stages} stages settled by the LP relaxation, the rest by the MIP`)
console.log(`  patients + ventilators unmet, mean per region: ${(unmetBefore / SOLVES).toFixed(1)} before, ${(unmetAfter / SOLVES).toFixed(1)} after`)
