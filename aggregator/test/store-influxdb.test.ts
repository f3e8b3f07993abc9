import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadYaml, storeSchema, type InfluxdbStoreConfig } from '@rhn/protocols'
import { startInfluxd, startVictoriaMetrics, type InfluxdServer } from '@rhn/test/harness'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CQ_1H, CQ_1M, InfluxdbStore, RP_1H, RP_1M, RP_RAW, createStore, type PointTags, type TelemetryPoint } from '../src/store/index.js'
import { describeTelemetryStoreContract } from './store-contract.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/**
 * How long InfluxDB stays down in the fault test: ~5 s here, the 30 s under `make soak`
 * (RHN_SOAK=1); RHN_OUTAGE_MS overrides both.
 */
const OUTAGE_MS = Number(process.env.RHN_OUTAGE_MS ?? (process.env.RHN_SOAK === '1' ? 30_000 : 5_000))

function influxConfig(url: string, spillDir: string, overrides: Record<string, unknown> = {}): InfluxdbStoreConfig {
  return storeSchema.parse({
    type: 'influxdb',
    url,
    database: 'rhn_test',
    flushIntervalMs: 50,
    timeoutMs: 5_000,
    // Tests wait for recovery: retry quickly instead of the production 0.5 s doubling to 30 s.
    retry: { minMs: 50, maxMs: 500 },
    spill: { dir: spillDir },
    ...overrides,
  }) as InfluxdbStoreConfig
}

/** Runs InfluxQL straight against the server, bypassing the store. */
async function influxql(server: InfluxdServer, q: string, db = 'rhn_test'): Promise<{ series?: { name: string; columns: string[]; values: unknown[][] }[] }> {
  const res = await fetch(`${server.url}/query?db=${db}&epoch=ms`, { method: 'POST', body: new URLSearchParams({ q }) })
  const body = (await res.json()) as { results: { error?: string; series?: { name: string; columns: string[]; values: unknown[][] }[] }[] }
  const result = body.results[0]!
  if (result.error !== undefined) throw new Error(result.error)
  return result
}

describeTelemetryStoreContract('influxdb (real influxd 1.6)', async () => {
  const server = await startInfluxd()
  const spillRoot = await mkdtemp(join(tmpdir(), 'rhn-store-influx-'))
  let opened = 0
  return {
    open: async () => {
      // A spill folder per store instance: a reopened store must find its data in InfluxDB, not in a shared spill.
      const store = createStore(influxConfig(server.url, join(spillRoot, String(opened++))))
      await store.init()
      return store
    },
    storedTagKeys: async () => {
      const result = await influxql(server, 'SHOW TAG KEYS')
      return [...new Set((result.series ?? []).flatMap((s) => s.values.map((v) => String(v[0]))))]
    },
    dispose: async () => {
      await server.close()
      await rm(spillRoot, { recursive: true, force: true })
    },
  }
})

