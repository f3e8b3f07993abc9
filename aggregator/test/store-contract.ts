/**
 * The one contract every telemetry store backend passes (issue 5 "Storage"; the aedes habit of one
 * abstract suite per storage interface). A backend's test file calls
 * `describeTelemetryStoreContract(name, factory)` with a factory that prepares its storage.
 *
 * Points are stamped within the last few hours so they sit inside every backend's raw retention.
 * Each test uses its own asset ids, so the tests share one storage without seeing each other; a
 * metric keeps one type across the whole suite (InfluxDB fixes a field's type per measurement).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TAG_KEYS, type HistoryAggregate, type PointTags, type StoredValue, type TelemetryPoint, type TelemetryStore } from '../src/store/index.js'

/** Storage prepared for the suite by one backend. */
export interface ContractSubject {
  /** A new, initialised store on the same storage: a second `open()` sees what the first wrote. */
  open(): Promise<TelemetryStore>
  /** Every tag key the backend has stored, to prove nothing outside `PointTags` ever became a tag. */
  storedTagKeys(): Promise<string[]>
  /** Removes what the factory made (servers, folders). */
  dispose(): Promise<void>
}

const HOUR = 3_600_000
const MINUTE = 60_000

/** A minute boundary two hours ago: inside raw retention, and bucket maths stays readable. */
function baseTime(): number {
  const t = Date.now() - 2 * HOUR
  return t - (t % HOUR)
}

let unique = 0

/** Tags of a fresh asset no other test uses. */
function tagsFor(kind: PointTags['kind'] = 'ventilator', label = 'a'): PointTags {
  unique++
  return { region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset: `c${process.pid}-${unique}-${label}`, kind }
}

function point(tags: PointTags, timestamp: number, fields: Record<string, StoredValue>): TelemetryPoint {
  return { tags, fields, timestamp }
}

