import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { loadYaml, storeSchema, type SqliteStoreConfig } from '@rhn/protocols'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteStore, createStore, type TelemetryPoint } from '../src/store/index.js'
import { describeTelemetryStoreContract } from './store-contract.js'

const DAY = 24 * 3_600_000

function sqliteConfig(path: string, overrides: Partial<SqliteStoreConfig> = {}): SqliteStoreConfig {
  return storeSchema.parse({ type: 'sqlite', path, flushIntervalMs: 50, ...overrides }) as SqliteStoreConfig
}

describeTelemetryStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-store-sqlite-'))
  const path = join(dir, 'telemetry.sqlite')
  return {
    open: async () => {
      const store = createStore(sqliteConfig(path))
      await store.init()
      return store
    },
    storedTagKeys: () => {
      const db = new Database(path, { readonly: true })
      try {
        const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('asset') as string[]).filter((c) => c !== 'id')
        // The asset's own id is the row's name.
        return Promise.resolve(columns.map((c) => (c === 'name' ? 'asset' : c)))
      } finally {
        db.close()
      }
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
})

describe('sqlite store', () => {
  let dir: string
  const tags = { region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset: 'rxa-icu-vent-01', kind: 'ventilator' } as const
  const points = (n: number, t0: number): TelemetryPoint[] => Array.from({ length: n }, (_, i) => ({ tags, fields: { 'Ventilation/PEEP': i }, timestamp: t0 + i }))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rhn-store-sqlite-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('parses the sample config its README shows', async () => {
    const text = await readFile(new URL('../src/store/sqlite/example.yaml', import.meta.url), 'utf8')
    const config = loadYaml(storeSchema, text, { code: 'RHN_PROTO_CONFIG_INVALID', what: 'store' })
    expect(config).toEqual({ type: 'sqlite', path: './data/telemetry.sqlite', retentionDays: 30, batchSize: 1000, flushIntervalMs: 1000 })
  })

  it('commits a transaction every batchSize rows, and a partial batch after flushIntervalMs', async () => {
    const store = new SqliteStore(sqliteConfig(join(dir, 't.sqlite'), { batchSize: 10, flushIntervalMs: 200 }))
    await store.init()
    const t0 = Date.now() - 60_000
    store.write(points(9, t0))
    expect(await store.count(tags.asset, 'Ventilation/PEEP', t0, t0 + 100)).toBe(0)
    store.write(points(1, t0 + 9))
    expect(await store.count(tags.asset, 'Ventilation/PEEP', t0, t0 + 100)).toBe(10)
    store.write(points(3, t0 + 50))
    expect(store.stats().pendingPoints).toBe(3)
    await expect.poll(() => store.count(tags.asset, 'Ventilation/PEEP', t0, t0 + 100), { timeout: 2_000 }).toBe(13)
    await store.close()
  })

  it('keeps retentionDays of raw points: older ones are refused at write and deleted by the sweep', async () => {
    let now = Date.now()
    const path = join(dir, 'r.sqlite')
    const open = async () => {
      const store = new SqliteStore(sqliteConfig(path, { retentionDays: 2 }), { now: () => now })
      await store.init()
      return store
    }
    let store = await open()
    store.write(points(5, now - 3 * DAY))
    store.write(points(5, now - DAY))
    await store.flush()
    expect(store.stats().rejectedPoints).toBe(5)
    expect(await store.count(tags.asset, 'Ventilation/PEEP', 0, now)).toBe(5)
    await store.close()
    // Two days later the sweep at start removes what aged out.
    now += 2 * DAY
    store = await open()
    expect(await store.count(tags.asset, 'Ventilation/PEEP', 0, now)).toBe(0)
    await store.close()
  })

  it('writes in WAL mode with synchronous NORMAL, one row per (asset, metric, ts)', async () => {
    const path = join(dir, 'w.sqlite')
    const store = new SqliteStore(sqliteConfig(path))
    await store.init()
    store.write(points(3, Date.now() - 1_000))
    await store.flush()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.prepare('SELECT COUNT(*) FROM sample').pluck().get()).toBe(3)
    db.close()
    await store.close()
  })

  it('rejects calls before init and writes after close with RHN_AGG_STORE_UNAVAILABLE', async () => {
    const store = new SqliteStore(sqliteConfig(join(dir, 'c.sqlite')))
    await expect(store.count('a', 'b', 0, 1)).rejects.toMatchObject({ code: 'RHN_AGG_STORE_UNAVAILABLE' })
    await store.init()
    await store.close()
    expect(() => store.write(points(1, Date.now()))).toThrow(expect.objectContaining({ code: 'RHN_AGG_STORE_UNAVAILABLE' }))
  })
})
