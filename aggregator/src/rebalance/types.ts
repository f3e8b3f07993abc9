/**
 * Rebalancing advice (issue 7 "Rebalancing advice"): the input the region twin hands in and the
 * advice it gets back. Pure shapes; the program is built in `program.ts` and solved by HiGHS.
 *
 * The resource model is the seed's (§2): demand depends only on the number of patients and their
 * condition (H1); renewable capacity (beds, ventilators) is fixed for the period (H2); consumable
 * supply (PPE) is a stock with a constant burn rate (H3). See README.md for the program.
 */
import type { PpeItem, ResourceRequestTx, Severity, UnitType } from '@rhn/protocols'

/** Patient counts by clinical severity (H1). A missing severity counts as 0. */
export type SeverityCounts = Partial<Record<Severity, number>>

/** One unit (or all units of one type: several entries of one type are summed) of a hospital. */
export interface RebalanceUnit {
  unitType: UnitType
  /** Beds: renewable, fixed for the period (H2). `occupied` ≤ `total`. */
  beds: { total: number; occupied: number }
  /** Ventilators: renewable, fixed for the period (H2). `inUse` ≤ `total`; one in use is never moved. */
  ventilators: { total: number; inUse: number }
  /**
   * Patients in this unit's beds by severity; their sum must equal `beds.occupied`. Default: every
   * occupied bed at the unit type's usual severity (icu → critical, hdu → severe, others → mild).
   */
  patients?: SeverityCounts
  /**
   * Patients who need a bed of this unit type and have none yet (admitted, boarding, expected within
   * the period), by severity. Default none. Only these patients are ever proposed for transfer:
   * a patient already in a bed stays.
   */
  waiting?: SeverityCounts
}

/** One PPE line (one GTIN) of a hospital: a consumable with a stock and a constant burn rate (H3). */
export interface RebalancePpe {
  /** GTIN-14: the commodity. Lines of one GTIN in several units are summed. */
  gtin: string
  item: PpeItem
  /** Items in stock now. */
  stock: number
  /** Items used per day; 0 when unknown (then the line neither asks nor gives: its stock may be in use). */
  burnPerDay: number
}

/** One hospital as the rebalancer sees it. */
export interface RebalanceHospital {
  /** ODS code (`RXA`), as on the ledger. */
  id: string
  name: string
  /** WGS84 position; a hospital without one is left out of every transfer (distance unknown). */
  location?: { lat: number; lon: number }
  /** Registry specialisms; `critical-care-centre` makes it the preferred destination for critical patients. */
  specialisms?: readonly string[]
  units: readonly RebalanceUnit[]
  ppe: readonly RebalancePpe[]
}

/** Options: the config's `rebalance` block (protocols `AggregatorConfig['rebalance']`), every field optional. */
export interface RebalanceOptions {
  /** PPE needed = burn per day × this many days (default 3). */
  horizonDays?: number
  /** No transfer between hospitals further apart, km (default 100). */
  maxTransferKm?: number
  /** Ventilators each critical patient needs (H1; default 1). */
  ventilatorsPerCriticalPatient?: number
}

/** Everything `rebalance` needs. */
export interface RebalanceInput {
  hospitals: readonly RebalanceHospital[]
  options?: RebalanceOptions
}

/** How a call is run: a time limit per HiGHS solve and a signal checked between solves. */
export interface RebalanceInit {
  /** Wall-clock limit of each HiGHS solve, s (default 10). */
  timeLimitS?: number
  signal?: AbortSignal
}

/** What a recommendation moves. */
export type RecommendationKind = 'ventilator' | 'ppe' | 'patient'

/**
 * One move. For `ventilator` and `ppe`, `from` is the donor and `to` the hospital that receives the
 * items. For `patient`, `from` is the hospital the patients leave (short of beds) and `to` the one
 * with free beds of `unitType` that takes them.
 */
export interface Recommendation {
  /** Stable within one result, e.g. `ventilator:RXA>RXB`, for list keys. */
  key: string
  kind: RecommendationKind
  from: string
  to: string
  /** Ventilators, PPE items or patients: a whole number ≥ 1. */
  quantity: number
  /** `ppe` only. */
  gtin?: string
  item?: PpeItem
  /** `patient`: the bed type needed; `ventilator`: not set. */
  unitType?: UnitType
  /** `patient` only. */
  severity?: Severity
  /** Great-circle distance between the two hospitals, km. */
  distanceKm: number
  /** Why, in words an operator reads ("RXB needs 2 more ventilators than it has (…); RXA has 6 spare, 8 km away"). */
  reason: string
}

/** Demand no hospital could meet, summed over the region and per hospital. */
export interface UnmetDemand {
  /** Patients without a bed of the type they need. */
  patients: number
  /** Ventilators short (may be fractional when ventilatorsPerCriticalPatient is). */
  ventilators: number
  /** PPE items short of covering the horizon, per GTIN. */
  ppe: Record<string, number>
  byHospital: Record<string, { patients: Partial<Record<UnitType, number>>; ventilators: number; ppe: Record<string, number> }>
}

/**
 * How the advice ended. `optimal`: both solves proved optimal. `not-needed`: no shortage anywhere,
 * nothing solved. `no-donor`: shortages, but nothing to move within reach, nothing solved.
 * `time-limit`: a solve hit `timeLimitS`; the best solution found is used.
 */
export type RebalanceStatus = 'optimal' | 'not-needed' | 'no-donor' | 'time-limit'

/** One HiGHS solve of a call, for logs and the bench. */
export interface SolveRecord {
  /** The independent block solved: "patients and ventilators" or "PPE <gtin>". */
  block: string
  stage: 'unmet-demand' | 'transfer-distance'
  /** True when the LP relaxation's optimum was whole and so optimal; false when the MIP was solved. */
  lpRelaxation: boolean
  status: string
  ms: number
}

/** The advice. */
export interface RebalanceResult {
  recommendations: Recommendation[]
  unmet: { before: UnmetDemand; after: UnmetDemand }
  status: RebalanceStatus
  /** HiGHS model status of the last solve (`Optimal`, `Time limit reached`…), or null when none ran. */
  solverStatus: string | null
  /** Wall-clock time of the whole call, ms. */
  solveMs: number
  /** Each HiGHS solve run (none when `not-needed` or `no-donor`), in order. */
  solves: SolveRecord[]
  /** Inputs that were usable but limit the advice (e.g. a hospital without a location). */
  warnings: string[]
}

/** A resource request ready to submit to the ledger (`ResourceRequestTxSchema` accepts it). */
export type RecommendedRequest = ResourceRequestTx
