// Issue 7 "The whole system", end to end: simulated hospitals ▸ rhn-edge ▸ Mosquitto ▸ hospital
// aggregators ▸ InfluxDB, and ▸ ledger nodes (libp2p, quorum 3 of 4) ▸ the regional aggregator. The
// numbers must agree across every layer: beds occupied in the simulator = in the hospital twin = in
// the last confirmed capacity snapshot = in the region view; and still after one hospital's ledger
// node is killed (SIGKILL) and restarted while its occupancy moves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RhnSystem, startSystem } from '@rhn/test/system'

const HOSPITALS = ['RXB', 'RXC']
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Advances the simulation by `minutes` of virtual time, 10 s at a time (devices and agents keep answering in between). */
async function advance(system: RhnSystem, minutes: number): Promise<void> {
  for (let i = 0; i < minutes * 6; i++) {
    system.clock.advance(10_000)
    await sleep(20)
  }
}

/** Waits until every layer shows the simulator's occupied beds for each hospital; returns the figures. */
async function agreeing(system: RhnSystem, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const figures = await Promise.all(HOSPITALS.map(async (h) => ({ h, ...(await system.bedsOccupied(h)) })))
    if (figures.every((f) => f.twin === f.simulator && f.ledger === f.simulator && f.region === f.simulator)) return figures
    if (Date.now() > end) throw new Error(`layers still disagree after ${timeoutMs} ms: ${JSON.stringify(figures)}`)
    await sleep(250)
  }
}

describe('the whole system: simulator ▸ agents ▸ Mosquitto ▸ aggregators ▸ InfluxDB ▸ ledger ▸ region', () => {
  let system: RhnSystem

  beforeAll(async () => {
    system = await startSystem({ hospitals: HOSPITALS, extraMembers: ['RXA', 'RXD'], childProcessNodes: ['RXC'] })
  }, 120_000)

  afterAll(async () => {
    await system?.stop()
  }, 90_000)

  it('shows the same occupied beds in the simulator, the hospital twin, the confirmed snapshot and the region', async () => {
    const before = await agreeing(system, 90_000)
    await advance(system, 3) // three virtual minutes: a dozen admissions at the test's surge rate
    const after = await agreeing(system)
    expect(after.some((f, i) => f.simulator !== before[i]!.simulator)).toBe(true)
    // The region's only input is the ledger: each figure carries the time it was confirmed.
    for (const h of HOSPITALS) expect(system.region.twin!.hospital(h)!.units.every((u) => u.confirmedAt > 0)).toBe(true)
  }, 150_000)

  it('keeps InfluxDB in step: the last stored occupancy of each bed adds up to the twin', async () => {
    for (const h of HOSPITALS) {
      const agg = system.aggregators.get(h)!
      await agg.store!.flush()
      const twin = agg.twin!.capacity('hospital', h)!.beds.occupied
      const rows = await influxQuery(system, `rhn_${h.toLowerCase()}`, `SELECT last("Bed/Occupied") FROM "bed" WHERE "hospital" = '${h}' GROUP BY "asset"`)
      const occupied = rows.filter((v) => v === true || v === 1).length
      expect(rows.length).toBeGreaterThan(100)
      expect(occupied).toBe(twin)
    }
  }, 60_000)

  it('agrees again after RXC\'s ledger node is killed with SIGKILL and restarted mid-surge', async () => {
    const rxc = system.ledger.get('RXC')!
    await rxc.kill()
    await advance(system, 2) // RXC's occupancy moves on while its node is down
    // RXB still confirms with 3 of 4 nodes up (quorum 3): its layers agree without RXC's node.
    await expect.poll(async () => {
      const f = await system.bedsOccupied('RXB')
      return f.region === f.simulator && f.ledger === f.simulator
    }, { timeout: 60_000, interval: 250 }).toBe(true)
    await rxc.start()
    await agreeing(system, 90_000)
  }, 240_000)
})

/** Runs an InfluxQL query and returns the first value column of every series (one per asset here). */
async function influxQuery(system: RhnSystem, db: string, q: string): Promise<unknown[]> {
  const res = await fetch(`${system.influxd.url}/query?db=${db}&q=${encodeURIComponent(q)}`)
  const body = (await res.json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] }
  if (body.results[0]?.error !== undefined) throw new Error(body.results[0].error)
  return (body.results[0]?.series ?? []).map((s) => s.values[0]![1])
}
