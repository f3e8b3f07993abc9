/** Fixtures for the rebalancing tests and bench: hospitals placed by km offsets from one point. */
import type { RebalanceHospital, RebalanceUnit, RebalancePpe } from '../src/rebalance/index.js'

/** Valid GTIN-14s (GS1 check digit) for PPE lines. */
export const GLOVES = '05012345678900'
export const GOWNS = '05012345678917'

/** 1° of latitude, km (mean): places hospitals a chosen distance north of the origin. */
const KM_PER_DEG_LAT = 111.195

/** A hospital `kmNorth` km north of 51.5 N 0.1 W, with the given units and PPE. */
export function hospital(id: string, kmNorth: number, units: RebalanceUnit[], ppe: RebalancePpe[] = [], extra: Partial<RebalanceHospital> = {}): RebalanceHospital {
  return { id, name: `${id} General`, location: { lat: 51.5 + kmNorth / KM_PER_DEG_LAT, lon: -0.1 }, units, ppe, ...extra }
}

/** An ICU with `occupied` critical patients in `beds` beds and `ventilators` of which `inUse` in use. */
export function icu(beds: number, occupied: number, ventilators: number, inUse: number, waitingCritical = 0): RebalanceUnit {
  const unit: RebalanceUnit = { unitType: 'icu', beds: { total: beds, occupied }, ventilators: { total: ventilators, inUse } }
  if (waitingCritical > 0) unit.waiting = { critical: waitingCritical }
  return unit
}

/** A ward with no ventilators. */
export function ward(beds: number, occupied: number, waitingMild = 0): RebalanceUnit {
  const unit: RebalanceUnit = { unitType: 'ward', beds: { total: beds, occupied }, ventilators: { total: 0, inUse: 0 } }
  if (waitingMild > 0) unit.waiting = { mild: waitingMild }
  return unit
}

/** A PPE line of gloves. */
export function gloves(stock: number, burnPerDay: number): RebalancePpe {
  return { gtin: GLOVES, item: 'gloves', stock, burnPerDay }
}
