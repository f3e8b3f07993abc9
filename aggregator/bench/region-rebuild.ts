/**
 * Region view rebuild from an empty store (issue 7 "Speed": 20 hospitals × 30 days of snapshots,
 * target ≤ 10 s), run by `make bench`:
 *   node --import tsx --conditions=rhn-source aggregator/bench/region-rebuild.ts
 * A real `RegionAggregator` (embedded SQLite store, no checkpoint) starts against a loopback server
 * answering `/api/state` and `/api/confirmed` as a ledger node does (see region-pages.ts: the state is
 * the ledger's own `ConfirmedState` folded over the same transactions), read through the real
 * `LedgerClient`. It seeds its view from the state, reads each hospital's newest 288 snapshots (the
 * trend line), pages on from the state's cursor, and writes the history up to that cursor behind it.
 *
 * Per cadence it prints: the time until the view is ready (`/healthz` `view.ready`: every figure,
 * level, flow and trend a full replay would show; the figure judged against 10 s), the CPU and the
 * part spent reading (HTTP + JSON) until then; and the time until the history is backfilled (every
 * snapshot's points in the store, as the live twin writes them), with its CPU, the time requests
 * were in flight (the backfill asks for the next page while it folds and writes the current one, so
 * this overlaps the work rather than adding to it) and the values written of those made.
 *
 * Two cadences: hourly (14,400 snapshots), and the config default `snapshotPeriodS: 60` (864,000; a
 * floor, since significant changes publish more). The target is judged on the default, over the full
 * 30 days: the state is folded over all 864,000 transactions (setup, not timed) and the view is
 * measured against it. The backfill of the 60 s cadence reads 3 GB of JSON (~2 min), so by default it
 * is measured over RHN_BENCH_REGION_DEFAULT_DAYS (3) and extrapolated linearly to 30 days, marked so;
 * RHN_BENCH_REGION_DEFAULT_DAYS=30 measures it all (and needs ~3 GB of temporary disk).
 *
 * Before the seeded start (commit 241f12a), the region replayed every snapshot: hourly 6.0 s, 60 s
 * ≈ 400 s (80 % of it SQLite history writes).
 *
 * Env: RHN_BENCH_REGION_HOSPITALS (default 20), RHN_BENCH_REGION_DAYS (default 30),
 * RHN_BENCH_REGION_DEFAULT_DAYS (days of backfill measured at the 60 s period, default 3),
 * RHN_BENCH_REGION_PERIODS (snapshot periods, s, default "3600,60"), RHN_BENCH_REGION_PAGE (page
 * limit the region asks for, default the feed's DEFAULT_PAGE_LIMIT).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { LedgerClient } from '@rhn/ledger'
import { parseAggregatorConfig } from '@rhn/protocols'
import { DEFAULT_PAGE_LIMIT, MAX_TREND_POINTS, RegionAggregator, type ConfirmedSource, type RegionHealth } from '../src/region/index.js'
import { hospitalIds, regionHistory, servePages, stateOf, writePages, type RegionHistory } from './region-pages.js'

const HOSPITALS = Number(process.env.RHN_BENCH_REGION_HOSPITALS ?? 20)
const DAYS = Number(process.env.RHN_BENCH_REGION_DAYS ?? 30)
const DEFAULT_DAYS = Math.min(DAYS, Number(process.env.RHN_BENCH_REGION_DEFAULT_DAYS ?? 3))
const PERIODS = (process.env.RHN_BENCH_REGION_PERIODS ?? '3600,60').split(',').map(Number)
const PAGE = Number(process.env.RHN_BENCH_REGION_PAGE ?? DEFAULT_PAGE_LIMIT)
const TARGET_MS = 10_000
/** The config default snapshot period, s (`ledger.snapshotPeriodS`): the cadence the target is judged on. */
const DEFAULT_PERIOD_S = 60
const REGISTRY = new URL('../../protocols/examples/region-north.yaml', import.meta.url).pathname

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** One timed phase of a start. */
interface Phase {
  ms: number
  cpuMs: number
  readMs: number
  requests: number
}