describe('influxdb store', () => {
  let server: InfluxdServer
  let spillDir: string
  const stores: InfluxdbStore[] = []

  const open = async (overrides: Record<string, unknown> = {}): Promise<InfluxdbStore> => {
    const store = new InfluxdbStore(influxConfig(server.url, spillDir, overrides))
    stores.push(store)
    await store.init()
    return store
  }

  beforeAll(async () => {
    server = await startInfluxd()
  })
  afterAll(async () => {
    await server?.close()
  })
  beforeEach(async () => {
    spillDir = await mkdtemp(join(tmpdir(), 'rhn-spill-'))
    if (!server.running) await server.restart()
  })
  afterEach(async () => {
    if (!server.running) await server.restart()
    for (const store of stores.splice(0)) await store.close()
    await rm(spillDir, { recursive: true, force: true })
  })

  const tags = (asset: string): PointTags => ({ region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset, kind: 'ventilator' })

  it('parses the sample config its README shows', async () => {
    const text = await readFile(new URL('../src/store/influxdb/example.yaml', import.meta.url), 'utf8')
    const config = loadYaml(storeSchema, text, { code: 'RHN_PROTO_CONFIG_INVALID', what: 'store' })
    expect(config).toMatchObject({ type: 'influxdb', database: 'rhn', batchSize: 5000, retention: { rawDays: 7, oneMinuteDays: 90, oneHourDays: 730 } })
  })

  it('creates the database, its retention policies and the downsampling continuous queries, idempotently', async () => {
    await open({ retention: { rawDays: 3, oneMinuteDays: 30, oneHourDays: 365 } })
    // A second store on the same database (an aggregator restart) changes nothing and does not fail.
    await open({ retention: { rawDays: 3, oneMinuteDays: 30, oneHourDays: 365 } })
    const rps = await influxql(server, 'SHOW RETENTION POLICIES ON rhn_test')
    const byName = Object.fromEntries(rps.series![0]!.values.map((v) => [v[0], { duration: v[1], isDefault: v[4] }]))
    expect(byName[RP_RAW]).toEqual({ duration: '72h0m0s', isDefault: true })
    expect(byName[RP_1M]).toEqual({ duration: '720h0m0s', isDefault: false })
    expect(byName[RP_1H]).toEqual({ duration: '8760h0m0s', isDefault: false })
    const cqs = await influxql(server, 'SHOW CONTINUOUS QUERIES')
    const ours = cqs.series!.find((s) => s.name === 'rhn_test')!.values
    expect(ours.map((v) => v[0]).sort()).toEqual([CQ_1H, CQ_1M])
    expect(String(ours.find((v) => v[0] === CQ_1M)![1])).toContain('GROUP BY time(1m), *')
  })

  it('downsamples with the continuous query text, and answers old mean ranges from the downsampled policy', async () => {
    const store = await open()
    const t0 = Date.now() - 2 * 60 * MINUTE
    const base = t0 - (t0 % MINUTE)
    store.write(Array.from({ length: 6 }, (_, i): TelemetryPoint => ({ tags: tags('ds-vent'), fields: { 'Ventilation/PEEP': i, 'Ventilation/Mode': 'PC' }, timestamp: base + i * 20_000 })))
    await store.flush()
    // Run the body of rhn_cq_1m over the written range, as the server does each minute.
    const cq = await influxql(server, 'SHOW CONTINUOUS QUERIES')
    const text = String(cq.series!.find((s) => s.name === 'rhn_test')!.values.find((v) => v[0] === CQ_1M)![1])
    const select = /BEGIN (.*) END$/.exec(text)![1]!.replace(' GROUP BY', ` WHERE time >= ${base}ms AND time < ${base + 2 * MINUTE}ms GROUP BY`)
    await influxql(server, select)
    const means = await influxql(server, `SELECT * FROM "${RP_1M}"."ventilator" WHERE asset = 'ds-vent'`)
    expect(means.series![0]!.columns).toContain('mean_Ventilation/PEEP')
    expect(means.series![0]!.columns).not.toContain('mean_Ventilation/Mode')
    expect(means.series![0]!.columns).toContain('unit')

    // A range that starts before raw retention reads the 1-minute means: plant one 10 days back.
    const old = Date.now() - 10 * DAY
    const oldMinute = old - (old % MINUTE)
    const res = await fetch(`${server.url}/write?db=rhn_test&rp=${RP_1M}&precision=ms`, {
      method: 'POST',
      body: `ventilator,asset=ds-vent,hospital=RXA,kind=ventilator,region=north,section=rxa-icu-bay-a,unit=rxa-icu mean_Ventilation/PEEP=4.5 ${oldMinute}`,
    })
    expect(res.status).toBe(204)
    const history = await store.history({ asset: 'ds-vent', metric: 'Ventilation/PEEP', from: oldMinute, to: oldMinute + 2 * MINUTE, everyMs: MINUTE })
    expect(history).toEqual([
      { t: oldMinute, value: 4.5 },
      { t: oldMinute + MINUTE, value: null },
    ])
  })

  it(`loses no point when InfluxDB is down for ${OUTAGE_MS / 1000} s under load: spilled, replayed in order, counted per series`, { timeout: OUTAGE_MS + 60_000 }, async () => {
    const store = await open({ batchSize: 500 })
    const assets = Array.from({ length: 10 }, (_, i) => tags(`fault-vent-${i}`))
    const written = new Map<string, number>()
    const start = Date.now() - 60 * MINUTE
    let k = 0
    // Steady load: every 10 ms one point per asset (1,000 points/s), each with its own timestamp.
    const load = setInterval(() => {
      const points = assets.map((t, i): TelemetryPoint => ({ tags: t, fields: { 'Ventilation/PEEP': k + i / 100 }, timestamp: start + k }))
      store.write(points)
      for (const t of assets) written.set(t.asset, (written.get(t.asset) ?? 0) + 1)
      k++
    }, 10)
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      await server.stop()
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))
      expect(store.stats().available).toBe(false)
      await expect(store.flush()).rejects.toMatchObject({ code: 'RHN_AGG_STORE_UNAVAILABLE' })
      expect(store.stats().spillFiles).toBeGreaterThan(0)
      await server.restart()
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    } finally {
      clearInterval(load)
    }
    await expect.poll(() => store.flush().then(() => true, () => false), { timeout: 30_000, interval: 200 }).toBe(true)
    for (const t of assets) {
      expect(await store.count(t.asset, 'Ventilation/PEEP', start, start + k)).toBe(written.get(t.asset))
    }
    const stats = store.stats()
    expect(stats.failedWrites).toBeGreaterThan(0)
    expect(stats.spilledPoints).toBeGreaterThan(0)
    expect(stats.replayedPoints).toBe(stats.spilledPoints)
    expect(stats.droppedPoints).toBe(0)
    expect(stats.spillFiles).toBe(0)
    expect(stats.pendingPoints).toBe(0)
    expect(await readdir(spillDir)).toEqual([])
  })

  it('drops the oldest spilled batches beyond spill.maxBytes, and counts them', async () => {
    // 100-line batches of ~150 bytes a line: ~15 KB each, so 40 KB holds two of the ten.
    const store = await open({ batchSize: 100, spill: { dir: spillDir, maxBytes: 40_000 } })
    await server.stop()
    const t0 = Date.now() - 30 * MINUTE
    const asset = tags('overflow-vent')
    for (let b = 0; b < 10; b++) {
      store.write(Array.from({ length: 100 }, (_, i): TelemetryPoint => ({ tags: asset, fields: { 'Ventilation/PEEP': b * 100 + i }, timestamp: t0 + b * 100 + i })))
    }
    await expect.poll(() => store.stats().spilledPoints, { timeout: 10_000 }).toBe(1_000)
    const down = store.stats()
    expect(down.droppedPoints).toBeGreaterThan(0)
    expect(down.droppedPoints % 100).toBe(0)
    expect(down.spillBytes).toBeLessThanOrEqual(40_000)
    expect(down.pendingPoints).toBe(1_000 - down.droppedPoints)

    await server.restart()
    await expect.poll(() => store.flush().then(() => true, () => false), { timeout: 20_000, interval: 200 }).toBe(true)
    const kept = 1_000 - down.droppedPoints
    expect(await store.count(asset.asset, 'Ventilation/PEEP', t0, t0 + 1_000)).toBe(kept)
    // What survived is the newest: the first kept timestamp follows the dropped ones.
    const history = await store.history({ asset: asset.asset, metric: 'Ventilation/PEEP', from: t0, to: t0 + 1_000 })
    expect(history[0]).toEqual({ t: t0 + down.droppedPoints, value: down.droppedPoints })
  })

  it('cuts batches at batchSize lines even when one write() spans several', async () => {
    const store = await open({ batchSize: 100, flushIntervalMs: 100 })
    await server.stop()
    const t0 = Date.now() - 40 * MINUTE
    store.write(Array.from({ length: 250 }, (_, i): TelemetryPoint => ({ tags: tags('split-vent'), fields: { 'Ventilation/PEEP': i }, timestamp: t0 + i })))
    await expect.poll(() => store.stats().spilledPoints, { timeout: 10_000 }).toBe(250)
    // Spill files are named {seq}-{lines}.lp, in write order.
    const lines = (await readdir(spillDir)).sort().map((f) => Number(/-(\d+)\.lp$/.exec(f)?.[1]))
    expect(lines).toEqual([100, 100, 50])
    await server.restart()
    await expect.poll(() => store.flush().then(() => true, () => false), { timeout: 20_000, interval: 200 }).toBe(true)
    expect(await store.count('split-vent', 'Ventilation/PEEP', t0, t0 + 250)).toBe(250)
  })

  it('keeps the spill across a restart of the aggregator and replays it at the next start', async () => {
    const first = await open()
    await server.stop()
    const t0 = Date.now() - 20 * MINUTE
    first.write(Array.from({ length: 50 }, (_, i): TelemetryPoint => ({ tags: tags('restart-vent'), fields: { 'Ventilation/PEEP': i }, timestamp: t0 + i })))
    await first.close()
    expect((await readdir(spillDir)).length).toBeGreaterThan(0)
    await server.restart()
    const second = await open()
    expect(second.stats().pendingPoints).toBe(50)
    await expect.poll(() => second.flush().then(() => true, () => false), { timeout: 20_000, interval: 200 }).toBe(true)
    expect(await second.count('restart-vent', 'Ventilation/PEEP', t0, t0 + 50)).toBe(50)
    expect(second.stats().replayedPoints).toBe(50)
  })

  it('starts while InfluxDB is down, and creates the database before its first write once it is back', async () => {
    await server.stop()
    const store = await open({ database: 'rhn_late' })
    expect(store.stats().available).toBe(true)
    const t0 = Date.now() - 10 * MINUTE
    store.write([{ tags: tags('late-vent'), fields: { 'Ventilation/PEEP': 1 }, timestamp: t0 }])
    await expect.poll(() => store.stats().available, { timeout: 5_000 }).toBe(false)
    await server.restart()
    await expect.poll(() => store.flush().then(() => true, () => false), { timeout: 20_000, interval: 200 }).toBe(true)
    expect(await store.count('late-vent', 'Ventilation/PEEP', t0, t0 + 1)).toBe(1)
    const rps = await influxql(server, 'SHOW RETENTION POLICIES ON rhn_late')
    expect(rps.series![0]!.values.map((v) => v[0])).toContain(RP_RAW)
  })

  it('counts points InfluxDB refuses for good (beyond retention) instead of retrying them forever', async () => {
    const store = await open()
    const now = Date.now()
    store.write([
      { tags: tags('refused-vent'), fields: { 'Ventilation/PEEP': 1 }, timestamp: now - 30 * DAY },
      { tags: tags('refused-vent'), fields: { 'Ventilation/PEEP': 2 }, timestamp: now - MINUTE },
    ])
    await store.flush()
    expect(store.stats().rejectedPoints).toBe(1)
    expect(await store.count('refused-vent', 'Ventilation/PEEP', 0, now)).toBe(1)
  })
})

