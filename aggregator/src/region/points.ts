/**
 * The region view as telemetry points (issue 7 "Writes the region view to the same store backends"),
 * through the {@link TelemetryStore} interface so `/api/history` works as on a hospital.
 *
 * Tags stay bounded (DESIGN.md): region, hospital, unit, kind, and `asset` = `<scope id>.<kind>`
 * where the scope is the region (`north`), a hospital (`RXA`) or a hospital's unit type (`RXA.icu`,
 * with the unit type as the `unit` tag): capacity per hospital and unit type over time, as regional
 * operations compare it (per-unit history stays in each hospital's own store). `section` is `all`. The measurement is the
 * kind the figure is about: `bed` (Capacity/Beds/*), `ventilator` (Capacity/Ventilators/*),
 * `ppe-cabinet` (Capacity/PPE/Stock/<gtin>, Capacity/PPE/DaysOfSupply/<gtin>; GTINs are a bounded
 * registry set and a field, never a tag), `patient-flow` (Capacity/Admissions, Capacity/Discharges,
 * Escalation/Level). One series per (scope, kind), so the asset's kind is fixed, as the stores need.
 */
import type { ComponentKind } from '@rhn/protocols'
import type { PointTags, StoredValue, TelemetryPoint } from '../store/types.js'
import type { CapacityFigures } from './types.js'

/** The `unit`/`section` tag of a hospital or region figure (no unit). */
export const ALL_TAG = 'all'

/** Region metric names by kind, without the per-GTIN PPE ones. */
export const REGION_METRICS = Object.freeze({
  bed: ['Capacity/Beds/Total', 'Capacity/Beds/Occupied', 'Capacity/Beds/Available'],
  ventilator: ['Capacity/Ventilators/Total', 'Capacity/Ventilators/InUse', 'Capacity/Ventilators/Available'],
  'patient-flow': ['Capacity/Admissions', 'Capacity/Discharges', 'Escalation/Level'],
} as const)

const PPE_METRIC = /^Capacity\/PPE\/(Stock|DaysOfSupply)\/(\d{14})$/

/** The kind (measurement) a region metric is stored under, or undefined when it is not a region metric. */
export function kindOfRegionMetric(metric: string): ComponentKind | undefined {
  for (const [kind, names] of Object.entries(REGION_METRICS)) if ((names as readonly string[]).includes(metric)) return kind as ComponentKind
  return PPE_METRIC.test(metric) ? 'ppe-cabinet' : undefined
}

/** The scope id of a hospital's unit type (`RXA.icu`). */
export function unitTypeScope(hospital: string, unitType: string): string {
  return `${hospital}.${unitType}`
}

/** The store asset of one scope's series of one kind. */
export function regionAsset(scopeId: string, kind: ComponentKind): string {
  return `${scopeId}.${kind}`
}

/** Where a scope sits: region, hospital, unit ids for the tags. */
export interface ScopeTags {
  region: string
  hospital: string
  unit: string
  /** The id the asset is named after (unit, hospital or region id). */
  scope: string
}

/** The points of one scope's figures at `timestamp` (the snapshot's takenAt). */
export function figurePoints(where: ScopeTags, f: CapacityFigures, level: number, timestamp: number): TelemetryPoint[] {
  const tags = (kind: ComponentKind): PointTags => ({ region: where.region, hospital: where.hospital, unit: where.unit, section: ALL_TAG, asset: regionAsset(where.scope, kind), kind })
  const out: TelemetryPoint[] = [
    { tags: tags('bed'), timestamp, fields: { 'Capacity/Beds/Total': f.beds.total, 'Capacity/Beds/Occupied': f.beds.occupied, 'Capacity/Beds/Available': f.beds.available } },
    { tags: tags('ventilator'), timestamp, fields: { 'Capacity/Ventilators/Total': f.ventilators.total, 'Capacity/Ventilators/InUse': f.ventilators.inUse, 'Capacity/Ventilators/Available': f.ventilators.available } },
    { tags: tags('patient-flow'), timestamp, fields: { 'Capacity/Admissions': f.admissions, 'Capacity/Discharges': f.discharges, 'Escalation/Level': level } },
  ]
  if (f.ppe.length > 0) {
    const fields: Record<string, StoredValue> = {}
    for (const p of f.ppe) {
      fields[`Capacity/PPE/Stock/${p.gtin}`] = p.stock
      if (p.daysOfSupply !== null) fields[`Capacity/PPE/DaysOfSupply/${p.gtin}`] = p.daysOfSupply
    }
    out.push({ tags: tags('ppe-cabinet'), timestamp, fields })
  }
  return out
}