interface Result {
  periodS: number
  days: number
  snapshots: number
  stateMs: number
  ready: Phase
  tailTxs: number
  /** Absent when the backfill was not measured in this run. */
  backfill?: Phase & { written: number; stored: number }
}

/** A `LedgerClient` that adds up the time its answers took (request, transfer and JSON parse). */
function timedSource(url: string): ConfirmedSource & { ms: number; requests: number } {
  const client = new LedgerClient({ url, timeoutMs: 60_000 })
  const source = {
    url: client.url,
    ms: 0,
    requests: 0,
    async confirmed(after: number, limit?: number, signal?: AbortSignal) {
      return source.time(() => client.confirmed(after, limit, signal))
    },
    async state(recent: number, signal?: AbortSignal) {
      return source.time(() => client.state(recent, signal))
    },
    async time<T>(work: () => Promise<T>): Promise<T> {
      const t0 = performance.now()
      try {
        return await work()
      } finally {
        source.ms += performance.now() - t0
        source.requests += 1
      }
    },
  }
  return source
}

/** Starts a region on `history` and times it to ready, and (with `backfill`) to the history written. */
async function rebuild(history: RegionHistory, backfill: boolean): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-bench-region-'))
  try {
    const t0 = performance.now()
    const state = stateOf(history)
    const stateMs = performance.now() - t0
    const view = state.view(MAX_TREND_POINTS)
    const tailFrom = Math.min(...view.capacity.map((m) => m.recentFrom)) - 1
    // Pages a node would answer, pre-rendered (setup): the tail from tailFrom, and every page for a backfill.
    await writePages(history, join(dir, 'pages'), PAGE, tailFrom)
    if (backfill) await writePages(history, join(dir, 'pages'), PAGE, 0)
    const server = await servePages(history, join(dir, 'pages'), PAGE, state)
    // retentionDays 90 as the region example config: 30 days of points are kept, none pruned mid-run.
    await writeFile(join(dir, 'region.yaml'), [
      'mode: region',
      'regionId: north',
      `registry: ${REGISTRY}`,
      'store: { type: sqlite, path: ./region.sqlite, retentionDays: 90 }',
      "api: { host: 127.0.0.1, port: 0, tokens: [{ name: bench, token: bench-token-0123456789, role: viewer }] }",
      `ledger: { nodeUrl: '${server.url}' }`,
      '',
    ].join('\n'))
    const config = parseAggregatorConfig(await readFile(join(dir, 'region.yaml'), 'utf8'), join(dir, 'region.yaml'))
    const source = timedSource(server.url)
    const region = new RegionAggregator({ config, baseDir: dir, ledger: source, pageLimit: PAGE })
    try {
      const cpu0 = process.cpuUsage()
      const start = performance.now()
      await region.start()
      const deadline = Date.now() + 30 * 60_000
      const health = (): RegionHealth => region.health() as RegionHealth
      while (health().view?.ready !== true) {
        if (Date.now() > deadline) throw new Error('the view is not ready after 30 min')
        await sleep(5)
      }
      const readyMs = performance.now() - start
      const cpuReady = process.cpuUsage(cpu0)
      const ready: Phase = { ms: readyMs, cpuMs: (cpuReady.user + cpuReady.system) / 1000, readMs: source.ms, requests: source.requests }
      const twin = region.twin!
      const folded = history.hospitals.reduce((n, h) => n + (twin.hospital(h)?.snapshots ?? 0), 0)
      if (folded !== history.total) throw new Error(`the view counts ${folded} snapshots of ${history.total}`)
      const tailTxs = source.requests > 1 ? history.total - tailFrom : 0
      const result: Result = { periodS: history.periodS, days: history.days, snapshots: history.total, stateMs, ready, tailTxs }
      if (backfill) {
        while (health().history.done !== true) {
          if (Date.now() > deadline) throw new Error(`history not backfilled after 30 min: ${JSON.stringify(health().history)}`)
          await sleep(20)
        }
        await region.store!.flush()
        const ms = performance.now() - start
        const cpu = process.cpuUsage(cpu0)
        const b = region.backfill!.status()
        result.backfill = { ms, cpuMs: (cpu.user + cpu.system) / 1000, readMs: source.ms, requests: source.requests, written: b.written, stored: region.store!.stats().writtenPoints }
      }
      return result
    } finally {
      await region.stop()
      await server.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

console.log(`region rebuild from an empty store: ${HOSPITALS} hospitals × ${DAYS} days (backfill measured over ${DEFAULT_DAYS} at the ${DEFAULT_PERIOD_S} s period), 10 units each, pages of ${fmt(PAGE)}; ${cpus().length} cores, Node ${process.version}`)
const results: Result[] = []
for (const periodS of PERIODS) {
  const full = regionHistory(hospitalIds(HOSPITALS), DAYS, periodS)
  const backfillDays = periodS === DEFAULT_PERIOD_S ? DEFAULT_DAYS : DAYS
  console.log(`  period ${periodS} s: ${fmt(full.total)} snapshots …`)
  const r = await rebuild(full, backfillDays === DAYS)
  if (backfillDays < DAYS) {
    const part = regionHistory(hospitalIds(HOSPITALS), backfillDays, periodS)
    console.log(`  period ${periodS} s: backfill over ${backfillDays} days, ${fmt(part.total)} snapshots …`)
    r.backfill = (await rebuild(part, true)).backfill
    r.days = backfillDays
  }
  results.push(r)
}

const share = (p: Phase): string => `${s(p.readMs)} (${Math.round((100 * p.readMs) / p.ms)} %)`
const rows = results.map((r) => {
  const b = r.backfill!
  const scale = DAYS / r.days
  return [
    `${r.periodS} s${r.periodS === DEFAULT_PERIOD_S ? ' (default)' : ''}`,
    fmt(r.snapshots),
    s(r.ready.ms),
    s(r.ready.cpuMs),
    share(r.ready),
    `${s(b.ms * scale)}${r.days < DAYS ? ` (${s(b.ms)} for ${r.days} d, ×${scale})` : ''}`,
    s(b.cpuMs * scale),
    share(b),
    fmt(b.written),
    `${(r.ready.ms / TARGET_MS).toFixed(2)}×`,
  ]
})
const head = ['period', `snapshots, ${DAYS} d`, 'view ready', 'CPU', 'reading', `history backfilled, ${DAYS} d`, 'CPU', 'requests in flight', 'points written', 'ready vs 10 s']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
console.log()
console.log(line(head))
for (const row of rows) console.log(line(row))
console.log()
for (const r of results) console.log(`  ${r.periodS} s: ledger state folded over ${fmt(r.snapshots)} snapshots in ${s(r.stateMs)} (the node's work, setup, not timed); ready read the state and ${fmt(r.tailTxs)} tail transactions in ${fmt(r.ready.requests)} requests`)
const judged = results.find((r) => r.periodS === DEFAULT_PERIOD_S) ?? results.at(-1)!
console.log(`target (judged at the default ${judged.periodS} s period, ${HOSPITALS} hospitals × ${DAYS} days, view ready): rebuild ≤ ${s(TARGET_MS)}: ${s(judged.ready.ms)} — ${judged.ready.ms <= TARGET_MS ? 'met' : 'NOT met'} (${(judged.ready.ms / TARGET_MS).toFixed(2)}× the target); history backfilled behind it in ${s((judged.backfill!.ms * DAYS) / judged.days)}${judged.days < DAYS ? ` (extrapolated from ${judged.days} days)` : ''}`)
