/**
 * Every SQL statement of the SQLite store, prepared once. Bucketing and aggregation run in SQL:
 * `ts - ts % every` is the epoch-aligned bucket start, the same buckets InfluxDB's `GROUP BY time()` makes.
 */
import type Database from 'better-sqlite3'
import type { HistoryAggregate, PointTags } from '../types.js'
import type { CheckedPoint } from '../point.js'

/** One stored value: exactly one of num, flag, txt is non-null. */
export interface SampleRow {
  ts: number
  num: number | null
  flag: number | null
  txt: string | null
}

/** One bucket: `v` for the arithmetic aggregates, the value columns for first and last. */
export interface BucketRow extends Omit<SampleRow, 'ts'> {
  b: number
  v: number | null
}

/** SQL of each aggregate; first and last use SQLite's bare columns, taken from the row holding MIN/MAX(ts). */
const AGGREGATE_SQL: Readonly<Record<HistoryAggregate, string>> = {
  mean: 'AVG(num) AS v, NULL AS num, NULL AS flag, NULL AS txt',
  min: 'MIN(num) AS v, NULL AS num, NULL AS flag, NULL AS txt',
  max: 'MAX(num) AS v, NULL AS num, NULL AS flag, NULL AS txt',
  sum: 'SUM(num) AS v, NULL AS num, NULL AS flag, NULL AS txt',
  count: 'COUNT(*) AS v, NULL AS num, NULL AS flag, NULL AS txt',
  first: 'NULL AS v, MIN(ts) AS t, num, flag, txt',
  last: 'NULL AS v, MAX(ts) AS t, num, flag, txt',
}

const SERIES = 'asset_id = @asset AND metric_id = @metric'
const RANGE = `${SERIES} AND ts >= @from AND ts < @to`

function tagsKey(tags: PointTags): string {
  return `${tags.region}\u0000${tags.hospital}\u0000${tags.unit}\u0000${tags.section}\u0000${tags.kind}`
}

/** Prepared statements plus the id caches of the two dictionaries. */
export class SqliteStatements {
  readonly #db: Database.Database
  /** Asset name → row id and the tags it was last stored with (an upsert only when they change). */
  #assets = new Map<string, { id: number; key: string }>()
  #metrics = new Map<string, number>()
  readonly #buckets = new Map<HistoryAggregate, Database.Statement>()
  readonly #upsertAsset: Database.Statement
  readonly #upsertMetric: Database.Statement
  readonly #insertSample: Database.Statement
  readonly #assetId: Database.Statement
  readonly #metricId: Database.Statement
  readonly #raw: Database.Statement
  readonly #newest: Database.Statement
  readonly #count: Database.Statement
  readonly #latest: Database.Statement
  readonly #series: Database.Statement
  readonly #delete: Database.Statement
  readonly #insertMany: (points: readonly CheckedPoint[]) => void

