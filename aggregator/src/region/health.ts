/**
 * `/healthz` and `/metrics` of region mode: is the ledger node reachable (and since when not), how
 * far the feed has read, whether the store takes writes, which hospitals report, and the advice.
 */
import { type MetricFamily, renderFamilies } from '../metrics.js'
import type { RegistryFileStatus } from '../registry-watch.js'
import type { StoreStats } from '../store/types.js'
import type { BackfillStatus } from './backfill.js'
import type { LedgerFeedStatus } from './feed.js'
import type { RecommendationsView } from './recommender.js'
import type { RegionFigures } from './types.js'

/** The body of `/healthz` in region mode (anonymous: no secrets, no figures beyond levels). */
export interface RegionHealth {
  /** `ok` when the ledger node answers, the store takes writes and the registry file is in force. */
  status: 'ok' | 'degraded'
  mode: 'region'
  region: string
  uptimeS: number
  /**
   * Whether the view is complete (the feed has read all the node confirmed) and since when (ms since
   * 1970); `seededAt`: the cursor it was seeded at from the node's state (a start without checkpoint).
   */
  view: RegionViewStatus
  /**
   * The history (store points) behind the view: `backfilled` 0–1 while a seeded view's history up to
   * `seededAt` is written in the background (with the backfill's counts), else 1 once the view is ready.
   */
  history: RegionHistoryStatus
  /** The feed; `unreachableSince` while the node does not answer ("ledger unreachable since …"). */
  ledger: LedgerFeedStatus
  store: { backend: string; available: boolean; pendingPoints: number; writtenPoints: number; failedWrites: number }
  hospitals: { id: string; reporting: boolean; level: number; takenAt: number | null; confirmedAt: number | null }[]
  recommendations: { status: RecommendationsView['status']; solvedAt: number | null; count: number }
  checkpoint: { file: string | null; saves: number }
  registry: RegistryFileStatus
}

/** `view` of `/healthz`. */
export interface RegionViewStatus {
  ready: boolean
  readyAt?: number
  seededAt?: number
}

/** `history` of `/healthz`. */
export type RegionHistoryStatus = BackfillStatus | { backfilled: number; done: boolean }

/** What {@link regionHealth} and {@link regionMetrics} read. */
export interface RegionHealthInput {
  uptimeS: number
  view: RegionViewStatus
  history: RegionHistoryStatus
  ledger: LedgerFeedStatus
  storeName: string
  store: StoreStats
  region: RegionFigures
  recommendations: RecommendationsView
  checkpoint: { file: string | null; saves: number }
  registry: RegistryFileStatus
  storedPoints: number
  solves: number
  now: number
}

/** Builds the `/healthz` body. */
export function regionHealth(i: RegionHealthInput): RegionHealth {
  const s = i.store
  return {
    status: i.ledger.reachable && s.available && i.registry.error === undefined ? 'ok' : 'degraded',
    mode: 'region',
    region: i.region.id,
    uptimeS: i.uptimeS,
    view: i.view,
    history: i.history,
    ledger: i.ledger,
    store: { backend: i.storeName, available: s.available, pendingPoints: s.pendingPoints, writtenPoints: s.writtenPoints, failedWrites: s.failedWrites },
    hospitals: i.region.hospitals.map((h) => ({ id: h.id, reporting: h.reporting, level: h.escalation.level, takenAt: h.takenAt, confirmedAt: h.confirmedAt })),
    recommendations: { status: i.recommendations.status, solvedAt: i.recommendations.solvedAt, count: i.recommendations.recommendations.length },
    checkpoint: i.checkpoint,
    registry: i.registry,
  }
}

/** Prometheus text of `/metrics` in region mode; names end in their unit. */
export function regionMetrics(i: RegionHealthInput): string {
  const reporting = i.region.hospitals.filter((h) => h.reporting)
  const families: MetricFamily[] = [
    { name: 'rhn_region_ledger_reachable', help: '1 while the ledger node answers, 0 while it does not.', type: 'gauge', samples: [{ value: i.ledger.reachable ? 1 : 0 }] },
    { name: 'rhn_region_ledger_cursor', help: 'Confirmation cursor of the ledger node the region has read up to.', type: 'gauge', samples: [{ value: i.ledger.cursor }] },
    { name: 'rhn_region_confirmed_txs_total', help: 'Confirmed transactions read since start.', type: 'counter', samples: [{ value: i.ledger.txs }] },
    { name: 'rhn_region_ledger_failures_total', help: 'Polls of the ledger node that failed.', type: 'counter', samples: [{ value: i.ledger.failures }] },
    { name: 'rhn_region_view_ready', help: '1 once the view holds everything the ledger node confirmed, 0 before.', type: 'gauge', samples: [{ value: i.view.ready ? 1 : 0 }] },
    { name: 'rhn_region_history_backfilled_ratio', help: 'Share of the history behind the view written to the store (0-1).', type: 'gauge', samples: [{ value: i.history.backfilled }] },
    { name: 'rhn_region_store_points_total', help: 'Region points handed to the store since start.', type: 'counter', samples: [{ value: i.storedPoints }] },
    { name: 'rhn_region_store_pending_points', help: 'Points waiting for the store backend.', type: 'gauge', samples: [{ value: i.store.pendingPoints }] },
    { name: 'rhn_region_escalation_level', help: 'OPEL level of the region (1-4).', type: 'gauge', samples: [{ value: i.region.escalation.level }] },
    { name: 'rhn_region_hospital_escalation_level', help: 'OPEL level of each reporting hospital (1-4).', type: 'gauge', samples: reporting.map((h) => ({ labels: { hospital: h.id }, value: h.escalation.level })) },
    {
      name: 'rhn_region_hospital_snapshot_age_seconds',
      help: 'Age of the newest confirmed snapshot of each reporting hospital.',
      type: 'gauge',
      samples: reporting.map((h) => ({ labels: { hospital: h.id }, value: Math.max(0, Math.round((i.now - (h.takenAt ?? i.now)) / 1000)) })),
    },
    { name: 'rhn_region_recommendations', help: 'Rebalancing recommendations in the latest advice.', type: 'gauge', samples: [{ value: i.recommendations.recommendations.length }] },
    { name: 'rhn_region_rebalance_solves_total', help: 'Rebalancing solves completed since start.', type: 'counter', samples: [{ value: i.solves }] },
  ]
  return renderFamilies(families)
}