/** Runs the shared contract against the stores `factory` makes. */
export function describeTelemetryStoreContract(name: string, factory: () => Promise<ContractSubject>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let subject: ContractSubject
    let store: TelemetryStore
    const T0 = baseTime()

    beforeAll(async () => {
      subject = await factory()
    })
    afterAll(async () => {
      await subject?.dispose()
    })
    beforeEach(async () => {
      store = await subject.open()
    })
    afterEach(async () => {
      await store.close()
    })

    it('returns the raw points of a series in time order after flush', async () => {
      const tags = tagsFor()
      // Written newest first: the answer is still in time order.
      store.write([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((i) => point(tags, T0 + i * 1_000, { 'Ventilation/PEEP': 5 + i / 10 })))
      await store.flush()
      const history = await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + 10_000 })
      expect(history).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ t: T0 + i * 1_000, value: 5 + i / 10 })))
      // from is inclusive, to exclusive.
      const window = await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0 + 2_000, to: T0 + 4_000 })
      expect(window.map((p) => p.t)).toEqual([T0 + 2_000, T0 + 3_000])
    })

    describe('bucketed history', () => {
      // 12 points, one every 10 s, values 0..11: bucket 0 holds 0..5, bucket 1 holds 6..11, bucket 2 is empty.
      const expected: Record<HistoryAggregate, (number | null)[]> = {
        mean: [2.5, 8.5, null],
        min: [0, 6, null],
        max: [5, 11, null],
        sum: [15, 51, null],
        count: [6, 6, 0],
        first: [0, 6, null],
        last: [5, 11, null],
      }
      for (const [agg, values] of Object.entries(expected) as [HistoryAggregate, (number | null)[]][]) {
        it(`aggregates per epoch-aligned bucket with ${agg}, empty buckets included`, async () => {
          const tags = tagsFor()
          store.write(Array.from({ length: 12 }, (_, i) => point(tags, T0 + i * 10_000, { 'Ventilation/PEEP': i })))
          await store.flush()
          const history = await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + 3 * MINUTE, everyMs: MINUTE, agg })
          expect(history).toEqual(values.map((value, i) => ({ t: T0 + i * MINUTE, value })))
        })
      }

      it('aligns buckets to the epoch and counts only points inside the range; mean is the default for numbers', async () => {
        const tags = tagsFor()
        store.write(Array.from({ length: 12 }, (_, i) => point(tags, T0 + i * 10_000, { 'Ventilation/PEEP': i })))
        await store.flush()
        const history = await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0 + 30_000, to: T0 + 90_000, everyMs: MINUTE })
        expect(history).toEqual([
          { t: T0, value: 4 },
          { t: T0 + MINUTE, value: 7 },
        ])
      })

      it('answers every bucket of an unknown asset or metric as empty', async () => {
        const tags = tagsFor()
        const q = { asset: tags.asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + 2 * MINUTE, everyMs: MINUTE }
        expect(await store.history(q)).toEqual([
          { t: T0, value: null },
          { t: T0 + MINUTE, value: null },
        ])
        expect(await store.history({ ...q, agg: 'count' })).toEqual([
          { t: T0, value: 0 },
          { t: T0 + MINUTE, value: 0 },
        ])
        expect(await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + MINUTE })).toEqual([])
      })
    })

    it('round-trips numbers, booleans and strings with their types', async () => {
      const tags = tagsFor()
      const odd = 'VC-AC "assist", 5\\ mode=x'
      store.write([
        point(tags, T0, { 'Ventilation/PEEP': 7, 'Alarm/Active': true, 'Ventilation/Mode': odd }),
        point(tags, T0 + 1_000, { 'Ventilation/PEEP': -0.125, 'Alarm/Active': false, 'Ventilation/Mode': 'PC' }),
      ])
      await store.flush()
      const q = { asset: tags.asset, from: T0, to: T0 + 2_000 }
      expect(await store.history({ ...q, metric: 'Ventilation/PEEP' })).toEqual([
        { t: T0, value: 7 },
        { t: T0 + 1_000, value: -0.125 },
      ])
      expect(await store.history({ ...q, metric: 'Alarm/Active' })).toEqual([
        { t: T0, value: true },
        { t: T0 + 1_000, value: false },
      ])
      expect(await store.history({ ...q, metric: 'Ventilation/Mode' })).toEqual([
        { t: T0, value: odd },
        { t: T0 + 1_000, value: 'PC' },
      ])
      // Non-numeric metrics bucket with last by default, and take first, last and count.
      expect(await store.history({ ...q, metric: 'Alarm/Active', everyMs: MINUTE })).toEqual([{ t: T0, value: false }])
      expect(await store.history({ ...q, metric: 'Ventilation/Mode', everyMs: MINUTE, agg: 'first' })).toEqual([{ t: T0, value: odd }])
      expect(await store.history({ ...q, metric: 'Ventilation/Mode', everyMs: MINUTE, agg: 'count' })).toEqual([{ t: T0, value: 2 }])
      // ...but not an arithmetic aggregate: a 400 naming agg.
      await expect(store.history({ ...q, metric: 'Ventilation/Mode', everyMs: MINUTE, agg: 'mean' })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER', message: expect.stringContaining('agg') })
      await expect(store.history({ ...q, metric: 'Alarm/Active', everyMs: MINUTE, agg: 'sum' })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER' })
    })

    it('stores a replayed or duplicated (asset, metric, timestamp) once, the last write winning', async () => {
      const tags = tagsFor()
      const batch = Array.from({ length: 5 }, (_, i) => point(tags, T0 + i * 1_000, { 'Ventilation/PEEP': i }))
      store.write(batch)
      store.write(batch)
      await store.flush()
      // A replay after a reconnect, in a later batch, with one value corrected.
      store.write([...batch.slice(0, 4), point(tags, T0 + 4_000, { 'Ventilation/PEEP': 40 })])
      await store.flush()
      expect(await store.count(tags.asset, 'Ventilation/PEEP', T0, T0 + 5_000)).toBe(5)
      const history = await store.history({ asset: tags.asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + 5_000 })
      expect(history.map((p) => p.value)).toEqual([0, 1, 2, 3, 40])
    })

    it('gives the newest value and timestamp of every metric of an asset', async () => {
      const tags = tagsFor()
      store.write([
        point(tags, T0, { 'Ventilation/PEEP': 5, 'Ventilation/Mode': 'PC', 'Alarm/Active': false }),
        point(tags, T0 + 2_000, { 'Ventilation/PEEP': 6 }),
        point(tags, T0 + 1_000, { 'Alarm/Active': true }),
      ])
      await store.flush()
      expect(await store.latest(tags.asset)).toEqual({
        'Ventilation/PEEP': { value: 6, timestamp: T0 + 2_000 },
        'Ventilation/Mode': { value: 'PC', timestamp: T0 },
        'Alarm/Active': { value: true, timestamp: T0 + 1_000 },
      })
      expect(await store.latest(tagsFor().asset)).toEqual({})
    })

    it('counts the points of one series in [from, to)', async () => {
      const tags = tagsFor()
      store.write(Array.from({ length: 10 }, (_, i) => point(tags, T0 + i * 1_000, { 'Ventilation/PEEP': i, 'Alarm/Active': i % 2 === 0 })))
      await store.flush()
      expect(await store.count(tags.asset, 'Ventilation/PEEP', T0, T0 + 10_000)).toBe(10)
      expect(await store.count(tags.asset, 'Ventilation/PEEP', T0 + 1_000, T0 + 3_000)).toBe(2)
      expect(await store.count(tags.asset, 'Alarm/Active', T0, T0 + 5_000)).toBe(5)
      expect(await store.count(tags.asset, 'Ventilation/Mode', T0, T0 + 10_000)).toBe(0)
      expect(await store.count('no-such-asset', 'Ventilation/PEEP', T0, T0 + 10_000)).toBe(0)
    })

    it('never stores a tag outside PointTags, and refuses unbounded tag values', async () => {
      const tags = tagsFor('ppe-cabinet')
      const smuggled = { ...tags, epc: '3034257BF7194E4000001A85', patient: 'p-000123' } as PointTags
      const serial = { ...tagsFor('ppe-cabinet'), asset: 'EPC 3034257BF7194E4000001A85 item #17 of cabinet 4, bay A' }
      const before = store.stats()
      store.write([point(smuggled, T0, { 'PPE/Stock': 10 }), point(serial, T0, { 'PPE/Stock': 11 })])
      await store.flush()
      expect(await store.count(tags.asset, 'PPE/Stock', T0, T0 + 1)).toBe(1)
      expect(await store.count(serial.asset, 'PPE/Stock', T0, T0 + 1)).toBe(0)
      expect((store.stats() as { rejectedPoints?: number }).rejectedPoints).toBe(((before as { rejectedPoints?: number }).rejectedPoints ?? 0) + 1)
      const keys = await subject.storedTagKeys()
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) expect(TAG_KEYS).toContain(key)
    })

    it('drops values it cannot store (non-finite, another type than the metric has) and keeps the rest', async () => {
      const tags = tagsFor('bed')
      store.write([
        point(tags, T0, { 'Bed/Occupied': true, 'Bed/Weight': Number.NaN }),
        point(tags, T0 + 1_000, { 'Bed/Occupied': 'yes', 'Bed/Weight': 71.5 }),
        point(tags, T0 + 2_000, { 'Bed/Weight': Number.POSITIVE_INFINITY }),
      ])
      await store.flush()
      expect(await store.count(tags.asset, 'Bed/Occupied', T0, T0 + 3_000)).toBe(1)
      expect(await store.history({ asset: tags.asset, metric: 'Bed/Weight', from: T0, to: T0 + 3_000 })).toEqual([{ t: T0 + 1_000, value: 71.5 }])
    })

    it('keeps many series apart', async () => {
      const assets = Array.from({ length: 40 }, (_, i) => tagsFor(i % 2 === 0 ? 'ventilator' : 'bed', `m${i}`))
      const points: TelemetryPoint[] = []
      for (let k = 0; k < 25; k++) {
        for (const [i, tags] of assets.entries()) {
          const fields: Record<string, StoredValue> = tags.kind === 'ventilator' ? { 'Ventilation/PEEP': i + k, 'Ventilation/FiO2': 0.21 } : { 'Bed/Occupied': k % 2 === 0, 'Bed/Weight': i }
          points.push(point(tags, T0 + k * 1_000, fields))
        }
      }
      store.write(points)
      await store.flush()
      for (const [i, tags] of assets.entries()) {
        const metric = tags.kind === 'ventilator' ? 'Ventilation/PEEP' : 'Bed/Weight'
        expect(await store.count(tags.asset, metric, T0, T0 + 25_000)).toBe(25)
        const latest = await store.latest(tags.asset)
        expect(latest[metric]).toEqual({ value: tags.kind === 'ventilator' ? i + 24 : i, timestamp: T0 + 24_000 })
        expect(Object.keys(latest)).toHaveLength(2)
      }
    })

    it('keeps everything written before close when reopened', async () => {
      const tags = tagsFor()
      store.write(Array.from({ length: 30 }, (_, i) => point(tags, T0 + i * 100, { 'Ventilation/PEEP': i, 'Ventilation/Mode': `m${i}` })))
      // No flush: close() itself must not lose buffered points.
      await store.close()
      store = await subject.open()
      await store.flush()
      expect(await store.count(tags.asset, 'Ventilation/PEEP', T0, T0 + 3_000)).toBe(30)
      expect(await store.latest(tags.asset)).toEqual({
        'Ventilation/PEEP': { value: 29, timestamp: T0 + 2_900 },
        'Ventilation/Mode': { value: 'm29', timestamp: T0 + 2_900 },
      })
    })

    it('reports its counters', async () => {
      const tags = tagsFor()
      const before = store.stats().writtenPoints
      store.write(Array.from({ length: 7 }, (_, i) => point(tags, T0 + i, { 'Ventilation/PEEP': i })))
      await store.flush()
      const stats = store.stats()
      expect(stats.writtenPoints - before).toBe(7)
      expect(stats.pendingPoints).toBe(0)
      expect(stats.available).toBe(true)
    })

    it('refuses a bad query with RHN_AGG_BAD_PARAMETER naming the parameter', async () => {
      const q = { asset: tagsFor().asset, metric: 'Ventilation/PEEP', from: T0, to: T0 + MINUTE }
      await expect(store.history({ ...q, to: T0 })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER', message: expect.stringContaining('to') })
      await expect(store.history({ ...q, agg: 'max' })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER', message: expect.stringContaining('every') })
      await expect(store.history({ ...q, everyMs: 0 })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER', message: expect.stringContaining('every') })
      await expect(store.history({ ...q, to: T0 + 365 * 24 * HOUR, everyMs: 1 })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER' })
      await expect(store.history({ ...q, everyMs: MINUTE, agg: 'median' as HistoryAggregate })).rejects.toMatchObject({ code: 'RHN_AGG_BAD_PARAMETER', message: expect.stringContaining('agg') })
    })
  })
}
