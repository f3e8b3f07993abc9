import { AggregatorError } from '../errors.js'
import { haversineKm } from './geo.js'
import { assertNoNewShortage, unmetAfter, type Move } from './outcome.js'
import { prepare, type Prepared } from './prepare.js'
import { buildProgram } from './program.js'
import { reasonFor } from './reasons.js'
import { solveLp } from './solver.js'
import type { RebalanceInit, RebalanceInput, RebalanceResult, RebalanceStatus, Recommendation, UnmetDemand } from './types.js'

/** Wall-clock limit per HiGHS solve, s: far above the ~0.1 s a 20-hospital region takes (bench/rebalance.ts), low enough to never stall the region loop. */
export const DEFAULT_TIME_LIMIT_S = 10
/** Slack on the first stage's optimum when it caps the second: solver tolerances, not a trade of unmet demand for distance. */
const UNMET_TOLERANCE = 1e-6

const KIND_ORDER = { patient: 0, ventilator: 1, ppe: 2 } as const

function distances(hs: readonly Prepared[], maxKm: number): (number | undefined)[][] {
  return hs.map((a) =>
    hs.map((b) => {
      if (a === b || a.location === undefined || b.location === undefined) return undefined
      const d = haversineKm(a.location, b.location)
      return d <= maxKm ? d : undefined
    }),
  )
}

const hasShortage = (u: UnmetDemand): boolean => u.patients > 0 || u.ventilators > 0 || Object.keys(u.ppe).length > 0

/**
 * Recommend ventilator, PPE and patient transfers between hospitals: unmet demand first, transfer
 * distance (km × units) second, each solved as a mixed-integer program by HiGHS (one shared
 * instance, loaded on first use). No recommendation leaves a hospital short of anything it was not
 * short of before. Throws `RHN_AGG_REBALANCE_INPUT` naming each bad input, `RHN_AGG_REBALANCE_SOLVER`
 * when HiGHS fails, and the signal's reason when aborted (checked between solves).
 */
export async function rebalance(input: RebalanceInput, init: RebalanceInit = {}): Promise<RebalanceResult> {
  const started = performance.now()
  init.signal?.throwIfAborted()
  const { hospitals, options, warnings } = prepare(input)
  const per = options.ventilatorsPerCriticalPatient
  const before = unmetAfter(hospitals, per, [])
  const done = (status: RebalanceStatus, solverStatus: string | null, recommendations: Recommendation[], after: UnmetDemand): RebalanceResult => ({
    recommendations,
    unmet: { before, after },
    status,
    solverStatus,
    solveMs: performance.now() - started,
    warnings,
  })
  if (!hasShortage(before)) return done('not-needed', null, [], before)
  const program = buildProgram(hospitals, distances(hospitals, options.maxTransferKm), per)
  if (program.flows.length === 0) return done('no-donor', null, [], before)

  const timeLimitS = init.timeLimitS ?? DEFAULT_TIME_LIMIT_S
  const first = await solveLp(program.render('unmet'), 'unmet-demand', timeLimitS)
  if (!first.feasible) throw new AggregatorError('RHN_AGG_REBALANCE_SOLVER', `rebalance: the unmet-demand solve found no solution (HiGHS status "${first.status}")`)
  const unmet = program.unmetTerms.reduce((s, [w, name]) => s + w * (first.values.get(name) ?? 0), 0)
  if (unmet >= program.unmetBefore - UNMET_TOLERANCE) return done(first.status === 'Optimal' ? 'optimal' : 'time-limit', first.status, [], before)
  init.signal?.throwIfAborted()
  const second = await solveLp(program.render('distance', unmet + UNMET_TOLERANCE * Math.max(1, unmet)), 'transfer-distance', timeLimitS)
  // The first solution satisfies the second's cap, so a second without one can only be a time limit: keep the first.
  const chosen = second.feasible ? second : first
  const moves: Move[] = program.flows
    .map((flow) => ({ flow, quantity: Math.round(chosen.values.get(flow.name) ?? 0) }))
    .filter((m) => m.quantity > 0)
  const after = unmetAfter(hospitals, per, moves)
  assertNoNewShortage(hospitals, before, after, moves)
  const context = { hospitals, horizonDays: options.horizonDays, ventilatorsPerCritical: per, moves }
  const recommendations = moves
    .map((m): Recommendation => {
      const f = m.flow
      const from = hospitals[f.from]!.id
      const to = hospitals[f.to]!.id
      const detail = f.kind === 'patient' ? `:${f.unitType}:${f.severity}` : f.kind === 'ppe' ? `:${f.gtin}` : ''
      const rec: Recommendation = { key: `${f.kind}:${from}>${to}${detail}`, kind: f.kind, from, to, quantity: m.quantity, distanceKm: Math.round(f.km * 10) / 10, reason: reasonFor(m, context) }
      if (f.gtin !== undefined) rec.gtin = f.gtin
      if (f.item !== undefined) rec.item = f.item
      if (f.unitType !== undefined) rec.unitType = f.unitType
      if (f.severity !== undefined) rec.severity = f.severity
      return rec
    })
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.to.localeCompare(b.to) || a.key.localeCompare(b.key))
  const timedOut = first.status !== 'Optimal' || second.status !== 'Optimal'
  return done(timedOut ? 'time-limit' : 'optimal', second.status, recommendations, after)
}
