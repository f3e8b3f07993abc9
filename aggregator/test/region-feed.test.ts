/**
 * Region mode's feed (issue 7): the region twin is built from confirmed snapshots only, read from the
 * ledger node's /api/confirmed pages; a restart resumes from the saved cursor without counting
 * anything twice; a node outage keeps the last view and says since when, then resumes without gaps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HospitalFigures, RegionAggregator, RegionHealth } from '../src/index.js'
import { FFP3, GOWN, type RegionDir, StandInLedger, get, makeRegionDir, regionAggregator, snapshot, unit, waitFor } from './region-support.js'

/** Two hours ago, on a whole minute: inside the store's retention. */
const T0 = Math.floor((Date.now() - 7_200_000) / 60_000) * 60_000

describe('region feed from confirmed snapshots', () => {
  let ledger: StandInLedger
  let dir: RegionDir
  let region: RegionAggregator | undefined

  beforeEach(async () => {
    ledger = new StandInLedger()
    await ledger.up()
    dir = await makeRegionDir(ledger.url)
  })

  afterEach(async () => {
    await region?.stop()
    region = undefined
    await ledger.down()
    await dir.remove()
  })

  const hospitals = async (base: string): Promise<HospitalFigures[]> => (await get<HospitalFigures[]>(base, '/api/region/hospitals')).body
  const byId = (hs: HospitalFigures[], id: string): HospitalFigures => hs.find((h) => h.id === id)!

  it('builds each hospital’s figures by unit from confirmed snapshots, with taken and confirmed times', async () => {
    ledger.confirm(
      snapshot('RXA', T0, [
        unit('rxa-icu', 'icu', [12, 9], [10, 7], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 400, daysOfSupply: 10 }], admissions: 3, discharges: 1 }),
        unit('rxa-ward-1', 'ward', [28, 20], [0, 0], { admissions: 2 }),
      ]),
      snapshot('RXB', T0 + 1_000, [unit('rxb-icu', 'icu', [8, 2], [8, 1], { ppe: [{ gtin: GOWN, item: 'gown', stock: 90, daysOfSupply: 2.5 }] })]),
    )
    region = await regionAggregator(dir)
    await region.start()
    const base = region.url!
    await waitFor(async () => byId(await hospitals(base), 'RXB').reporting, 'RXB reporting')
    const hs = await hospitals(base)
    const rxa = byId(hs, 'RXA')
    expect(rxa.name).toBe('Northgate General Hospital')
    expect(rxa.beds).toEqual({ total: 40, occupied: 29, available: 11 })
    expect(rxa.ventilators).toEqual({ total: 10, inUse: 7, available: 3 })
    expect(rxa.byUnitType.icu).toEqual({ total: 12, occupied: 9, available: 3, units: 1 })
    expect(rxa.units.map((u) => [u.id, u.name, u.unitType])).toEqual([
      ['rxa-icu', 'Intensive Care Unit', 'icu'],
      ['rxa-ward-1', expect.any(String), 'ward'],
    ])
    expect(rxa.ppe).toEqual([{ gtin: FFP3, item: 'ffp3-mask', stock: 400, daysOfSupply: 10 }])
    expect(rxa.admissions).toBe(5)
    expect(rxa.takenAt).toBe(T0)
    expect(rxa.confirmedAt).toBe(ledger.confirmed[0]!.confirmedAt)
    expect(rxa.units[0]!.confirmedAt).toBe(ledger.confirmed[0]!.confirmedAt)
    // RXC is in the registry but has confirmed nothing: listed, not reporting.
    expect(byId(hs, 'RXC')).toMatchObject({ reporting: false, escalation: { level: 1, reason: 'no confirmed snapshot yet' } })

    // A newer snapshot replaces the figures and extends the trend.
    ledger.confirm(snapshot('RXA', T0 + 60_000, [unit('rxa-icu', 'icu', [12, 11], [10, 9]), unit('rxa-ward-1', 'ward', [28, 21])]))
    await waitFor(async () => byId(await hospitals(base), 'RXA').takenAt === T0 + 60_000, 'the second RXA snapshot')
    const rxa2 = byId(await hospitals(base), 'RXA')
    expect(rxa2.beds.occupied).toBe(32)
    expect(rxa2.trend.map((p) => [p.takenAt, p.bedsOccupied])).toEqual([
      [T0, 29],
      [T0 + 60_000, 32],
    ])

    // The region is the root of the tree, with hospital and unit nodes.
    const tree = (await get<{ id: string; level: string; beds: { occupied: number }; children: { id: string; children: { id: string }[] }[] }>(base, '/api/tree')).body
    expect(tree).toMatchObject({ id: 'north', level: 'region', beds: { occupied: 34 } })
    expect(tree.children.map((h) => h.id)).toEqual(['RXA', 'RXB', 'RXC'])
    expect(tree.children[0]!.children.map((u) => u.id)).toEqual(['rxa-icu', 'rxa-ward-1'])
    const cap = await get<{ capacity: { beds: { occupied: number }; confirmedAt: number } }>(base, '/api/capacity?scope=unit&id=rxa-icu')
    expect(cap.body.capacity.beds.occupied).toBe(11)
    expect((await get(base, '/api/capacity?scope=unit&id=nope')).status).toBe(404)
    expect((await get(base, '/api/capacity?scope=ward&id=x')).status).toBe(400)

    // History goes through the store like a hospital's.
    await region.store!.flush()
    const hist = await get<{ points: { t: number; value: number }[] }>(base, `/api/history?id=RXA&metric=Capacity/Beds/Occupied&from=${T0}&to=${T0 + 120_000}`)
    expect(hist.status).toBe(200)
    expect(hist.body.points).toEqual([
      { t: T0, value: 29 },
      { t: T0 + 60_000, value: 32 },
    ])
    const ppe = await get<{ points: { t: number; value: number }[] }>(base, `/api/history?id=RXB&unitType=icu&metric=Capacity/PPE/DaysOfSupply/${GOWN}&from=${T0}&to=${T0 + 120_000}`)
    expect(ppe.body.points).toEqual([{ t: T0 + 1_000, value: 2.5 }])
    const bad = await get<{ message: string }>(base, '/api/history?id=RXA&metric=Nope/Thing')
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/^metric: /)
  })

  it('resumes from the saved cursor after a restart without counting a snapshot twice', async () => {
    for (let i = 0; i < 5; i++) ledger.confirm(snapshot('RXA', T0 + i * 60_000, [unit('rxa-icu', 'icu', [12, 5 + i], [10, 2], { admissions: 2, discharges: 1 })]))
    region = await regionAggregator(dir)
    await region.start()
    let base = region.url!
    await waitFor(async () => byId(await hospitals(base), 'RXA').snapshots === 5, 'five snapshots')
    await region.stop()
    const pollsBefore = ledger.polls.length

    // Two more are confirmed while the region is down.
    ledger.confirm(snapshot('RXA', T0 + 5 * 60_000, [unit('rxa-icu', 'icu', [12, 10], [10, 3], { admissions: 2, discharges: 1 })]))
    ledger.confirm(snapshot('RXA', T0 + 6 * 60_000, [unit('rxa-icu', 'icu', [12, 11], [10, 3], { admissions: 2, discharges: 1 })]))
    region = await regionAggregator(dir)
    await region.start()
    base = region.url!
    // The view is back from the checkpoint before the first page arrives, then catches up.
    await waitFor(async () => byId(await hospitals(base), 'RXA').snapshots === 7, 'seven snapshots')
    const rxa = byId(await hospitals(base), 'RXA')
    expect(rxa.admissionsTotal).toBe(14)
    expect(rxa.dischargesTotal).toBe(7)
    expect(rxa.beds.occupied).toBe(11)
    expect(rxa.trend).toHaveLength(7)
    // It asked the node from its cursor (5), not from the start.
    expect(ledger.polls.slice(pollsBefore)[0]).toMatchObject({ after: 5 })
    await region.store!.flush()
    expect(await region.store!.count('RXA.icu.bed', 'Capacity/Beds/Occupied', T0, T0 + 3_600_000)).toBe(7)
  })

  it('keeps serving the last view while the node is down, says since when, and resumes without gaps', async () => {
    ledger.confirm(snapshot('RXA', T0, [unit('rxa-icu', 'icu', [12, 6], [10, 2])]))
    region = await regionAggregator(dir)
    await region.start()
    const base = region.url!
    await waitFor(async () => byId(await hospitals(base), 'RXA').reporting, 'RXA reporting')
    await ledger.down()
    const down = await waitFor(async () => {
      const h = (await get<RegionHealth>(base, '/healthz')).body
      return h.ledger.reachable ? undefined : h
    }, 'health to show the node unreachable')
    expect(down.status).toBe('degraded')
    expect(down.ledger.unreachableSince).toBeGreaterThan(0)
    expect(down.ledger.lastError).toBeDefined()
    // The last view is still served.
    expect(byId(await hospitals(base), 'RXA').beds.occupied).toBe(6)

    for (let i = 1; i <= 3; i++) ledger.confirm(snapshot('RXA', T0 + i * 60_000, [unit('rxa-icu', 'icu', [12, 6 + i], [10, 2], { admissions: 1 })]))
    await ledger.up()
    await waitFor(async () => byId(await hospitals(base), 'RXA').snapshots === 4, 'the three snapshots confirmed during the outage')
    const h = (await get<RegionHealth>(base, '/healthz')).body
    expect(h.ledger.reachable).toBe(true)
    expect(h.ledger.unreachableSince).toBeUndefined()
    expect(h.ledger.cursor).toBe(4)
    const rxa = byId(await hospitals(base), 'RXA')
    expect(rxa.trend.map((p) => p.bedsOccupied)).toEqual([6, 7, 8, 9])
    expect(rxa.admissionsTotal).toBe(3)
  })
})
