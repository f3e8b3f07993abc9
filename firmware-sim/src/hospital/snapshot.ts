/** Builds a {@link HospitalSnapshot}: plain, structured-cloneable numbers, so two runs compare with `toEqual`. */
import type { PpeItem } from '@rhn/protocols'
import type { HospitalLayout } from './layout.js'
import type { PatientState } from './patients.js'
import type { HospitalSnapshot, UnitSnapshot } from './types.js'

/** Adds `from`'s counts into `into`. */
function addInto(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v
}

/** The truth of one hospital at `at` (virtual ms since 1970). */
export function snapshotOf(
  hospitalId: string,
  at: number,
  layout: HospitalLayout,
  patients: Iterable<PatientState>,
  unmet: Readonly<Record<PpeItem, number>>,
  totals: { admissions: number; discharges: number; transfers: number },
): HospitalSnapshot {
  const units = new Map<string, UnitSnapshot>()
  const ppe: Record<string, number> = {}
  for (const u of layout.units) {
    const unitPpe: Record<string, number> = {}
    for (const c of u.cabinets) addInto(unitPpe, c.stock())
    addInto(ppe, unitPpe)
    units.set(u.unit.id, {
      unitId: u.unit.id,
      type: u.unit.type,
      beds: { total: u.beds.length, occupied: u.beds.filter((b) => b.occupant !== undefined).length },
      ventilators: { total: u.ventilators.length, inUse: u.ventilators.filter((v) => v.dynamics.inUse).length },
      boarding: 0,
      census: { mild: 0, severe: 0, critical: 0 },
      ppe: unitPpe,
    })
  }
  let boarding = 0
  let awaitingVentilator = 0
  for (const p of patients) {
    const u = units.get(p.unitId)
    if (u !== undefined) {
      u.census[p.severity]++
      if (p.boarding) u.boarding++
    }
    if (p.boarding) boarding++
    if (p.needsVentilator && p.ventilator === undefined) awaitingVentilator++
  }
  return { hospitalId, at, units: [...units.values()], boarding, awaitingVentilator, ppe, ppeUnmet: { ...unmet }, ...totals }
}
