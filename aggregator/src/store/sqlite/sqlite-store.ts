/**
 * The embedded store (issue 5 "Storage": `sqlite`, the default, so `make demo` needs no server):
 * better-sqlite3 in WAL mode, points buffered and committed in one transaction per `batchSize` rows
 * or every `flushIntervalMs`, raw points kept `retentionDays`.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { SqliteStoreConfig } from '@rhn/protocols'
import { AggregatorError } from '../../errors.js'
import { storeComponents, type StoreComponents, type StoreDeps } from '../deps.js'
import { aggregateFor, checkHistoryQuery, fillBuckets } from '../history.js'
import { PointChecker, type CheckedPoint, type ValueType } from '../point.js'
import type { HistoryPoint, HistoryQuery, StoredValue, StoreStats, TelemetryPoint, TelemetryStore } from '../types.js'
import { openSchema } from './schema.js'
import { SqliteStatements, type SampleRow } from './statements.js'

/** How often old points are deleted (1 h: retention is counted in days, so finer sweeps buy nothing). */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000

/**
 * Rows kept in memory while commits fail (a full disk): 1,000,000 rows (~100 MB) is minutes of a
 * large hospital; beyond it the oldest are dropped and counted rather than exhausting memory.
 */
export const MAX_BUFFERED_ROWS = 1_000_000

const DAY_MS = 24 * 60 * 60 * 1000

/** Counters of the SQLite store: the common ones plus what was refused. */
export interface SqliteStoreStats extends StoreStats {
  /** Points refused before storage (not a bounded tag, bad timestamp, older than retention, no valid value). */
  rejectedPoints: number
  /** Single values refused (bad metric name, non-finite number, a type other than the metric's). */
  rejectedValues: number
  /** Points dropped because commits kept failing and the buffer was full. */
  droppedPoints: number
}

function decode(row: Pick<SampleRow, 'num' | 'flag' | 'txt'>): StoredValue | null {
  if (row.txt !== null) return row.txt
  if (row.flag !== null) return row.flag !== 0
  return row.num
}

function typeOf(row: Pick<SampleRow, 'num' | 'flag' | 'txt'>): ValueType {
  return row.txt !== null ? 'string' : row.flag !== null ? 'boolean' : 'number'
}

