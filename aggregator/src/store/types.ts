import type { ComponentKind } from '@rhn/protocols'

/** A value as stored (catalogue datatypes). */
export type StoredValue = number | boolean | string

/**
 * Bounded tags only (DESIGN.md "Wire and storage conventions"): never an RFID serial or a patient key.
 * The measurement is the asset kind.
 */
export interface PointTags {
  region: string
  hospital: string
  /** Registry ids; `unassigned` for a device the registry does not know. */
  unit: string
  section: string
  asset: string
  kind: ComponentKind | 'unassigned'
}

/** One timestamped set of metric values of one asset (an InfluxDB point: tags + fields). */
export interface TelemetryPoint {
  tags: PointTags
  /** Metric name → value, e.g. `{ 'Ventilation/PEEP': 8.1 }`. */
  fields: Readonly<Record<string, StoredValue>>
  /** Source timestamp, ms since 1970. The same (asset, metric, timestamp) is stored once. */
  timestamp: number
}

/** Aggregations a history query may ask for. */
export const HISTORY_AGGREGATES = ['mean', 'min', 'max', 'last', 'first', 'count', 'sum'] as const
export type HistoryAggregate = (typeof HISTORY_AGGREGATES)[number]

/** `GET /api/assets/:id/history?metric&from&to&every&agg`. */
export interface HistoryQuery {
  asset: string
  metric: string
  /** Inclusive, ms since 1970. */
  from: number
  /** Exclusive, ms since 1970. */
  to: number
  /** Bucket width, ms; omitted = raw points. */
  everyMs?: number
  /** Aggregate per bucket (default mean for numbers, last otherwise); needs `everyMs`. */
  agg?: HistoryAggregate
}

/** One point of a history answer (`value` null for an empty bucket). */
export interface HistoryPoint {
  t: number
  value: StoredValue | null
}

/** Store counters for `/healthz` and `/metrics`. */
export interface StoreStats {
  /** Points accepted by the backend since start. */
  writtenPoints: number
  /** Points waiting in memory or in the disk spill for the backend to come back. */
  pendingPoints: number
  /** Write attempts that failed (and were retried). */
  failedWrites: number
  /** True while the backend accepts writes. */
  available: boolean
}

/**
 * Telemetry storage behind one interface (issue 5 "Storage"): InfluxDB and embedded SQLite both pass
 * one shared contract test suite. Writes are buffered and batched by the store; nothing accepted by
 * `write` is lost while the backend is down (bounded disk spill, replayed after).
 */
export interface TelemetryStore {
  readonly name: string
  /** Creates what the backend needs (database, retention policies, continuous queries / tables). */
  init(): Promise<void>
  /** Accepts points; they are buffered and written in batches. Never throws for a backend outage. */
  write(points: readonly TelemetryPoint[]): void
  /** Resolves when every point accepted so far is in the backend (or rejects if it is down). */
  flush(): Promise<void>
  history(q: HistoryQuery): Promise<HistoryPoint[]>
  /** The newest value of every metric of an asset, for rebuilding the twin after a restart. */
  latest(asset: string): Promise<Record<string, { value: StoredValue; timestamp: number }>>
  /** Number of stored points of one metric of one asset in [from, to): tests count per series. */
  count(asset: string, metric: string, from: number, to: number): Promise<number>
  stats(): StoreStats
  close(): Promise<void>
}
