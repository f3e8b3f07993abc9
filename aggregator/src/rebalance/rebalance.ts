import { haversineKm } from './geo.js'
import { assertNoNewShortage, unmetAfter, type Move } from './outcome.js'
import { prepare, type Prepared } from './prepare.js'
import { buildPrograms } from './program.js'
import { reasonFor, type ReasonContext } from './reasons.js'
import { solveBlock } from './stages.js'
import type { RebalanceInit, RebalanceInput, RebalanceResult, RebalanceStatus, Recommendation, SolveRecord, UnmetDemand } from './types.js'

/** Wall-clock limit per HiGHS solve, s: far above what a 20-hospital region takes (bench/rebalance.ts), low enough never to stall the region loop. */
export const DEFAULT_TIME_LIMIT_S = 10

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

function toRecommendation(m: Move, context: ReasonContext): Recommendation {
  const f = m.flow
  const from = context.hospitals[f.from]!.id
  const to = context.hospitals[f.to]!.id
  const detail = f.kind === 'patient' ? `:${f.unitType}:${f.severity}` : f.kind === 'ppe' ? `:${f.gtin}` : ''
  const rec: Recommendation = { key: `${f.kind}:${from}>${to}${detail}`, kind: f.kind, from, to, quantity: m.quantity, distanceKm: Math.round(f.km * 10) / 10, reason: reasonFor(m, context) }
  if (f.gtin !== undefined) rec.gtin = f.gtin
  if (f.item !== undefined) rec.item = f.item
  if (f.unitType !== undefined) rec.unitType = f.unitType
  if (f.severity !== undefined) rec.severity = f.severity
  return rec
}

/**
 * Recommend ventilator, PPE and patient transfers between hospitals: unmet demand first, transfer
 * distance (km × units) second, solved by HiGHS (one shared instance, loaded on first use) block by
 * block: patients with ventilators, and each PPE GTIN. No recommendation leaves a hospital short of
 * anything it was not short of before. Throws `RHN_AGG_REBALANCE_INPUT` naming each bad input,
 * `RHN_AGG_REBALANCE_SOLVER` when HiGHS fails, and the signal's reason when aborted (checked between solves).
 */
export async function rebalance(input: RebalanceInput, init: RebalanceInit = {}): Promise<RebalanceResult> {
  const started = performance.now()
  init.signal?.throwIfAborted()
  const { hospitals, options, warnings } = prepare(input)
  const per = options.ventilatorsPerCriticalPatient
  const before = unmetAfter(hospitals, per, [])
  const solves: SolveRecord[] = []
  const done = (status: RebalanceStatus, solverStatus: string | null, recommendations: Recommendation[], after: UnmetDemand): RebalanceResult => ({
    recommendations,
    unmet: { before, after },
    status,
    solverStatus,
    solveMs: performance.now() - started,
    solves,
    warnings,
  })
  if (!hasShortage(before)) return done('not-needed', null, [], before)
  const programs = buildPrograms(hospitals, distances(hospitals, options.maxTransferKm), per)
  if (programs.length === 0) return done('no-donor', null, [], before)

  const moves: Move[] = []
  const statuses: string[] = []
  for (const program of programs) {
    const outcome = await solveBlock(program, init.timeLimitS ?? DEFAULT_TIME_LIMIT_S, solves, init.signal)
    moves.push(...outcome.moves)
    statuses.push(outcome.status)
  }
  const after = unmetAfter(hospitals, per, moves)
  assertNoNewShortage(hospitals, before, after, moves)
  const context: ReasonContext = { hospitals, horizonDays: options.horizonDays, ventilatorsPerCritical: per, moves }
  const recommendations = moves
    .map((m) => toRecommendation(m, context))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.to.localeCompare(b.to) || a.key.localeCompare(b.key))
  const notOptimal = statuses.find((s) => s !== 'Optimal')
  return done(notOptimal === undefined ? 'optimal' : 'time-limit', notOptimal ?? 'Optimal', recommendations, after)
}
