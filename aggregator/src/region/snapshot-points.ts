/**
 * The history points of one confirmed snapshot (issue 7 "Writes the region view to the same store
 * backends"): per unit type, the hospital and the region, at the snapshot's `takenAt`. Shared by the
 * live twin and the history backfill, so a backfilled history is the one a replay would have written.
 * Computed straight from the snapshot (no per-unit levels), as it runs once per confirmed snapshot on
 * months of them; the region's point sums the latest totals of every hospital seen so far.
 */
import type { CapacitySnapshotTx, EscalationConfig } from '@rhn/protocols'
import { escalationOf } from '../escalation/index.js'
import type { TelemetryPoint } from '../store/types.js'
import { indicatorsOfFigures, snapshotTotals, sumFigures } from './figures.js'
import { ALL_TAG, figurePoints, unitTypeScope } from './points.js'
import { admissionTrendPercent, type HospitalState } from './state.js'
import type { CapacityFigures } from './types.js'

/** Latest totals and level per hospital, and the points each new snapshot makes. */
export class SnapshotPoints {
  readonly #thresholds: EscalationConfig
  readonly #totals = new Map<string, { figures: CapacityFigures; level: number }>()

  constructor(thresholds: EscalationConfig) {
    this.#thresholds = thresholds
  }

  /** Remembers a hospital's latest snapshot (its totals and level), which the region's points sum over. */
  note(hospitalId: string, snap: HospitalState): { figures: CapacityFigures; level: number } {
    const figures = snapshotTotals(snap.tx)
    const level = escalationOf(indicatorsOfFigures(figures, admissionTrendPercent(snap, this.#thresholds.trendWindowHours)), this.#thresholds, '').level
    const t = { figures, level }
    this.#totals.set(hospitalId, t)
    return t
  }

  /** Forgets every hospital (the state was replaced). */
  clear(): void {
    this.#totals.clear()
  }

  /** Notes the hospital's new latest snapshot and returns its points (per unit type, hospital, region `regionId`). */
  of(regionId: string, hospitalId: string, snap: HospitalState): TelemetryPoint[] {
    const at = snap.tx.takenAt
    const points: TelemetryPoint[] = []
    const byType = new Map<string, CapacitySnapshotTx['units']>()
    for (const u of snap.tx.units) {
      const list = byType.get(u.unitType)
      if (list === undefined) byType.set(u.unitType, [u])
      else list.push(u)
    }
    for (const [type, units] of byType) {
      const sum = snapshotTotals({ ...snap.tx, units })
      points.push(...figurePoints({ region: regionId, hospital: hospitalId, unit: type, scope: unitTypeScope(hospitalId, type) }, sum, escalationOf(indicatorsOfFigures(sum), this.#thresholds, '').level, at))
    }
    const { figures, level } = this.note(hospitalId, snap)
    points.push(...figurePoints({ region: regionId, hospital: hospitalId, unit: ALL_TAG, scope: hospitalId }, figures, level, at))
    const all = sumFigures([...this.#totals.values()].map((t) => t.figures))
    const regionLevel = [...this.#totals.values()].reduce((max, t) => Math.max(max, t.level), 1)
    points.push(...figurePoints({ region: regionId, hospital: ALL_TAG, unit: ALL_TAG, scope: regionId }, all, regionLevel, at))
    return points
  }
}
