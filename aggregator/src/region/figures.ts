/**
 * The region's figures from its state and the registry (issue 7 "Regional aggregator"): each
 * hospital's capacity by unit, sums per hospital and region, and the OPEL level of every unit,
 * hospital and the region with its reason (R-A's `escalationOf`, the region's `escalation` thresholds).
 */
import type { CapacitySnapshotTx, EscalationConfig, Hospital, OpelLevel, Registry, UnitCapacity } from '@rhn/protocols'
import { OPEL1_REASON, UNIT_TYPE_LABELS, escalationOf, percentOf, MAX_REASON_LENGTH, type EscalationIndicators } from '../escalation/index.js'
import { admissionTrendPercent, type HospitalState, type RegionStateData } from './state.js'
import type { CapacityFigures, HospitalFigures, PpeFigure, RegionEscalation, RegionFigures, UnitFigures } from './types.js'

/** The reason shown for a hospital that has not confirmed any snapshot yet. */
export const NO_SNAPSHOT_REASON = 'no confirmed snapshot yet'

function emptyFigures(): CapacityFigures {
  return { beds: { total: 0, occupied: 0, available: 0 }, ventilators: { total: 0, inUse: 0, available: 0 }, ppe: [], admissions: 0, discharges: 0 }
}

/** Adds `part` into `sum` (PPE summed per GTIN: stock adds; days of supply is the lowest, the line that runs out first). */
function addInto(sum: CapacityFigures, part: CapacityFigures | UnitCapacity): void {
  sum.beds.total += part.beds.total
  sum.beds.occupied += part.beds.occupied
  sum.beds.available += part.beds.available
  sum.ventilators.total += part.ventilators.total
  sum.ventilators.inUse += part.ventilators.inUse
  sum.ventilators.available += part.ventilators.available
  sum.admissions += part.admissions
  sum.discharges += part.discharges
  for (const p of part.ppe) {
    const line = sum.ppe.find((l) => l.gtin === p.gtin)
    if (line === undefined) sum.ppe.push({ ...p })
    else {
      line.stock += p.stock
      if (p.daysOfSupply !== null && (line.daysOfSupply === null || p.daysOfSupply < line.daysOfSupply)) line.daysOfSupply = p.daysOfSupply
    }
  }
}

function lowestPpe(ppe: readonly PpeFigure[]): { days: number; line: string } | undefined {
  let low: { days: number; line: string } | undefined
  for (const p of ppe) if (p.daysOfSupply !== null && (low === undefined || p.daysOfSupply < low.days)) low = { days: p.daysOfSupply, line: p.item }
  return low
}

/** The escalation indicators of a set of figures. */
export function indicatorsOfFigures(f: CapacityFigures, admissionTrend?: number): EscalationIndicators {
  const out: EscalationIndicators = {}
  const occupancy = percentOf(f.beds.occupied, f.beds.total)
  if (occupancy !== undefined) out.occupancyPercent = occupancy
  const vents = percentOf(f.ventilators.inUse, f.ventilators.total)
  if (vents !== undefined) out.ventilatorsInUsePercent = vents
  const ppe = lowestPpe(f.ppe)
  if (ppe !== undefined) {
    out.ppeDaysOfSupply = ppe.days
    out.ppeLine = ppe.line
  }
  if (admissionTrend !== undefined && Number.isFinite(admissionTrend)) out.admissionTrendPercent = admissionTrend
  return out
}

function unitFigures(u: UnitCapacity, hospital: Hospital | undefined, snap: HospitalState, thresholds: EscalationConfig): UnitFigures {
  const reg = hospital?.units.find((r) => r.id === u.unit)
  const figures: CapacityFigures = { beds: { ...u.beds }, ventilators: { ...u.ventilators }, ppe: u.ppe.map((p) => ({ ...p })), admissions: u.admissions, discharges: u.discharges }
  const e = escalationOf(indicatorsOfFigures(figures), thresholds, UNIT_TYPE_LABELS[u.unitType])
  return {
    id: u.unit,
    name: reg?.name ?? u.unit,
    unitType: u.unitType,
    ...figures,
    escalation: { level: e.level, reason: e.reason, reported: { ...u.escalation } },
    flowsTo: [...(reg?.flowsTo ?? [])],
    takenAt: snap.tx.takenAt,
    confirmedAt: snap.confirmedAt,
  }
}

/**
 * One hospital's figures; a registry hospital without a confirmed snapshot is listed as not reporting.
 * `withTrend: false` leaves the trend out (the store path computes figures per snapshot and needs none).
 */
