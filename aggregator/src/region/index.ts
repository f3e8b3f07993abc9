/**
 * Region mode (issue 7): the regional twin built only from confirmed ledger transactions — figures
 * per hospital and unit, flows, interdependencies, escalation, rebalancing advice — with its API,
 * stream and page. {@link RegionAggregator} wires the parts; each is usable on its own.
 */
export { RegionAggregator, type RegionAggregatorInit } from './region-aggregator.js'
export { RegionTwin, type RegionEvent, type RegionTwinComponents, type ScopeCapacity } from './region-twin.js'
export { LedgerFeed, DEFAULT_PAGE_LIMIT, MAX_RETRY_MS, type ConfirmedSource, type LedgerFeedComponents, type LedgerFeedInit, type LedgerFeedStatus } from './feed.js'
export { HistoryBackfill, FLUSH_EVERY_POINTS, type BackfillStatus, type HistoryBackfillComponents, type HistoryBackfillInit } from './backfill.js'
export { ViewStart, type ViewStartComponents } from './view-start.js'
export { seedFromLedger, regionStateOf, addTrendTail, type Seeded, type SeedComponents } from './seed.js'
export { SnapshotPoints } from './snapshot-points.js'
export { CheckpointWriter, CHECKPOINT_INTERVAL_MS, checkpointPathFor, loadCheckpoint } from './checkpoint.js'
export { applyConfirmed, emptyRegionState, admissionTrendPercent, MAX_TREND_POINTS, MAX_FLOWS, REGION_STATE_VERSION, type RegionChange, type RegionStateData, type HospitalState } from './state.js'
export { hospitalFigures, regionFigures, regionEscalation, NO_SNAPSHOT_REASON } from './figures.js'
export { regionFlows, openRequests } from './flows.js'
export { interdependencies, SPECIALISM_MEANING } from './interdependencies.js'
export { REGION_METRICS, kindOfRegionMetric, regionAsset, figurePoints, ALL_TAG } from './points.js'
export { Recommender, recommendationId, rebalanceHospital, DEFAULT_SOLVE_DEBOUNCE_MS, type RecommendationView, type RecommendationsView } from './recommender.js'
export { createRegionServer, REGION_STATUS_OF_CODE, type RegionServerOptions } from './server.js'
export { parseRegionHistory, DEFAULT_REGION_HISTORY_MS, type DelegateSubmit } from './routes.js'
export { regionHealth, regionMetrics, type RegionHealth, type RegionViewStatus, type RegionHistoryStatus } from './health.js'
export type * from './types.js'
export { INTERDEPENDENCY_TYPES } from './types.js'
