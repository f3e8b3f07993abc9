/**
 * Unmet demand before and after a set of moves, recomputed from the moves themselves (not read
 * back from the solver's slacks), and the check that no hospital ends up worse off than it was.
 */
import { SEVERITIES, type UnitType } from '@rhn/protocols'
import { AggregatorError } from '../errors.js'
import type { Flow } from './lp.js'
import type { Prepared } from './prepare.js'
import type { UnmetDemand } from './types.js'

/** A flow the solution uses, with its whole-number quantity. */
export interface Move {
  flow: Flow
  quantity: number
}

/** Rounds away solver noise in fractional ventilator needs (ventilatorsPerCriticalPatient not whole). */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6

/** Unmet demand per hospital and in total after `moves` (none = as reported). */
export function unmetAfter(hs: readonly Prepared[], ventilatorsPerCritical: number, moves: readonly Move[]): UnmetDemand {
  const result: UnmetDemand = { patients: 0, ventilators: 0, ppe: {}, byHospital: {} }
  hs.forEach((h, i) => {
    const mine = moves.filter((m) => m.flow.from === i || m.flow.to === i)
    const sum = (pick: (m: Move) => boolean): number => mine.filter(pick).reduce((s, m) => s + m.quantity, 0)
    const patients: Partial<Record<UnitType, number>> = {}
    for (const [unitType, bed] of h.beds) {
      const left = SEVERITIES.reduce((s, sev) => s + bed.over[sev], 0) - sum((m) => m.flow.kind === 'patient' && m.flow.from === i && m.flow.unitType === unitType)
      if (left > 0) patients[unitType] = left
      result.patients += left
    }
    const v = h.ventilators
    const critIn = sum((m) => m.flow.kind === 'patient' && m.flow.severity === 'critical' && m.flow.to === i)
    const critOut = sum((m) => m.flow.kind === 'patient' && m.flow.severity === 'critical' && m.flow.from === i)
    const have = v.total - sum((m) => m.flow.kind === 'ventilator' && m.flow.from === i) + sum((m) => m.flow.kind === 'ventilator' && m.flow.to === i)
    const ventilators = round6(Math.max(0, v.need + ventilatorsPerCritical * (critIn - critOut) - have))
    result.ventilators = round6(result.ventilators + ventilators)
    const ppe: Record<string, number> = {}
    for (const [gtin, line] of h.ppe) {
      const stock = line.stock - sum((m) => m.flow.gtin === gtin && m.flow.from === i) + sum((m) => m.flow.gtin === gtin && m.flow.to === i)
      const short = Math.max(0, line.need - stock)
      if (short > 0) ppe[gtin] = short
      result.ppe[gtin] = (result.ppe[gtin] ?? 0) + short
    }
    result.byHospital[h.id] = { patients, ventilators, ppe }
  })
  for (const [gtin, n] of Object.entries(result.ppe)) if (n === 0) delete result.ppe[gtin]
  return result
}

/**
 * The guarantee the program's bounds give, checked on the rounded moves: no hospital has more unmet
 * demand of anything after than before, and no receiving unit takes more patients than its free beds.
 */
export function assertNoNewShortage(hs: readonly Prepared[], before: UnmetDemand, after: UnmetDemand, moves: readonly Move[]): void {
  const problems: string[] = []
  for (const h of hs) {
    const b = before.byHospital[h.id]!
    const a = after.byHospital[h.id]!
    if (a.ventilators > b.ventilators + 1e-6) problems.push(`${h.id} would be ${a.ventilators} ventilators short, was ${b.ventilators}`)
    for (const [gtin, n] of Object.entries(a.ppe)) if (n > (b.ppe[gtin] ?? 0)) problems.push(`${h.id} would be ${n} of GTIN ${gtin} short, was ${b.ppe[gtin] ?? 0}`)
  }
  hs.forEach((h, i) => {
    for (const [unitType, bed] of h.beds) {
      const taken = moves.filter((m) => m.flow.kind === 'patient' && m.flow.to === i && m.flow.unitType === unitType).reduce((s, m) => s + m.quantity, 0)
      if (taken > bed.free) problems.push(`${h.id} would take ${taken} patients into ${bed.free} free ${unitType} beds`)
    }
  })
  if (problems.length > 0) throw new AggregatorError('RHN_AGG_REBALANCE_SOLVER', `rebalance: the solution would create a shortage: ${problems.join('; ')}`)
}