export function hospitalFigures(id: string, registry: Registry, state: RegionStateData, thresholds: EscalationConfig, withTrend = true): HospitalFigures {
  const reg = registry.hospitals.find((h) => h.id === id)
  const snap = state.hospitals[id]
  const base = {
    id,
    name: reg?.name ?? id,
    ...(reg?.outbreakArea === undefined ? {} : { outbreakArea: reg.outbreakArea }),
    specialisms: [...(reg?.specialisms ?? [])],
    ...(reg?.location === undefined ? {} : { location: { ...reg.location } }),
  }
  if (snap === undefined) {
    return { ...base, ...emptyFigures(), reporting: false, escalation: { level: 1, reason: NO_SNAPSHOT_REASON }, byUnitType: {}, units: [], admissionsTotal: 0, dischargesTotal: 0, snapshots: 0, waiting: null, takenAt: null, confirmedAt: null, txId: null, trend: [] }
  }
  const sum = emptyFigures()
  const byUnitType: HospitalFigures['byUnitType'] = {}
  const units = snap.tx.units.map((u) => {
    addInto(sum, u)
    const t = (byUnitType[u.unitType] ??= { total: 0, occupied: 0, available: 0, units: 0 })
    t.total += u.beds.total
    t.occupied += u.beds.occupied
    t.available += u.beds.available
    t.units += 1
    return unitFigures(u, reg, snap, thresholds)
  })
  // Site-wide figures, as R-A's hospitalEscalation: one full ICU escalates the ICU, not the site
  // (NHS OPEL is declared for the whole site), so hospital and region mode agree on the same figures.
  const e = escalationOf(indicatorsOfFigures(sum, admissionTrendPercent(snap, thresholds.trendWindowHours)), thresholds, 'Hospital')
  const escalation: RegionEscalation = { level: e.level, reason: e.reason, reported: { ...snap.tx.escalation } }
  return {
    ...base,
    ...sum,
    reporting: true,
    escalation,
    byUnitType,
    units,
    admissionsTotal: snap.admissionsTotal,
    dischargesTotal: snap.dischargesTotal,
    snapshots: snap.snapshots,
    waiting: snap.tx.waiting ?? null,
    takenAt: snap.tx.takenAt,
    confirmedAt: snap.confirmedAt,
    txId: snap.txId,
    trend: withTrend ? snap.trend.map((p) => ({ ...p })) : [],
  }
}

/** The ids of every hospital: the registry's, then any member that confirmed a snapshot but is not in it. */
export function hospitalIds(registry: Registry, state: RegionStateData): string[] {
  const ids = registry.hospitals.map((h) => h.id)
  for (const id of Object.keys(state.hospitals)) if (!ids.includes(id)) ids.push(id)
  return ids
}

/**
 * The region level: the highest level of its hospitals, the reason naming each hospital at it
 * ("RXA: ICU: ICU occupancy 96 % > 92 %").
 */
export function regionEscalation(hospitals: readonly HospitalFigures[]): RegionEscalation {
  const level = hospitals.reduce<OpelLevel>((max, h) => (h.escalation.level > max ? h.escalation.level : max), 1)
  if (level === 1) return { level, reason: hospitals.some((h) => h.reporting) ? OPEL1_REASON : NO_SNAPSHOT_REASON }
  const reason = hospitals
    .filter((h) => h.escalation.level === level)
    .map((h) => `${h.id}: ${h.escalation.reason}`)
    .join('; ')
  return { level, reason: reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` }
}

/** The whole region's figures. */
export function regionFigures(registry: Registry, state: RegionStateData, thresholds: EscalationConfig): RegionFigures {
  return regionOf(registry, hospitalIds(registry, state).map((id) => hospitalFigures(id, registry, state, thresholds)))
}

/** The region's sums and level from its hospitals' figures. */
export function regionOf(registry: Registry, hospitals: HospitalFigures[]): RegionFigures {
  const sum = emptyFigures()
  let confirmedAt: number | null = null
  for (const h of hospitals) {
    if (!h.reporting) continue
    addInto(sum, h)
    if (h.confirmedAt !== null && (confirmedAt === null || h.confirmedAt > confirmedAt)) confirmedAt = h.confirmedAt
  }
  return { id: registry.region.id, name: registry.region.name, ...sum, escalation: regionEscalation(hospitals), hospitals, confirmedAt }
}

/** The sum of several figures (PPE per GTIN, lowest days of supply). */
export function sumFigures(parts: readonly CapacityFigures[]): CapacityFigures {
  const sum = emptyFigures()
  for (const p of parts) addInto(sum, p)
  return sum
}

/** The snapshot a change carried, as figures (for the store). */
export function snapshotTotals(tx: CapacitySnapshotTx): CapacityFigures {
  const sum = emptyFigures()
  for (const u of tx.units) addInto(sum, u)
  return sum
}
