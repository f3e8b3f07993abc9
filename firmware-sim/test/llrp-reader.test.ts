import { afterEach, describe, expect, it } from 'vitest'
import { RSSI_MAX_DBM, RSSI_MIN_DBM } from '../src/devices/llrp/index.js'
import { addRoSpec, tagsOf } from './llrp-client.js'
import { client, closeAll, installAndStart, rig, round, START, tds } from './llrp-rig.js'

afterEach(closeAll)

describe('LlrpReaderServer read by llrpjs LLRPClient', () => {
  it('announces the connection, describes itself and reports every tag with antenna, RSSI and timestamps', async () => {
    const r = await rig()
    expect(r.port).toBeGreaterThan(0)
    expect(r.server.endpoint.address).toBe(`llrp://127.0.0.1:${r.port}`)
    const c = await client(r)
    const caps = await c.transact('GET_READER_CAPABILITIES', { RequestedData: 'All' })
    expect((caps.GeneralDeviceCapabilities as Record<string, unknown>).MaxNumberOfAntennaSupported).toBe(4)
    await installAndStart(c)
    const tags = await round(r, c)
    expect(new Set(tags.map((t) => t.epc))).toEqual(new Set(r.cabinet.list.map((i) => i.epc)))
    for (const t of tags) {
      expect(t.antenna).toBeGreaterThanOrEqual(1)
      expect(t.antenna).toBeLessThanOrEqual(4)
      expect(t.rssi).toBeGreaterThanOrEqual(RSSI_MIN_DBM)
      expect(t.rssi).toBeLessThanOrEqual(RSSI_MAX_DBM)
      expect(t.count).toBeGreaterThanOrEqual(1)
      expect(t.firstSeen.getTime()).toBeLessThanOrEqual(t.lastSeen.getTime())
      expect(t.lastSeen.getTime()).toBeLessThanOrEqual(START + 1000)
      expect(t.firstSeen.getTime()).toBeGreaterThanOrEqual(START)
      const item = r.cabinet.list.find((i) => i.epc === t.epc)!
      const decoded = tds.valueOf(t.epc)
      expect(decoded).toBeInstanceOf(tds.Sgtin96)
      expect((decoded as InstanceType<typeof tds.Sgtin96>).getGtin()).toBe(item.gtin)
    }
    // RSSI varies by antenna: the shelves further down are heard weaker on average.
    const mean = (a: number): number => {
      const v = tags.filter((t) => t.antenna === a).map((t) => t.rssi)
      return v.reduce((s, x) => s + x, 0) / v.length
    }
    expect(mean(1)).toBeGreaterThan(mean(4))
  })

  it('misses reads at missRate, yet the union over rounds is the whole cabinet', async () => {
    const r = await rig({ missRate: 0.3 })
    const c = await client(r)
    await installAndStart(c)
    const all = new Set(r.cabinet.list.map((i) => i.epc))
    const union = new Set<string>()
    let incomplete = 0
    for (let i = 0; i < 8; i++) {
      const seen = (await round(r, c)).map((t) => t.epc)
      if (seen.length < all.size) incomplete++
      for (const e of seen) union.add(e)
    }
    expect(incomplete).toBeGreaterThan(0)
    expect(union).toEqual(all)
  })

  it('stops reporting an item taken out and reports a delivery', async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    const taken = r.cabinet.list[0]!.epc
    expect((await round(r, c)).map((t) => t.epc)).toContain(taken)
    r.cabinet.take(taken)
    const delivered = r.cabinet.deliver('05012345000022')
    const after = (await round(r, c)).map((t) => t.epc)
    expect(after).not.toContain(taken)
    expect(after).toContain(delivered.epc)
  })

  it('shows clock skew in the tag timestamps', async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    r.comp.clockSkewMs = 3_600_000
    const tags = await round(r, c)
    for (const t of tags) expect(t.lastSeen.getTime()).toBeGreaterThan(START + 3_600_000)
  })

  it('gives the same reads for the same seed', async () => {
    const reads = async (): Promise<unknown> => {
      const r = await rig({ missRate: 0.2 }, 42)
      const c = await client(r)
      await installAndStart(c)
      return [await round(r, c), await round(r, c)]
    }
    expect(await reads()).toEqual(await reads())
  })
})

describe('LlrpReaderServer reader configuration', () => {
  it('sends keepalives at the configured period and reports at the end of a Duration-bounded ROSpec', async () => {
    const r = await rig()
    const c = await client(r)
    const set = await c.transact('SET_READER_CONFIG', { ResetToFactoryDefault: false, KeepaliveSpec: { KeepaliveTriggerType: 'Periodic', PeriodicTriggerValue: 5000 } })
    expect((set.LLRPStatus as Record<string, unknown>).StatusCode).toBe('M_Success')
    const spec = addRoSpec(7) as { ROSpec: Record<string, Record<string, unknown>> }
    spec.ROSpec.ROBoundarySpec = {
      ROSpecStartTrigger: { ROSpecStartTriggerType: 'Immediate' },
      ROSpecStopTrigger: { ROSpecStopTriggerType: 'Duration', DurationTriggerValue: 3000 },
    }
    spec.ROSpec.ROReportSpec!.ROReportTrigger = 'Upon_N_Tags_Or_End_Of_ROSpec'
    await c.transact('ADD_ROSPEC', spec)
    await c.transact('ENABLE_ROSPEC', { ROSpecID: 7 }) // Immediate: active at once
    r.clock.advance(3000) // three rounds, then the Duration stop trigger ends the ROSpec
    const tags = tagsOf(await c.next('RO_ACCESS_REPORT'))
    expect(tags.length).toBe(r.cabinet.list.length) // one entry per tag, merged over the rounds
    expect(Math.max(...tags.map((t) => t.count))).toBeGreaterThan(10)
    const specs = await c.transact('GET_ROSPECS')
    expect((specs.ROSpec as Record<string, unknown>).CurrentState).toBe('Inactive')
    r.clock.advance(2000)
    await c.next('KEEPALIVE')
  })
})
