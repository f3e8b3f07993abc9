/**
 * The region twin's shapes (issue 7 "Regional aggregator"): what the API serves and the page draws.
 * Every figure carries `takenAt` (when the hospital measured it) and `confirmedAt` (when this
 * region's ledger node confirmed the transaction that carried it), both ms since 1970.
 */
import type { Escalation, OpelLevel, PPE_ITEMS, PatientTransferTx, REQUESTABLE_RESOURCES, UnitType } from '@rhn/protocols'

/** An OPEL level with its reason, as the region decides it, and the level the hospital itself reported. */
export interface RegionEscalation extends Escalation {
  /** The level and reason the hospital put in its snapshot (it may use other thresholds). */
  reported?: Escalation
}

/** One PPE line (one GTIN) of a unit or a sum of units. `daysOfSupply` null while no burn rate is known. */
export interface PpeFigure {
  gtin: string
  item: (typeof PPE_ITEMS)[number]
  stock: number
  daysOfSupply: number | null
}

/** Capacity figures of a unit, a hospital or the region. */
export interface CapacityFigures {
  beds: { total: number; occupied: number; available: number }
  ventilators: { total: number; inUse: number; available: number }
  ppe: PpeFigure[]
  /** Admissions and discharges in the latest snapshot (since the one before). */
  admissions: number
  discharges: number
}

/** One unit as the latest confirmed snapshot of its hospital gave it. */
export interface UnitFigures extends CapacityFigures {
  id: string
  /** Name from the registry, else the id. */
  name: string
  unitType: UnitType
  escalation: RegionEscalation
  /** Units patients usually move on to (registry `flowsTo`). */
  flowsTo: string[]
  takenAt: number
  confirmedAt: number
}

/** One point of a hospital's trend (one confirmed snapshot). */
export interface TrendPoint {
  takenAt: number
  confirmedAt: number
  bedsOccupied: number
  bedsTotal: number
  ventilatorsInUse: number
  ventilatorsTotal: number
  /** Lowest PPE days of supply of any line with a burn rate, or null. */
  ppeDaysOfSupply: number | null
  admissions: number
  discharges: number
  level: OpelLevel
}

/** One hospital of the region twin. `reporting` is false while no snapshot of it was confirmed yet. */
export interface HospitalFigures extends CapacityFigures {
  id: string
  name: string
  outbreakArea?: string
  specialisms: string[]
  location?: { lat: number; lon: number }
  reporting: boolean
  escalation: RegionEscalation
  /** Occupancy by unit type: beds of all units of one type. */
  byUnitType: Partial<Record<UnitType, { total: number; occupied: number; available: number; units: number }>>
  units: UnitFigures[]
  /** Admissions and discharges summed over every confirmed snapshot since the feed began. */
  admissionsTotal: number
  dischargesTotal: number
  /** Confirmed snapshots applied. */
  snapshots: number
  /** Patients admitted but without a bed (boarding) in the latest snapshot; null when the hospital reports no ADT census. */
  waiting: number | null
  takenAt: number | null
  confirmedAt: number | null
  txId: string | null
  /** The most recent snapshots, oldest first (bounded; older history is in the store). */
  trend: TrendPoint[]
}

/** The region: hospitals and their sums. */
export interface RegionFigures extends CapacityFigures {
  id: string
  name: string
  escalation: RegionEscalation
  hospitals: HospitalFigures[]
  /** Newest confirmation time of any figure, or null before the first. */
  confirmedAt: number | null
}

/** A node of `GET /api/tree`: region ▸ hospital ▸ unit. */
export interface RegionTreeNode {
  id: string
  name: string
  level: 'region' | 'hospital' | 'unit'
  unitType?: UnitType
  escalation: RegionEscalation
  beds: CapacityFigures['beds']
  ventilators: CapacityFigures['ventilators']
  takenAt: number | null
  confirmedAt: number | null
  children: RegionTreeNode[]
}

/** An offer on a request, with the requester's decision once confirmed. */
export interface OfferFlow {
  id: string
  requestId: string
  from: string
  to: string
  quantity: number
  note?: string
  confirmedAt: number
  txId: string
  decision?: { kind: 'accept' | 'decline'; id: string; reason?: string; confirmedAt: number }
}

/** Status of a request from its confirmed offers and decisions. */
export type RequestStatus = 'open' | 'offered' | 'partly-accepted' | 'fulfilled'

/** A resource request with every confirmed offer on it. */
export interface RequestFlow {
  id: string
  from: string
  to: string[]
  resource: (typeof REQUESTABLE_RESOURCES)[number]
  gtin?: string
  unitType?: UnitType
  quantity: number
  reason: string
  neededBy?: number
  confirmedAt: number
  txId: string
  status: RequestStatus
  /** Quantity of accepted offers. */
  accepted: number
  offers: OfferFlow[]
}

/** A confirmed patient transfer (pseudonymous: no patient identifier ever reaches the region). */
export interface TransferFlow {
  id: string
  origin: string
  destination: string
  category: PatientTransferTx['category']
  unitType: UnitType
  at: number
  confirmedAt: number
  txId: string
  /** Confirmed transfers are final on the ledger. */
  status: 'confirmed'
}

/** `GET /api/region/flows`. */
export interface RegionFlows {
  requests: RequestFlow[]
  /** Offers whose request is not (yet) confirmed at this node: chains confirm independently. */
  orphanOffers: OfferFlow[]
  transfers: TransferFlow[]
}

/** The four kinds of interdependency of the seed paper (Table 3). */
export const INTERDEPENDENCY_TYPES = ['spatial', 'functional', 'physical', 'cyber'] as const
/** One of {@link INTERDEPENDENCY_TYPES}. */
export type InterdependencyType = (typeof INTERDEPENDENCY_TYPES)[number]

/** A typed relationship between two hospitals (or two units of one hospital). */
export interface Interdependency {
  type: InterdependencyType
  level: 'hospital' | 'unit'
  from: string
  to: string
  /** True when the relationship has no direction (hospitals of one outbreak area). */
  mutual: boolean
  /** Where it comes from: `registry` or `ledger` (confirmed transactions). */
  source: 'registry' | 'ledger'
  description: string
  /** Confirmed transactions behind a ledger relationship, and the newest confirmation. */
  count?: number
  confirmedAt?: number
}

/** An escalation level change a hospital recorded on the ledger (`escalation-change`). */
export interface RecordedEscalation {
  hospital: string
  unit?: string
  from: OpelLevel
  to: OpelLevel
  reason: string
  /** When the hospital saw the change, ms since 1970. */
  at: number
  confirmedAt: number
  txId: string
}
