/**
 * From a confirmed capacity snapshot (what the region knows of a hospital) to the rebalancer's
 * input: the one mapping the region twin needs, kept beside the model it feeds.
 */
import type { UnitCapacity } from '@rhn/protocols'
import type { RebalanceHospital, RebalancePpe, RebalanceUnit, SeverityCounts } from './types.js'

/** Registry facts the ledger does not carry. */
export interface HospitalFacts {
  name: string
  location?: { lat: number; lon: number }
  specialisms?: readonly string[]
}

/** What the region may add that a snapshot does not carry, per unit id. */
export interface SnapshotExtras {
  /** Patients waiting for a bed of the unit's type, by severity (a snapshot has no such count: default none). */
  waiting?: Readonly<Record<string, SeverityCounts>>
  /** Burn per day by GTIN where the region knows it better (e.g. from the trend); else stock ÷ days of supply. */
  burnPerDay?: Readonly<Record<string, number>>
}

/**
 * A hospital's rebalancing input from the units of its latest confirmed snapshot. Occupied beds take
 * their unit type's usual severity (H1: icu critical, hdu severe, others mild). A PPE line's burn is
 * stock ÷ days of supply; a line with no days of supply (no burn known yet, or stock 0) counts as no
 * burn unless `extras.burnPerDay` gives one — so an empty cabinet is only seen as short with it.
 */
export function hospitalFromSnapshot(id: string, units: readonly UnitCapacity[], facts: HospitalFacts, extras: SnapshotExtras = {}): RebalanceHospital {
  const rebalanceUnits = units.map((u): RebalanceUnit => {
    const unit: RebalanceUnit = {
      unitType: u.unitType,
      beds: { total: u.beds.total, occupied: u.beds.occupied },
      ventilators: { total: u.ventilators.total, inUse: u.ventilators.inUse },
    }
    const waiting = extras.waiting?.[u.unit]
    if (waiting !== undefined) unit.waiting = waiting
    return unit
  })
  const ppe = units.flatMap((u) =>
    u.ppe.map((l): RebalancePpe => {
      const derived = l.daysOfSupply !== null && l.daysOfSupply > 0 ? l.stock / l.daysOfSupply : 0
      return { gtin: l.gtin, item: l.item, stock: l.stock, burnPerDay: derived }
    }),
  )
  // A known hospital-wide burn replaces the per-unit estimates of that GTIN (lines of a GTIN are summed).
  for (const [gtin, burn] of Object.entries(extras.burnPerDay ?? {})) {
    const lines = ppe.filter((l) => l.gtin === gtin)
    lines.forEach((l, i) => (l.burnPerDay = i === 0 ? burn : 0))
  }
  const hospital: RebalanceHospital = { id, name: facts.name, units: rebalanceUnits, ppe }
  if (facts.location !== undefined) hospital.location = facts.location
  if (facts.specialisms !== undefined) hospital.specialisms = facts.specialisms
  return hospital
}
