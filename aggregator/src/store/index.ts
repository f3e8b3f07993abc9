/**
 * Telemetry storage (issue 5 "Storage"): one {@link TelemetryStore} interface, two backends
 * (`sqlite`, embedded and the default; `influxdb`), picked by `createStore(config)`.
 */
export type {
  TelemetryStore,
  TelemetryPoint,
  PointTags,
  StoredValue,
  HistoryQuery,
  HistoryPoint,
  HistoryAggregate,
  StoreStats,
} from './types.js'
export { HISTORY_AGGREGATES } from './types.js'
export { createStore } from './create-store.js'
export type { StoreDeps, StoreLogger } from './deps.js'
export { TAG_KEYS } from './point.js'
export { MAX_BUCKETS } from './history.js'
export { SqliteStore, type SqliteStoreStats } from './sqlite/sqlite-store.js'
export { InfluxdbStore, type InfluxdbStoreStats } from './influxdb/influxdb-store.js'
export { RP_RAW, RP_1M, RP_1H, CQ_1M, CQ_1H } from './influxdb/schema.js'