  constructor(db: Database.Database) {
    this.#db = db
    this.#upsertAsset = db
      .prepare(
      `INSERT INTO asset (name, region, hospital, unit, section, kind) VALUES (@asset, @region, @hospital, @unit, @section, @kind)
       ON CONFLICT (name) DO UPDATE SET region = excluded.region, hospital = excluded.hospital, unit = excluded.unit,
         section = excluded.section, kind = excluded.kind
       RETURNING id`,
      )
      .pluck()
    this.#upsertMetric = db.prepare('INSERT INTO metric (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id').pluck()
    // [issue 5] Replays and duplicates are idempotent: the same (asset, metric, ts) is stored once, the last write wins.
    this.#insertSample = db.prepare('INSERT OR REPLACE INTO sample (asset_id, metric_id, ts, num, flag, txt) VALUES (?, ?, ?, ?, ?, ?)')
    this.#assetId = db.prepare('SELECT id FROM asset WHERE name = ?').pluck()
    this.#metricId = db.prepare('SELECT id FROM metric WHERE name = ?').pluck()
    this.#raw = db.prepare(`SELECT ts, num, flag, txt FROM sample WHERE ${RANGE} ORDER BY ts`)
    this.#newest = db.prepare(`SELECT ts, num, flag, txt FROM sample WHERE ${SERIES} ORDER BY ts DESC LIMIT 1`)
    this.#count = db.prepare(`SELECT COUNT(*) FROM sample WHERE ${RANGE}`).pluck()
    // One primary-key seek per metric of the asset: the newest row of each series.
    this.#latest = db.prepare(
      `SELECT m.name AS name, s.ts AS ts, s.num AS num, s.flag AS flag, s.txt AS txt
       FROM asset a JOIN metric m JOIN sample s
         ON s.asset_id = a.id AND s.metric_id = m.id
        AND s.ts = (SELECT MAX(ts) FROM sample WHERE asset_id = a.id AND metric_id = m.id)
       WHERE a.name = ?`,
    )
    this.#series = db.prepare('SELECT a.id AS asset, m.id AS metric FROM asset a, metric m')
    this.#delete = db.prepare(`DELETE FROM sample WHERE ${SERIES} AND ts < @before`)
    this.#insertMany = db.transaction((points: readonly CheckedPoint[]) => {
      for (const point of points) {
        const asset = this.#assetRow(point.tags)
        for (const [name, value] of point.fields) {
          this.#insertSample.run(
            asset,
            this.#metricRow(name),
            point.timestamp,
            typeof value === 'number' ? value : null,
            typeof value === 'boolean' ? Number(value) : null,
            typeof value === 'string' ? value : null,
          )
        }
      }
    })
  }

  /** Stores points in one transaction; on failure nothing is stored and the id caches are reset. */
  insert(points: readonly CheckedPoint[]): void {
    try {
      this.#insertMany(points)
    } catch (err) {
      // Ids handed out inside the rolled-back transaction no longer exist.
      this.#assets = new Map()
      this.#metrics = new Map()
      throw err
    }
  }

  /** Row ids of an asset and a metric, or undefined when either was never stored. */
  ids(asset: string, metric: string): { asset: number; metric: number } | undefined {
    const a = this.#assets.get(asset)?.id ?? (this.#assetId.get(asset) as number | undefined)
    const m = this.#metrics.get(metric) ?? (this.#metricId.get(metric) as number | undefined)
    return a === undefined || m === undefined ? undefined : { asset: a, metric: m }
  }

  raw(asset: number, metric: number, from: number, to: number): SampleRow[] {
    return this.#raw.all({ asset, metric, from, to }) as SampleRow[]
  }

  newest(asset: number, metric: number): SampleRow | undefined {
    return this.#newest.get({ asset, metric }) as SampleRow | undefined
  }

  buckets(agg: HistoryAggregate, asset: number, metric: number, from: number, to: number, every: number): BucketRow[] {
    let statement = this.#buckets.get(agg)
    if (statement === undefined) {
      statement = this.#db.prepare(`SELECT ts - ts % @every AS b, ${AGGREGATE_SQL[agg]} FROM sample WHERE ${RANGE} GROUP BY b ORDER BY b`)
      this.#buckets.set(agg, statement)
    }
    return statement.all({ asset, metric, from, to, every }) as BucketRow[]
  }

  count(asset: number, metric: number, from: number, to: number): number {
    return this.#count.get({ asset, metric, from, to }) as number
  }

  latest(asset: string): (SampleRow & { name: string })[] {
    return this.#latest.all(asset) as (SampleRow & { name: string })[]
  }

  /** Deletes every point older than `before`, one series at a time (each a primary-key range). */
  deleteBefore(before: number): number {
    let deleted = 0
    for (const series of this.#series.all() as { asset: number; metric: number }[]) {
      deleted += this.#delete.run({ ...series, before }).changes
    }
    return deleted
  }

  #assetRow(tags: PointTags): number {
    const key = tagsKey(tags)
    const cached = this.#assets.get(tags.asset)
    if (cached?.key === key) return cached.id
    const id = this.#upsertAsset.get(tags) as number
    this.#assets.set(tags.asset, { id, key })
    return id
  }

  #metricRow(name: string): number {
    let id = this.#metrics.get(name)
    if (id === undefined) {
      id = this.#upsertMetric.get(name) as number
      this.#metrics.set(name, id)
    }
    return id
  }
}
