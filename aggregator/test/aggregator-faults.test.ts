// Faults through the whole MQTT path (issue 5 "Faults"): a broker restart (STATE republished,
// births requested, nothing double-counted) and InfluxDB stopped under load (afterwards every point
// is in InfluxDB, counted per series). RHN_SOAK=1 stops InfluxDB for 30 s instead of 3 s.
import { startInfluxd, startMosquitto, type InfluxdServer, type MosquittoBroker } from '@rhn/test/harness'
import { decodeState } from '@rhn/protocols'
import mqtt from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import type { Aggregator } from '../src/index.js'
import { Gateway, makeDir, metric, sleep, startAggregator, waitFor, type TestDir } from './aggregator-support.js'

const VENT = 'rxa-icu-bay-a-vent-01'
const BED = 'rxa-icu-bay-a-bed-01'
const OUTAGE_MS = process.env.RHN_SOAK === '1' ? 30_000 : 3_000

/** Every series the gateway sent: the store holds exactly its distinct timestamps. */
async function expectExactCounts(agg: Aggregator, gw: Gateway): Promise<number> {
  let total = 0
  for (const [key, stamps] of gw.sent) {
    const cut = key.indexOf('/')
    const [asset, name] = [key.slice(0, cut), key.slice(cut + 1)]
    const counted = await agg.store!.count(asset, name, 0, Date.now() + 60_000)
    expect({ series: key, counted }).toEqual({ series: key, counted: stamps.size })
    total += counted
  }
  return total
}

/** Publishes a live DDATA and waits until the twin applied it: everything before it was handled. */
async function settle(agg: Aggregator, gw: Gateway): Promise<void> {
  const ts = await gw.data(BED, { 'Bed/Occupied': true })
  await waitFor(() => agg.twin?.asset(BED)?.values['Bed/Occupied']?.timestamp === ts, 'marker applied')
}

describe('Aggregator faults through MQTT', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined)
  })

  it('after a broker restart republishes STATE, requests births and double-counts nothing', async () => {
    let broker: MosquittoBroker = await startMosquitto()
    cleanup.push(() => broker.stop())
    const t: TestDir = await makeDir(broker.url, '{ type: sqlite, path: ./telemetry.sqlite, flushIntervalMs: 100 }')
    cleanup.push(() => t.remove())
    const agg = await startAggregator(t)
    cleanup.push(() => agg.stop())
    await waitFor(() => agg.host?.stats().connected, 'host online')
    const gw = await Gateway.connect(broker.url, { primaryHostId: t.hostId })
    cleanup.push(() => gw.close())
    await waitFor(() => agg.twin?.asset(VENT)?.online, 'ventilator born')
    const replay: number[] = []
    for (let i = 0; i < 20; i++) replay.push(await gw.data(VENT, { 'Ventilation/PEEP': 5 + i / 10 }))
    await settle(agg, gw)
    const rebirthsBefore = await metric(agg, 'rhn_aggregator_sparkplug_rebirth_requests_total')
    const birthsBefore = agg.host!.stats().births

    const port = broker.port
    await broker.stop()
    await sleep(300)
    broker = await startMosquitto({ port })
    await waitFor(() => agg.host?.stats().connected, 'host back online', 10_000)
    await waitFor(() => gw.client.connected, 'gateway back')

    // STATE online again, retained (the restarted broker had lost it).
    const watcher = await mqtt.connectAsync(broker.url, { clientId: `state-watch-${process.pid}` })
    const state = new Promise<{ online: boolean; retain: boolean }>((resolve) => watcher.on('message', (_t, payload, packet) => resolve({ ...decodeState(payload), retain: packet.retain })))
    await watcher.subscribeAsync(`spBv1.0/STATE/${t.hostId}`, { qos: 1 })
    expect(await state).toMatchObject({ online: true, retain: true })
    await watcher.endAsync()
    expect(await metric(agg, 'rhn_aggregator_sparkplug_rebirth_requests_total')).toBeGreaterThan(rebirthsBefore)

    // The gateway re-sends what it is unsure of (store-and-forward replays the same timestamps).
    await waitFor(() => agg.host!.stats().births > birthsBefore, 'births after the restart')
    for (const ts of replay.slice(-10)) await gw.data(VENT, { 'Ventilation/PEEP': 5 }, { ts, historical: true })
    for (let i = 0; i < 10; i++) await gw.data(VENT, { 'Ventilation/PEEP': 7 + i / 10 })
    await settle(agg, gw)
    await agg.store!.flush()
    expect(await expectExactCounts(agg, gw)).toBeGreaterThan(30)
  })

  it(`keeps every point that arrives over MQTT while InfluxDB is stopped for ${OUTAGE_MS / 1000} s`, { timeout: OUTAGE_MS + 60_000 }, async () => {
    const broker = await startMosquitto()
    cleanup.push(() => broker.stop())
    const influxd: InfluxdServer = await startInfluxd()
    cleanup.push(() => influxd.close())
    const store = `{ type: influxdb, url: '${influxd.url}', database: rhn_faults, flushIntervalMs: 100, retry: { minMs: 100, maxMs: 1000 }, spill: { dir: ./spill } }`
    const t = await makeDir(broker.url, store)
    cleanup.push(() => t.remove())
    const agg = await startAggregator(t)
    cleanup.push(() => agg.stop())
    await waitFor(() => agg.host?.stats().connected, 'host online')
    const gw = await Gateway.connect(broker.url, { primaryHostId: t.hostId })
    cleanup.push(() => gw.close())
    await waitFor(() => agg.twin?.asset(VENT)?.online, 'ventilator born')

    // Load: a ventilator value every ~5 ms (two metrics per message) before, during and after the outage.
    let running = true
    let sent = 0
    const load = (async () => {
      while (running) {
        await gw.data(VENT, { 'Ventilation/PEEP': 5 + (sent % 100) / 10, 'Status/OperatingMode': sent % 2 === 0 ? 'VC-CMV' : 'PC-AC' })
        sent += 1
        await sleep(5)
      }
    })()
    await sleep(1_000)
    await influxd.stop()
    await waitFor(() => !agg.store!.stats().available, 'store notices the outage')
    await sleep(OUTAGE_MS)
    const during = await metric(agg, 'rhn_aggregator_store_pending_points')
    await influxd.restart()
    await sleep(1_000)
    running = false
    await load
    await settle(agg, gw)
    await waitFor(async () => {
      try {
        await agg.store!.flush()
        return agg.store!.stats().pendingPoints === 0
      } catch {
        return false
      }
    }, 'spill replayed', 60_000)
    expect(during).toBeGreaterThan(0)
    expect(await metric(agg, 'rhn_aggregator_store_spilled_points_total')).toBeGreaterThan(0)
    expect(sent).toBeGreaterThan(100)
    expect(await expectExactCounts(agg, gw)).toBeGreaterThan(2 * sent)
  })
})
