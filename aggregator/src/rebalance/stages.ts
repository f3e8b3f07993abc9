/**
 * The lexicographic solve of one block: minimise unmet demand, then minimise transfer distance
 * with unmet demand held at its minimum. Two solves rather than one weighted objective, because no
 * weight is provably large enough once PPE is weighed in hospital-days and ventilators in fractions.
 */
import { AggregatorError } from '../errors.js'
import type { Program } from './lp.js'
import type { Move } from './outcome.js'
import { solveLp, type SolveOutcome } from './solver.js'
import type { SolveRecord } from './types.js'

/** A flow within this of a whole number counts as whole: far below one unit, above HiGHS's 1e-7 feasibility tolerance. */
const WHOLE_TOLERANCE = 1e-6
/** Unmet demand the first stage must beat by more than solver noise before anything is moved. */
const UNMET_TOLERANCE = 1e-6
/**
 * MIP relative gap per stage. Unmet demand: 0, the stage decides what is left unmet and bounds the
 * next. Distance: HiGHS's default 1e-4 (a route 0.01 % longer than the best is not worth the search).
 */
const MIP_REL_GAP = { unmet: 0, distance: 1e-4 } as const
const STAGE_NAME = { unmet: 'unmet-demand', distance: 'transfer-distance' } as const

/**
 * One stage, LP relaxation first: when its optimal vertex has whole flows it is optimal for the
 * integer program too (the relaxation's optimum bounds every integer solution, and this one is
 * integer). That is the common case — a PPE block is a transportation problem, whose vertices are
 * whole — so only a fractional vertex (critical patients and the ventilators they take) pays for the MIP.
 */
async function solveStage(program: Program, stage: 'unmet' | 'distance', cap: number | undefined, timeLimitS: number, log: SolveRecord[]): Promise<SolveOutcome> {
  const name = STAGE_NAME[stage]
  const where = `${name} solve of ${program.block}`
  let started = performance.now()
  const relaxed = await solveLp(program.render(stage, cap, false), `${where} (LP relaxation)`, timeLimitS, MIP_REL_GAP[stage])
  const whole = (x: number): boolean => Math.abs(x - Math.round(x)) <= WHOLE_TOLERANCE
  if (relaxed.status === 'Optimal' && program.flows.every((f) => whole(relaxed.values.get(f.name) ?? 0))) {
    log.push({ block: program.block, stage: name, lpRelaxation: true, status: relaxed.status, ms: performance.now() - started })
    return relaxed
  }
  started = performance.now()
  const mip = await solveLp(program.render(stage, cap, true), where, timeLimitS, MIP_REL_GAP[stage])
  log.push({ block: program.block, stage: name, lpRelaxation: false, status: mip.status, ms: performance.now() - started })
  return mip
}

/** What one block decided: its moves (empty when moving cannot reduce unmet demand) and HiGHS's last status. */
export interface BlockOutcome {
  moves: Move[]
  status: string
}

/** Solve one block lexicographically. Throws `RHN_AGG_REBALANCE_SOLVER` when the first stage finds no solution. */
export async function solveBlock(program: Program, timeLimitS: number, log: SolveRecord[], signal?: AbortSignal): Promise<BlockOutcome> {
  signal?.throwIfAborted()
  const first = await solveStage(program, 'unmet', undefined, timeLimitS, log)
  if (!first.feasible) {
    throw new AggregatorError('RHN_AGG_REBALANCE_SOLVER', `rebalance: the unmet-demand solve of ${program.block} found no solution (HiGHS status "${first.status}")`)
  }
  const unmet = program.unmetTerms.reduce((s, [w, name]) => s + w * (first.values.get(name) ?? 0), 0)
  if (unmet >= program.unmetBefore - UNMET_TOLERANCE) return { moves: [], status: first.status }
  signal?.throwIfAborted()
  const second = await solveStage(program, 'distance', unmet, timeLimitS, log)
  // The first solution meets the second's cap, so a second without a solution can only have hit the time limit: keep the first.
  const chosen = second.feasible ? second : first
  const moves = program.flows.map((flow) => ({ flow, quantity: Math.round(chosen.values.get(flow.name) ?? 0) })).filter((m) => m.quantity > 0)
  return { moves, status: second.feasible ? second.status : first.status }
}
