/**
 * The region's state, folded from confirmed ledger transactions in the node's confirmation order
 * (issue 7 "Regional aggregator"). Pure data and plain JSON, so it is saved beside the cursor in one
 * checkpoint file and a restart resumes exactly where it stopped: a transaction is applied once,
 * because the state and the cursor it is at are written together.
 */
import type {
  CapacitySnapshotTx,
  ConfirmedTx,
  EscalationChangeTx,
  PatientTransferTx,
  ResourceDecisionTx,
  ResourceOfferTx,
  ResourceRequestTx,
} from '@rhn/protocols'
import { addAdmissions, STATE_ADMISSION_HOURS } from '@rhn/ledger'
import { STATE_KEEP } from '@rhn/protocols'
import { trendPercent } from '../escalation/index.js'
import type { TrendPoint } from './types.js'

/** Snapshots kept per hospital in memory for the trend line (288: a day at 5-minute snapshots; older history is in the store). */
export const MAX_TREND_POINTS = 288
/**
 * Requests, offers, decisions and transfers kept (the newest; 2,000 each is months of regional
 * traffic). The ledger's `/api/state` carries the same number of each (`STATE_KEEP`), so a view
 * seeded from it equals a full replay.
 */
export const MAX_FLOWS = STATE_KEEP.flows
/** Escalation change records kept (the newest 500; `STATE_KEEP` as for flows). */
export const MAX_ESCALATION_CHANGES = STATE_KEEP.escalationChanges
/** Hour buckets of admissions kept per hospital, for the admission trend (a week: the ledger state's own bound). */
export const MAX_ADMISSION_HOURS = STATE_ADMISSION_HOURS
/** The checkpoint format; a newer file is refused rather than misread. */
export const REGION_STATE_VERSION = 1

const HOUR_MS = 3_600_000

/** A confirmed transaction's payload with where and when it was confirmed. */
export interface Confirmed<T> {
  tx: T
  txId: string
  confirmedAt: number
}

/** What the region holds per hospital. */
export interface HospitalState extends Confirmed<CapacitySnapshotTx> {
  snapshots: number
  admissionsTotal: number
  dischargesTotal: number
  trend: TrendPoint[]
  /** [hour start ms, admissions in that hour], oldest first. */
  admissionsByHour: [number, number][]
}

/** The whole state, as saved in the checkpoint. */
export interface RegionStateData {
  version: typeof REGION_STATE_VERSION
  /** The node cursor after the last applied transaction (`after=` of the next page). */
  cursor: number
  /** The ledger node the cursor belongs to: a cursor is node-local. */
  nodeUrl: string
  hospitals: Record<string, HospitalState>
  requests: Record<string, Confirmed<ResourceRequestTx>>
  offers: Record<string, Confirmed<ResourceOfferTx>>
  /** By offer id. */
  decisions: Record<string, Confirmed<ResourceDecisionTx>>
  transfers: Record<string, Confirmed<PatientTransferTx>>
  escalationChanges: Confirmed<EscalationChangeTx>[]
  /**
   * Set while the history (store points) of cursors 1…`to` is still being written behind a view
   * seeded from the ledger's state at `to` (`backfill.ts`); a restart writes it again from the start.
   */
  backfill?: { to: number }
}

/** One change the state took in, for the stream, the store and the recommender. */
export type RegionChange =
  | { type: 'snapshot'; hospital: string; snapshot: Confirmed<CapacitySnapshotTx> }
  | { type: 'request' | 'offer' | 'decision' | 'transfer'; id: string; hospitals: string[]; confirmedAt: number }
  | { type: 'escalation-change'; hospital: string; unit?: string; from: number; to: number; reason: string; confirmedAt: number }

/** An empty state for `nodeUrl` (cursor 0: read from the first confirmed transaction). */
export function emptyRegionState(nodeUrl: string): RegionStateData {
  return { version: REGION_STATE_VERSION, cursor: 0, nodeUrl, hospitals: {}, requests: {}, offers: {}, decisions: {}, transfers: {}, escalationChanges: [] }
}

function lowestDays(tx: CapacitySnapshotTx): number | null {
  let low: number | null = null
  for (const u of tx.units) for (const p of u.ppe) if (p.daysOfSupply !== null && (low === null || p.daysOfSupply < low)) low = p.daysOfSupply
  return low
}

/** The trend point of one snapshot. */
export function trendPointOf(tx: CapacitySnapshotTx, confirmedAt: number): TrendPoint {
  const p: TrendPoint = { takenAt: tx.takenAt, confirmedAt, bedsOccupied: 0, bedsTotal: 0, ventilatorsInUse: 0, ventilatorsTotal: 0, ppeDaysOfSupply: lowestDays(tx), admissions: 0, discharges: 0, level: tx.escalation.level }
  for (const u of tx.units) {
    p.bedsOccupied += u.beds.occupied
    p.bedsTotal += u.beds.total
    p.ventilatorsInUse += u.ventilators.inUse
    p.ventilatorsTotal += u.ventilators.total
    p.admissions += u.admissions
    p.discharges += u.discharges
  }
  return p
}

