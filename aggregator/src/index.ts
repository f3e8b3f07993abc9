/**
 * `@rhn/aggregator`: the hospital's live twin (issue 5) — a Sparkplug B host application feeding a
 * twin with rollups and alarms, history in InfluxDB or SQLite, served over an API and a web page.
 * {@link Aggregator} wires the parts; each part is usable on its own.
 */
export { Aggregator, REGISTRY_ALARM_PRIORITY, type AggregatorInit } from './aggregator.js'
export { healthOf, type AggregatorHealth, type HealthInput } from './health.js'
export { AggregatorError, type AggregatorErrorCode } from './errors.js'
export { loadApiTokens, parseTokenFile, resolveStorePaths } from './config-files.js'
export { DEFAULT_REGISTRY_DEBOUNCE_MS, RegistryWatcher, loadRegistry, type RegistryFileStatus, type RegistryWatcherInit } from './registry-watch.js'
export { MAX_SYSTEM_ALARM_HISTORY, SystemAlarmView, type SystemAlarmRaise } from './system-alarms.js'
export { REBUILD_CONCURRENCY, rebuildTwin, type RebuildResult } from './rebuild.js'
export { aggregatorFamilies, renderFamilies, type AggregatorCounters, type MetricFamily, type MetricsSnapshot } from './metrics.js'
export {
  SparkplugHost,
  DEFAULT_REORDER_TIMEOUT_MS,
  DEFAULT_REBIRTH_INTERVAL_MS,
  type DeviceRef,
  type HostEvent,
  type HostMqttInit,
  type HostStats,
  type KnownEdgeNode,
  type ResolvedMetric,
  type SparkplugHostInit,
} from './host/index.js'
export { Twin, DEFAULT_STALE_AFTER_INTERVALS, type Alarm, type AlarmState, type AssetView, type CurrentValue, type Rollup, type TwinEvent, type TwinInit, type TwinNode, type TwinView } from './twin/index.js'
export {
  createStore,
  type HistoryPoint,
  type HistoryQuery,
  type StoreDeps,
  type StoreStats,
  type StoredValue,
  type TelemetryPoint,
  type TelemetryStore,
} from './store/index.js'
export { createApiServer, type ApiRole, type ApiServerComponents, type ApiServerConfig, type ApiServerInit, type ApiServerOptions, type ApiToken } from './api/index.js'
export { fhirResources, registerFhirRoutes, type FhirComponents, type FhirResource, type FhirType } from './fhir/index.js'
export {
  AdmissionTrend,
  MAX_REASON_LENGTH,
  OPEL1_REASON,
  UNIT_TYPE_LABELS,
  escalationOf,
  hospitalEscalation,
  indicatorsOf,
  trendPercent,
  unitEscalation,
  type EscalationFinding,
  type EscalationIndicators,
  type EscalationResult,
  type ScopeEscalationOptions,
} from './escalation/index.js'
export {
  RegionAggregator,
  RegionTwin,
  LedgerFeed,
  Recommender,
  createRegionServer,
  type RegionAggregatorInit,
  type RegionEvent,
  type RegionHealth,
  type LedgerFeedStatus,
  type ConfirmedSource,
  type RecommendationView,
  type RecommendationsView,
  type RegionFigures,
  type HospitalFigures,
  type UnitFigures,
  type RegionFlows,
  type RequestFlow,
  type OfferFlow,
  type TransferFlow,
  type Interdependency,
  type InterdependencyType,
  type RegionTreeNode,
} from './region/index.js'
