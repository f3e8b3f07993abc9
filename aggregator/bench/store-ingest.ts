/**
 * Store ingest benchmark (issue 5 "Speed"), run by `make bench`:
 *   npx tsx aggregator/bench/store-ingest.ts
 * Starts a real influxd on loopback and measures, in the same run:
 *   1. raw InfluxDB ingest: pre-encoded 5,000-line batches posted directly to /write, one writer;
 *   2. the same points through the InfluxDB store (check, encode, batch, post);
 *   3. the same points through the SQLite store.
 * Prints points/s of each, the store/raw ratio against the target, and the RSS.
 *
 * Env: RHN_BENCH_POINTS (default 200,000 points of 3 values each), RHN_BENCH_RUNS (default 3; the median is printed).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeSchema, type InfluxdbStoreConfig, type SqliteStoreConfig } from '@rhn/protocols'
import { startInfluxd } from '@rhn/test/harness'
import { InfluxdbStore, SqliteStore, type TelemetryPoint, type TelemetryStore } from '../src/store/index.js'

const POINTS = Number(process.env.RHN_BENCH_POINTS ?? 200_000)
const RUNS = Number(process.env.RHN_BENCH_RUNS ?? 3)
/** Points per `write()` call: what the twin hands over for one Sparkplug DDATA burst of a busy gateway. */
const WRITE_CHUNK = 1_000
/** The producer pauses while this many points wait: the store is measured at its own pace, not its spill's. */
const MAX_PENDING = 50_000
/** The target: ≥ 100,000 points/s into InfluxDB or ≥ 80 % of raw InfluxDB ingest, whichever is lower. */
const TARGET_POINTS_S = 100_000
const TARGET_RATIO = 0.8

function makePoints(n: number, run: number): TelemetryPoint[] {
  const t0 = Date.now() - 3_600_000
  const assets = 1_000
  return Array.from({ length: n }, (_, i) => ({
    tags: {
      region: 'north',
      hospital: 'RXA',
      unit: `rxa-u${i % 20}`,
      section: `rxa-u${i % 20}-s${i % 5}`,
      asset: `rxa-vent-${i % assets}`,
      kind: 'ventilator' as const,
    },
    fields: { 'Ventilation/PEEP': (i % 200) / 10, 'Ventilation/FiO2': 0.21 + (i % 50) / 100, 'Alarm/Active': i % 97 === 0 },
    // Distinct per series and per run: every point is a new one, none overwrites another.
    timestamp: t0 + run * n + Math.floor(i / assets) * 1_000 + (i % assets),
  }))
}

function toLines(points: readonly TelemetryPoint[]): string[] {
  return points.map((p) => {
    const t = p.tags
    const f = p.fields
    return `ventilator,asset=${t.asset},hospital=${t.hospital},kind=${t.kind},region=${t.region},section=${t.section},unit=${t.unit} Ventilation/PEEP=${String(f['Ventilation/PEEP'])},Ventilation/FiO2=${String(f['Ventilation/FiO2'])},Alarm/Active=${String(f['Alarm/Active'])} ${p.timestamp}`
  })
}

async function rawIngest(url: string, points: readonly TelemetryPoint[]): Promise<number> {
  await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE rhn_raw_bench' }) })
  const lines = toLines(points)
  const bodies: string[] = []
  for (let i = 0; i < lines.length; i += 5_000) bodies.push(lines.slice(i, i + 5_000).join('\n'))
  const start = performance.now()
  for (const body of bodies) {
    const res = await fetch(`${url}/write?db=rhn_raw_bench&precision=ms`, { method: 'POST', body })
    if (res.status !== 204) throw new Error(`raw write failed: HTTP ${res.status} ${await res.text()}`)
  }
  return points.length / ((performance.now() - start) / 1_000)
}

async function storeIngest(store: TelemetryStore, points: readonly TelemetryPoint[]): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < points.length; i += WRITE_CHUNK) {
    store.write(points.slice(i, i + WRITE_CHUNK))
    while (store.stats().pendingPoints > MAX_PENDING) await new Promise((resolve) => setTimeout(resolve, 1))
    if (i % (WRITE_CHUNK * 10) === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await store.flush()
  return points.length / ((performance.now() - start) / 1_000)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const mib = (): string => `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`

async function main(): Promise<void> {
  const server = await startInfluxd()
  const dir = await mkdtemp(join(tmpdir(), 'rhn-bench-store-'))
  const raw: number[] = []
  const influx: number[] = []
  const sqlite: number[] = []
  let peakRss = 0
  try {
    const influxStore = new InfluxdbStore(storeSchema.parse({ type: 'influxdb', url: server.url, database: 'rhn_bench', spill: { dir: join(dir, 'spill') } }) as InfluxdbStoreConfig)
    await influxStore.init()
    const sqliteStore = new SqliteStore(storeSchema.parse({ type: 'sqlite', path: join(dir, 'bench.sqlite') }) as SqliteStoreConfig)
    await sqliteStore.init()
    for (let run = 0; run < RUNS; run++) {
      const points = makePoints(POINTS, run)
      raw.push(await rawIngest(server.url, points))
      influx.push(await storeIngest(influxStore, points))
      sqlite.push(await storeIngest(sqliteStore, points))
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
      console.log(`run ${run + 1}/${RUNS}: raw ${fmt(raw[run]!)}  influxdb store ${fmt(influx[run]!)}  sqlite store ${fmt(sqlite[run]!)} points/s  (rss ${mib()})`)
    }
    const stats = influxStore.stats()
    if (stats.spilledPoints > 0 || stats.rejectedPoints > 0) console.log(`note: influxdb store spilled ${stats.spilledPoints}, refused ${stats.rejectedPoints} points`)
    await influxStore.close()
    await sqliteStore.close()
  } finally {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
  const rawRate = median(raw)
  const influxRate = median(influx)
  // Each run measures raw and store back to back, so the ratio of a run shares its machine load.
  const ratio = median(raw.map((r, i) => (influx[i] ?? 0) / r))
  const target = Math.min(TARGET_POINTS_S, TARGET_RATIO * rawRate)
  console.log(`\nstore ingest, ${fmt(POINTS)} points x 3 values, median of ${RUNS} runs (1 point = 1 line = 1 asset at one time):`)
  console.log(`  raw InfluxDB, 5,000-line batches : ${fmt(rawRate)} points/s`)
  console.log(`  InfluxDB store                   : ${fmt(influxRate)} points/s  (median per-run ratio ${(ratio * 100).toFixed(0)} % of raw)`)
  console.log(`  SQLite store                     : ${fmt(median(sqlite))} points/s`)
  console.log(`  target (min of 100,000/s, 80 % of raw) ${fmt(target)} points/s: ${influxRate >= target || ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`)
  console.log(`  peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`)
}

await main()
