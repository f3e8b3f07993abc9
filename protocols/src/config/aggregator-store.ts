/**
 * The aggregator's telemetry store: a discriminated union on `type` (house rule 3: each backend is a
 * plugin behind one `TelemetryStore` interface; the core never branches on which one it holds).
 */
import { z } from 'zod'
import { backoffSchema, filePath, ms, positiveInt, secret } from './common.js'

/** Embedded SQLite (better-sqlite3, WAL): the default, so a demo needs no server. */
export const sqliteStoreSchema = z
  .object({
    type: z.literal('sqlite'),
    path: filePath.default('./data/telemetry.sqlite').describe('database file; WAL files sit beside it'),
    retentionDays: positiveInt.default(30).describe('raw points kept, days (default 30: a month of history next to live state)'),
    batchSize: positiveInt
      .default(1_000)
      .describe('rows per transaction (default 1000: one fsync per batch instead of per row, still under 50 ms of work)'),
    flushIntervalMs: ms.default(1_000).describe('flush a partial batch after this, ms (default 1 s: history lags live state by at most ~1 s)'),
  })
  .strict()

/** Optional InfluxDB v2 write path (token, org, bucket) through `@influxdata/influxdb-client`. */
const influxV2Schema = z
  .object({
    token: secret.optional().describe('API token; prefer tokenFile'),
    tokenFile: filePath.optional(),
    org: z.string().min(1),
    bucket: z.string().min(1),
  })
  .strict()

/** InfluxDB over the v1 HTTP API (InfluxDB 1.x, and the v1-compatible endpoints of 2.x/3.x). */
export const influxdbStoreSchema = z
  .object({
    type: z.literal('influxdb'),
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL').describe('InfluxDB base URL, e.g. http://127.0.0.1:8086'),
    database: z.string().min(1).default('rhn').describe('database (created at start when missing)'),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    passwordFile: filePath.optional(),
    retention: z
      .object({
        rawDays: positiveInt.default(7).describe('raw points, days (default 7: the detail clinical engineering looks back on)'),
        oneMinuteDays: positiveInt.default(90).describe('1-minute downsamples, days (default 90: a season of trends)'),
        oneHourDays: positiveInt.default(730).describe('1-hour downsamples, days (default 730: two winters to compare)'),
      })
      .strict()
      .prefault({})
      .describe('retention policies and the continuous queries that fill the downsampled ones'),
    batchSize: positiveInt
      .default(5_000)
      .describe('lines per write (default 5000: ~122,000 points/s measured here, while one write per point costs ~14x more CPU; STACK.md)'),
    flushIntervalMs: ms.default(1_000).describe('write a partial batch after this, ms (default 1 s)'),
    timeoutMs: ms.default(10_000).describe('HTTP write timeout, ms (default 10 s)'),
    retry: backoffSchema({ minMs: 500, maxMs: 30_000 }).prefault({}).describe('write retry backoff while InfluxDB is down'),
    spill: z
      .object({
        dir: filePath.default('./data/influx-spill').describe('bounded disk spill while InfluxDB is down, replayed after'),
        maxBytes: positiveInt
          .default(1024 * 1024 * 1024)
          .describe('spill limit, bytes (default 1 GiB: hours of a 1,000-bed hospital at line-protocol sizes)'),
      })
      .strict()
      .prefault({}),
    v2: influxV2Schema.optional().describe('write through the v2 API instead (token, org, bucket)'),
  })
  .strict()

/** Any store, discriminated by `type`. */
export const storeSchema = z.discriminatedUnion('type', [sqliteStoreSchema, influxdbStoreSchema])

/** A validated store block. */
export type StoreConfig = z.output<typeof storeSchema>
/** A validated SQLite store block. */
export type SqliteStoreConfig = z.output<typeof sqliteStoreSchema>
/** A validated InfluxDB store block. */
export type InfluxdbStoreConfig = z.output<typeof influxdbStoreSchema>
