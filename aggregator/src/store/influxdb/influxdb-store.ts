/**
 * The InfluxDB store (issue 5 "Storage"): measurement per asset kind, the six bounded tags, metric
 * values as fields; writes in batches of `batchSize` lines through the v1 HTTP API (or the v2 write
 * API when `v2` is configured), retried with backoff, spilled to disk while InfluxDB is down and
 * replayed after; history in InfluxQL from the raw policy or a downsampled one.
 */
import { readFile } from 'node:fs/promises'
import { InfluxDB } from 'influx'
import type { InfluxdbStoreConfig } from '@rhn/protocols'
import { AggregatorError } from '../../errors.js'
import { storeComponents, type StoreComponents, type StoreDeps } from '../deps.js'
import { aggregateFor, checkHistoryQuery, fillBuckets } from '../history.js'
import { PointChecker, type ValueType } from '../point.js'
import type { HistoryAggregate, HistoryPoint, HistoryQuery, StoredValue, StoreStats, TelemetryPoint, TelemetryStore } from '../types.js'
import { ident, literal, select, timeRange } from './influxql.js'
import { LineEncoder } from './line-protocol.js'
import { V1LineWriter, V2LineWriter, type LineWriter } from './line-writer.js'
import { WritePipeline } from './pipeline.js'
import { RP_1H, RP_1M, RP_RAW, ensureSchema } from './schema.js'
import { DiskSpill } from './spill.js'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/**
 * The `influx` package disables a host after a failed request and re-enables it from a timer it
 * does not unref. The store retries on its own, so its client never disables the host (delay 0).
 */
const NEVER_DISABLE = {
  getDelay: () => 0,
  next() {
    return NEVER_DISABLE
  },
  reset() {
    return NEVER_DISABLE
  },
}

/** Counters of the InfluxDB store: the common ones plus the refusals and the spill. */
export interface InfluxdbStoreStats extends StoreStats {
  /** Points refused before sending (not a bounded tag, bad timestamp, no valid value) or by InfluxDB. */
  rejectedPoints: number
  /** Single values refused (bad metric name, non-finite number, a type other than the metric's). */
  rejectedValues: number
  /** Points ever written to the disk spill. */
  spilledPoints: number
  /** Points written to InfluxDB from the spill. */
  replayedPoints: number
  /** Points lost because the spill was full (oldest first). */
  droppedPoints: number
  spillFiles: number
  spillBytes: number
}

function fieldType(influxType: unknown): ValueType | undefined {
  if (influxType === 'float' || influxType === 'integer') return 'number'
  if (influxType === 'boolean' || influxType === 'string') return influxType
  return undefined
}

async function secret(inline: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (inline !== undefined || file === undefined) return inline
  return (await readFile(file, 'utf8')).split(/\r?\n/)[0]?.trim()
}

/** {@link TelemetryStore} on InfluxDB 1.x (or a server with its v1 query API and a v2 write API). */
export class InfluxdbStore implements TelemetryStore {
  readonly name = 'influxdb'
  readonly #config: InfluxdbStoreConfig
  readonly #c: StoreComponents
  readonly #checker = new PointChecker()
  readonly #encoder = new LineEncoder()
  readonly #spill: DiskSpill
  #writer: LineWriter | undefined
  #influx: InfluxDB | undefined
  #pipeline: WritePipeline | undefined
  /** Asset → measurement it was last written to, so a query needs no lookup. */
  readonly #measurements = new Map<string, string>()
  /** Measurement → field → type, from `SHOW FIELD KEYS`. */
  readonly #fieldTypes = new Map<string, Map<string, ValueType>>()
  #rejectedPoints = 0
  #rejectedValues = 0
  #closed = false

  constructor(config: InfluxdbStoreConfig, deps: StoreDeps = {}) {
    this.#config = config
    this.#c = storeComponents(deps)
    this.#spill = new DiskSpill(config.spill.dir, config.spill.maxBytes, this.#c.logger)
  }

