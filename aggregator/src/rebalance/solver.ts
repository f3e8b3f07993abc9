/**
 * The one HiGHS instance the rebalancer shares. Loading the WebAssembly takes ~200 ms, so it is
 * done once, on first use, and reused. Sharing it is safe: `solve()` creates and destroys a fresh
 * native solver per call, so no model, option or basis state passes between calls or callers.
 */
import * as highsModule from 'highs'
import type { Highs } from 'highs'
import { AggregatorError } from '../errors.js'

// highs ships ESM (`export default` the loader) but declares its types as CommonJS, so under
// NodeNext TypeScript sees the loader one `.default` deeper than Node's ESM import yields it.
type Loader = () => Promise<Highs>
const imported = highsModule as unknown as { default: Loader | { default: Loader } }
const loadHighs: Loader = typeof imported.default === 'function' ? imported.default : imported.default.default

let shared: Promise<Highs> | undefined

/** The shared HiGHS instance, loaded on first call; a failed load is retried on the next call. */
export function loadSolver(): Promise<Highs> {
  if (shared === undefined) {
    shared = loadHighs().catch((err: unknown) => {
      shared = undefined
      throw new AggregatorError('RHN_AGG_REBALANCE_SOLVER', `rebalance: the HiGHS WebAssembly module did not load: ${String(err)}`, { cause: err })
    })
  }
  return shared
}

/** A solve's outcome: HiGHS's status and each column's value by name (empty when no solution). */
export interface SolveOutcome {
  status: string
  values: Map<string, number>
  /** True when `values` is a feasible solution (optimal, or the best found at a time limit). */
  feasible: boolean
}

/**
 * Solve one CPLEX LP-format program. Throws `RHN_AGG_REBALANCE_SOLVER` naming the stage when HiGHS
 * fails; then the shared instance is dropped, since a trapped WebAssembly instance is not trusted again.
 */
export async function solveLp(lp: string, stage: string, timeLimitS: number, mipRelGap: number): Promise<SolveOutcome> {
  const highs = await loadSolver()
  let result: ReturnType<Highs['solve']>
  try {
    result = highs.solve(lp, { output_flag: false, time_limit: timeLimitS, mip_rel_gap: mipRelGap })
  } catch (err) {
    shared = undefined
    throw new AggregatorError('RHN_AGG_REBALANCE_SOLVER', `rebalance: HiGHS failed in the ${stage} solve: ${String(err)}`, { cause: err })
  }
  const values = new Map<string, number>()
  const status: string = result.Status
  const feasible = status === 'Optimal' || (status === 'Time limit reached' && Object.values(result.Columns).some((c) => 'Primal' in c))
  if (feasible) {
    for (const [name, col] of Object.entries(result.Columns) as [string, { Primal?: number }][]) if (col.Primal !== undefined) values.set(name, col.Primal)
  }
  return { status, values, feasible }
}