/** Runs synchronous work as a promise, so a throw becomes a rejection like the other backends'. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work())
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)))
  }
}

/** {@link TelemetryStore} on an embedded SQLite file. */
export class SqliteStore implements TelemetryStore {
  readonly name = 'sqlite'
  readonly #config: SqliteStoreConfig
  readonly #c: StoreComponents
  readonly #checker = new PointChecker()
  #db: Database.Database | undefined
  #sql: SqliteStatements | undefined
  #buffer: CheckedPoint[] = []
  #bufferedRows = 0
  #flushTimer: NodeJS.Timeout | undefined
  #retentionTimer: NodeJS.Timeout | undefined
  #closed = false
  readonly #stats: SqliteStoreStats = {
    writtenPoints: 0,
    pendingPoints: 0,
    failedWrites: 0,
    available: false,
    rejectedPoints: 0,
    rejectedValues: 0,
    droppedPoints: 0,
  }

  constructor(config: SqliteStoreConfig, deps: StoreDeps = {}) {
    this.#config = config
    this.#c = storeComponents(deps)
  }

  /** Opens (creating when missing) the file and its tables, starts the batch and retention timers. */
  init(): Promise<void> {
    if (this.#db !== undefined) return Promise.resolve()
    try {
      if (this.#config.path !== ':memory:') mkdirSync(dirname(this.#config.path), { recursive: true })
      const db = new Database(this.#config.path)
      try {
        openSchema(db)
        this.#sql = new SqliteStatements(db)
      } catch (err) {
        db.close()
        throw err
      }
      this.#db = db
    } catch (err) {
      return Promise.reject(new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `cannot open SQLite store ${this.#config.path}: ${String(err)}`, { cause: err }))
    }
    this.#stats.available = true
    this.#flushTimer = setInterval(() => this.#commitQuietly(), Math.max(1, this.#config.flushIntervalMs))
    this.#flushTimer.unref()
    this.#retentionTimer = setInterval(() => this.#sweep(), RETENTION_SWEEP_MS)
    this.#retentionTimer.unref()
    this.#sweep()
    this.#c.logger.info({ path: this.#config.path, retentionDays: this.#config.retentionDays }, 'store.sqlite.open')
    return Promise.resolve()
  }

  write(points: readonly TelemetryPoint[]): void {
    if (this.#closed || this.#sql === undefined) throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', this.#closed ? 'write after close' : 'store is not initialised: call init()')
    const checked = this.#checker.check(points)
    const oldest = this.#c.now() - this.#config.retentionDays * DAY_MS
    let tooOld = 0
    for (const point of checked.points) {
      // Points older than retention would be deleted at the next sweep; InfluxDB drops them at write too.
      if (point.timestamp < oldest) {
        tooOld++
        continue
      }
      this.#buffer.push(point)
      this.#bufferedRows += point.fields.length
    }
    this.#stats.rejectedPoints += checked.rejectedPoints + tooOld
    this.#stats.rejectedValues += checked.rejectedValues
    if (checked.firstReason !== undefined) this.#c.logger.warn({ points: checked.rejectedPoints, values: checked.rejectedValues, reason: checked.firstReason }, 'store.rejected')
    if (this.#bufferedRows >= this.#config.batchSize) this.#commitQuietly()
  }

  flush(): Promise<void> {
    try {
      this.#commit()
      return Promise.resolve()
    } catch (err) {
      return Promise.reject(new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `SQLite commit failed: ${String(err)}`, { cause: err }))
    }
  }

  history(q: HistoryQuery): Promise<HistoryPoint[]> {
    return settle(() => this.#history(q))
  }

  latest(asset: string): Promise<Record<string, { value: StoredValue; timestamp: number }>> {
    return settle(() => {
      const out: Record<string, { value: StoredValue; timestamp: number }> = {}
      for (const row of this.#open().latest(asset)) {
        const value = decode(row)
        if (value !== null) out[row.name] = { value, timestamp: row.ts }
      }
      return out
    })
  }

  count(asset: string, metric: string, from: number, to: number): Promise<number> {
    return settle(() => {
      const sql = this.#open()
      const ids = sql.ids(asset, metric)
      return ids === undefined ? 0 : sql.count(ids.asset, ids.metric, from, to)
    })
  }

  #history(q: HistoryQuery): HistoryPoint[] {
    checkHistoryQuery(q)
    const sql = this.#open()
    const ids = sql.ids(q.asset, q.metric)
    const newest = ids === undefined ? undefined : sql.newest(ids.asset, ids.metric)
    const type = newest === undefined ? undefined : typeOf(newest)
    if (q.everyMs === undefined) {
      if (ids === undefined) return []
      return sql.raw(ids.asset, ids.metric, q.from, q.to).map((row) => ({ t: row.ts, value: decode(row) }))
    }
    const agg = aggregateFor(q, type)
    const values = new Map<number, StoredValue | null>()
    if (ids !== undefined) {
      for (const row of sql.buckets(agg, ids.asset, ids.metric, q.from, q.to, q.everyMs)) {
        values.set(row.b, agg === 'first' || agg === 'last' ? decode(row) : row.v)
      }
    }
    return fillBuckets({ ...q, everyMs: q.everyMs }, agg, values)
  }

  stats(): SqliteStoreStats {
    return { ...this.#stats, pendingPoints: this.#buffer.length }
  }

  /** Commits what is buffered and closes the file (WAL is checkpointed into it). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#closed = true
    clearInterval(this.#flushTimer)
    clearInterval(this.#retentionTimer)
    let failure: Error | undefined
    try {
      if (this.#db !== undefined) this.#commit()
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err))
      this.#c.logger.error({ points: this.#buffer.length, err: String(err) }, 'store.sqlite.close_lost_points')
    }
    this.#db?.close()
    this.#db = undefined
    this.#sql = undefined
    this.#stats.available = false
    if (failure !== undefined) return Promise.reject(new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `final SQLite commit failed: ${failure.message}`, { cause: failure }))
    return Promise.resolve()
  }

  #open(): SqliteStatements {
    if (this.#sql === undefined) throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', this.#closed ? 'store is closed' : 'store is not initialised: call init()')
    return this.#sql
  }

  #commit(): void {
    if (this.#buffer.length === 0) return
    const sql = this.#open()
    const batch = this.#buffer
    try {
      sql.insert(batch)
    } catch (err) {
      this.#stats.failedWrites++
      this.#stats.available = false
      this.#dropOverflow()
      throw err
    }
    this.#buffer = []
    this.#bufferedRows = 0
    this.#stats.writtenPoints += batch.length
    this.#stats.available = true
  }

  #commitQuietly(): void {
    try {
      this.#commit()
    } catch (err) {
      this.#c.logger.error({ points: this.#buffer.length, err: String(err) }, 'store.sqlite.commit_failed')
    }
  }

  #dropOverflow(): void {
    while (this.#bufferedRows > MAX_BUFFERED_ROWS && this.#buffer.length > 0) {
      const dropped = this.#buffer.shift()
      this.#bufferedRows -= dropped?.fields.length ?? 0
      this.#stats.droppedPoints++
    }
  }

  #sweep(): void {
    if (this.#sql === undefined) return
    const before = this.#c.now() - this.#config.retentionDays * DAY_MS
    try {
      const deleted = this.#sql.deleteBefore(before)
      if (deleted > 0) this.#c.logger.info({ deleted, before }, 'store.sqlite.retention')
    } catch (err) {
      this.#c.logger.error({ err: String(err) }, 'store.sqlite.retention_failed')
    }
  }
}