/** Drops the oldest entries of a record beyond `max` (insertion order is confirmation order). */
function bound<T>(record: Record<string, T>, max: number): void {
  const keys = Object.keys(record)
  for (let i = 0; i < keys.length - max; i++) delete record[keys[i]!]
}

/** Adds a snapshot's point to a hospital's trend, kept in `takenAt` order and to the newest {@link MAX_TREND_POINTS}. */
export function pushTrend(h: HospitalState, point: TrendPoint): void {
  h.trend.push(point)
  if (h.trend.length > 1 && h.trend[h.trend.length - 2]!.takenAt > point.takenAt) h.trend.sort((a, b) => a.takenAt - b.takenAt)
  if (h.trend.length > MAX_TREND_POINTS) h.trend.splice(0, h.trend.length - MAX_TREND_POINTS)
}

function applySnapshot(s: RegionStateData, c: Confirmed<CapacitySnapshotTx>): RegionChange | undefined {
  const point = trendPointOf(c.tx, c.confirmedAt)
  let h = s.hospitals[c.tx.hospital]
  if (h === undefined) {
    h = { ...c, snapshots: 0, admissionsTotal: 0, dischargesTotal: 0, trend: [], admissionsByHour: [] }
    s.hospitals[c.tx.hospital] = h
  }
  h.snapshots += 1
  h.admissionsTotal += point.admissions
  h.dischargesTotal += point.discharges
  // The ledger's own rule (its /api/state folds the same buckets), so a seeded view equals a replayed one.
  addAdmissions(h.admissionsByHour, c.tx.takenAt, point.admissions, MAX_ADMISSION_HOURS)
  pushTrend(h, point)
  // A snapshot taken before the one held (a late confirmation) counts in the totals but is not "latest".
  if (c.tx.takenAt < h.tx.takenAt) return undefined
  h.tx = c.tx
  h.txId = c.txId
  h.confirmedAt = c.confirmedAt
  return { type: 'snapshot', hospital: c.tx.hospital, snapshot: c }
}

/**
 * Applies confirmed transactions in order, mutating `s`, and returns what changed. Transactions at or
 * below the state's cursor are skipped (a page re-read after a crash), so nothing is counted twice.
 */
export function applyConfirmed(s: RegionStateData, items: readonly ConfirmedTx[]): RegionChange[] {
  const changes: RegionChange[] = []
  for (const item of items) {
    if (item.cursor <= s.cursor) continue
    s.cursor = item.cursor
    const { tx, txId, confirmedAt } = item
    switch (tx.kind) {
      case 'capacity-snapshot': {
        const change = applySnapshot(s, { tx, txId, confirmedAt })
        if (change !== undefined) changes.push(change)
        break
      }
      case 'resource-request':
        s.requests[tx.id] = { tx, txId, confirmedAt }
        bound(s.requests, MAX_FLOWS)
        changes.push({ type: 'request', id: tx.id, hospitals: [tx.from, ...tx.to], confirmedAt })
        break
      case 'resource-offer':
        s.offers[tx.id] = { tx, txId, confirmedAt }
        bound(s.offers, MAX_FLOWS)
        changes.push({ type: 'offer', id: tx.id, hospitals: [tx.from, tx.to], confirmedAt })
        break
      case 'resource-accept':
      case 'resource-decline':
        s.decisions[tx.offerId] = { tx, txId, confirmedAt }
        bound(s.decisions, MAX_FLOWS)
        changes.push({ type: 'decision', id: tx.offerId, hospitals: [tx.from], confirmedAt })
        break
      case 'patient-transfer':
        s.transfers[tx.id] = { tx, txId, confirmedAt }
        bound(s.transfers, MAX_FLOWS)
        changes.push({ type: 'transfer', id: tx.id, hospitals: [tx.origin, tx.destination], confirmedAt })
        break
      case 'escalation-change':
        s.escalationChanges.push({ tx, txId, confirmedAt })
        if (s.escalationChanges.length > MAX_ESCALATION_CHANGES) s.escalationChanges.shift()
        changes.push({ type: 'escalation-change', hospital: tx.hospital, ...(tx.unit === undefined ? {} : { unit: tx.unit }), from: tx.from, to: tx.to, reason: tx.reason, confirmedAt })
        break
    }
  }
  return changes
}

/**
 * Rise in admissions over the last `windowHours` (ending at the newest hour held) against the window
 * before, %; undefined while the earlier window holds no admission (no base to compare with).
 */
export function admissionTrendPercent(h: HospitalState, windowHours: number): number | undefined {
  const last = h.admissionsByHour.at(-1)
  if (last === undefined) return undefined
  const end = last[0] + HOUR_MS
  const split = end - windowHours * HOUR_MS
  const start = split - windowHours * HOUR_MS
  let now = 0
  let before = 0
  for (const [hour, n] of h.admissionsByHour) {
    if (hour >= split) now += n
    else if (hour >= start) before += n
  }
  return trendPercent(now, before)
}