describe('influxdb store, v2 write API (real VictoriaMetrics)', () => {
  it('writes every point through /api/v2/write with token, org and bucket', { timeout: 60_000 }, async () => {
    const vm = await startVictoriaMetrics()
    const spillDir = await mkdtemp(join(tmpdir(), 'rhn-spill-v2-'))
    const store = new InfluxdbStore(
      storeSchema.parse({
        type: 'influxdb',
        url: vm.url,
        flushIntervalMs: 50,
        spill: { dir: spillDir },
        v2: { token: 'test-token', org: 'rhn', bucket: 'rhn-telemetry' },
      }) as InfluxdbStoreConfig,
    )
    try {
      await store.init()
      const t0 = Date.now() - 10 * MINUTE
      const points: TelemetryPoint[] = []
      for (let a = 0; a < 5; a++) {
        for (let i = 0; i < 20; i++) {
          points.push({
            tags: { region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset: `v2-vent-${a}`, kind: 'ventilator' },
            fields: { 'Ventilation/PEEP': a * 100 + i, 'Alarm/Active': i % 2 === 0 },
            timestamp: t0 + i * 1_000,
          })
        }
      }
      store.write(points)
      await store.flush()
      expect(store.stats().writtenPoints).toBe(100)
      // VictoriaMetrics names a field {measurement}_{field} and keeps the tags as labels.
      const exported = async (): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]> => {
        await vm.flush()
        const match = encodeURIComponent('{__name__="ventilator_Ventilation/PEEP"}')
        const res = await fetch(`${vm.url}/api/v1/export?match[]=${match}`)
        return (await res.text())
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] })
      }
      await expect.poll(async () => (await exported()).reduce((n, s) => n + s.values.length, 0), { timeout: 20_000, interval: 250 }).toBe(100)
      const series = await exported()
      const first = series.find((s) => s.metric.asset === 'v2-vent-1')!
      expect(first.metric).toMatchObject({ hospital: 'RXA', unit: 'rxa-icu', kind: 'ventilator', region: 'north', section: 'rxa-icu-bay-a' })
      expect(first.timestamps[0]).toBe(t0)
      expect(first.values).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i))
    } finally {
      await store.close()
      await vm.stop()
      await rm(spillDir, { recursive: true, force: true })
    }
  })
})