  /** True when writes go to the v2 API: the database, policies and queries are then the server's business. */
  get #v2(): boolean {
    return this.#config.v2 !== undefined
  }

  /**
   * Opens the spill and starts the writer; creates the database, retention policies and continuous
   * queries when InfluxDB answers. While it is down the store still starts (points are spilled)
   * and creates them before its first write.
   */
  async init(): Promise<void> {
    if (this.#pipeline !== undefined) return
    const config = this.#config
    const url = new URL(config.url)
    const password = await secret(config.password, config.passwordFile)
    this.#influx = new InfluxDB({
      hosts: [{ host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), protocol: url.protocol === 'https:' ? 'https' : 'http', path: url.pathname.replace(/\/+$/, '') }],
      database: config.database,
      username: config.username,
      password,
      pool: { maxRetries: 0, requestTimeout: config.timeoutMs, backoff: NEVER_DISABLE },
    })
    const influx = this.#influx
    let writer: LineWriter
    if (config.v2 !== undefined) {
      const token = await secret(config.v2.token, config.v2.tokenFile)
      if (token === undefined) throw new AggregatorError('RHN_AGG_CONFIG_INVALID', 'store.v2 needs token or tokenFile')
      writer = new V2LineWriter({ url: config.url, token, org: config.v2.org, bucket: config.v2.bucket, timeoutMs: config.timeoutMs })
    } else {
      writer = new V1LineWriter({ url: config.url, database: config.database, username: config.username, password, timeoutMs: config.timeoutMs })
    }
    this.#writer = writer
    try {
      await this.#spill.open()
    } catch (err) {
      throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `cannot open spill folder ${config.spill.dir}: ${String(err)}`, { cause: err })
    }
    const prepare = this.#v2 ? () => Promise.resolve() : () => ensureSchema(influx, config.database, config.retention)
    let prepared = false
    try {
      await prepare()
      prepared = true
    } catch (err) {
      this.#c.logger.warn({ url: config.url, err: String(err) }, 'store.influxdb.schema_deferred')
    }
    this.#pipeline = new WritePipeline({
      writer,
      spill: this.#spill,
      batchSize: config.batchSize,
      flushIntervalMs: config.flushIntervalMs,
      retry: config.retry,
      prepare,
      components: this.#c,
    })
    this.#pipeline.start(prepared)
    this.#c.logger.info({ url: config.url, database: config.database, api: writer.api, spilled: this.#spill.lines }, 'store.influxdb.open')
  }

  write(points: readonly TelemetryPoint[]): void {
    const pipeline = this.#pipeline
    if (pipeline === undefined || this.#closed) throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', this.#closed ? 'write after close' : 'store is not initialised: call init()')
    const checked = this.#checker.check(points)
    this.#rejectedPoints += checked.rejectedPoints
    this.#rejectedValues += checked.rejectedValues
    if (checked.firstReason !== undefined) this.#c.logger.warn({ points: checked.rejectedPoints, values: checked.rejectedValues, reason: checked.firstReason }, 'store.rejected')
    const ok = checked.points
    for (const point of ok) {
      if (this.#measurements.get(point.tags.asset) !== point.tags.kind) this.#measurements.set(point.tags.asset, point.tags.kind)
    }
    // One flat text per call (split where a batch fills), not a string per line: see LineEncoder.lines.
    for (let i = 0; i < ok.length; ) {
      const n = Math.min(pipeline.room, ok.length - i)
      pipeline.pushLines(this.#encoder.lines(ok, i, i + n), n)
      i += n
    }
  }

  flush(): Promise<void> {
    return this.#pipeline?.flush() ?? Promise.reject(new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', 'store is not initialised: call init()'))
  }

  async history(q: HistoryQuery): Promise<HistoryPoint[]> {
    checkHistoryQuery(q)
    const measurement = await this.#measurement(q.asset)
    const type = measurement === undefined ? undefined : await this.#fieldType(measurement, q.metric)
    const where = `"asset" = ${literal(q.asset)} AND ${timeRange(q.from, q.to)}`
    if (q.everyMs === undefined) {
      if (measurement === undefined || type === undefined) return []
      const [series] = await this.#select([`SELECT ${ident(q.metric)} FROM ${this.#raw(measurement)} WHERE ${where}`])
      return (series?.[0]?.values ?? []).map(([t, value]) => ({ t: t as number, value: value as StoredValue }))
    }
    const everyMs = q.everyMs
    const agg = aggregateFor(q, type)
    const values = new Map<number, StoredValue | null>()
    if (measurement !== undefined && type !== undefined) {
      const source = this.#source(measurement, { ...q, everyMs }, agg, type)
      const [series] = await this.#select([`SELECT ${agg}(${ident(source.field)}) FROM ${source.from} WHERE ${where} GROUP BY time(${everyMs}ms) fill(null)`])
      for (const [t, value] of series?.[0]?.values ?? []) values.set(t as number, value as StoredValue | null)
    }
    return fillBuckets({ ...q, everyMs }, agg, values)
  }

  async latest(asset: string): Promise<Record<string, { value: StoredValue; timestamp: number }>> {
    const measurement = await this.#measurement(asset)
    if (measurement === undefined) return {}
    const fields = [...(await this.#fields(measurement, true)).keys()]
    // One statement per field: LAST of several fields in one SELECT reports a single time for all.
    const answers = await this.#select(fields.map((field) => `SELECT last(${ident(field)}) FROM ${this.#raw(measurement)} WHERE "asset" = ${literal(asset)}`))
    const out: Record<string, { value: StoredValue; timestamp: number }> = {}
    answers.forEach((series, i) => {
      const row = series[0]?.values[0]
      const field = fields[i]
      if (row !== undefined && field !== undefined && row[1] !== null) out[field] = { value: row[1] as StoredValue, timestamp: row[0] as number }
    })
    return out
  }

  async count(asset: string, metric: string, from: number, to: number): Promise<number> {
    const measurement = await this.#measurement(asset)
    if (measurement === undefined) return 0
    const [series] = await this.#select([`SELECT count(${ident(metric)}) FROM ${this.#raw(measurement)} WHERE "asset" = ${literal(asset)} AND ${timeRange(from, to)}`])
    return (series?.[0]?.values[0]?.[1] as number | undefined) ?? 0
  }

  stats(): InfluxdbStoreStats {
    const p = this.#pipeline
    return {
      writtenPoints: p?.stats.writtenPoints ?? 0,
      pendingPoints: p?.pendingPoints ?? this.#spill.lines,
      failedWrites: p?.stats.failedWrites ?? 0,
      available: p?.available ?? false,
      rejectedPoints: this.#rejectedPoints + (p?.stats.rejectedPoints ?? 0),
      rejectedValues: this.#rejectedValues,
      spilledPoints: this.#spill.spilledPoints,
      replayedPoints: p?.stats.replayedPoints ?? 0,
      droppedPoints: this.#spill.droppedPoints,
      spillFiles: this.#spill.files,
      spillBytes: this.#spill.bytes,
    }
  }

  /** Writes what it can while InfluxDB is up (bounded wait); anything left stays in the spill for the next start. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pipeline?.close()
    this.#writer?.close()
  }

  async #select(statements: readonly string[]): Promise<Awaited<ReturnType<typeof select>>> {
    if (this.#influx === undefined) throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', 'store is not initialised: call init()')
    return select(this.#influx, this.#config.database, statements)
  }

  /** The raw points of a measurement: the managed raw policy, or the database default on a v2 server. */
  #raw(measurement: string): string {
    return this.#v2 ? ident(measurement) : `${ident(this.#config.database)}.${ident(RP_RAW)}.${ident(measurement)}`
  }

  /**
   * Where a bucketed query reads: the downsampled policies hold `mean_<metric>` per minute / hour, so
   * they answer `mean` of numbers with a bucket that is a whole number of their interval, once the
   * range starts before the raw points still kept. Everything else reads the raw points.
   */
  #source(measurement: string, q: HistoryQuery & { everyMs: number }, agg: HistoryAggregate, type: ValueType): { from: string; field: string } {
    const rawStart = this.#c.now() - this.#config.retention.rawDays * DAY_MS
    if (!this.#v2 && agg === 'mean' && type === 'number' && q.from < rawStart) {
      const rp = q.everyMs % HOUR_MS === 0 ? RP_1H : q.everyMs % MINUTE_MS === 0 ? RP_1M : undefined
      if (rp !== undefined) return { from: `${ident(this.#config.database)}.${ident(rp)}.${ident(measurement)}`, field: `mean_${q.metric}` }
    }
    return { from: this.#raw(measurement), field: q.metric }
  }

  /** The measurement holding an asset's points: the one it was written to, else the one InfluxDB knows it in. */
  async #measurement(asset: string): Promise<string | undefined> {
    const known = this.#measurements.get(asset)
    if (known !== undefined) return known
    const [series] = await this.#select([`SHOW MEASUREMENTS WHERE "asset" = ${literal(asset)}`])
    const names = (series?.[0]?.values ?? []).map((row) => String(row[0]))
    // A device the registry learned later moved from `unassigned` to its kind: prefer the kind.
    const name = names.find((n) => n !== 'unassigned') ?? names[0]
    if (name !== undefined) this.#measurements.set(asset, name)
    return name
  }

  async #fieldType(measurement: string, metric: string): Promise<ValueType | undefined> {
    const known = this.#fieldTypes.get(measurement)?.get(metric)
    return known ?? (await this.#fields(measurement, true)).get(metric)
  }

  async #fields(measurement: string, refresh: boolean): Promise<Map<string, ValueType>> {
    let fields = this.#fieldTypes.get(measurement)
    if (fields === undefined || refresh) {
      const [series] = await this.#select([`SHOW FIELD KEYS FROM ${this.#v2 ? ident(measurement) : `${ident(RP_RAW)}.${ident(measurement)}`}`])
      fields = new Map()
      for (const [key, type] of series?.[0]?.values ?? []) {
        const t = fieldType(type)
        if (t !== undefined) fields.set(String(key), t)
      }
      this.#fieldTypes.set(measurement, fields)
    }
    return fields
  }
}
