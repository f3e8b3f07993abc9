// The wired aggregator on a real Mosquitto and SQLite (issue 5): a simulated gw-rxa-crit feeds the
// twin through the broker; rollups, history, health and metrics show it; faults are counted, a
// broken registry file keeps the last good one, and a restart rebuilds the twin from the store.
import { readFile, writeFile } from 'node:fs/promises'
import { buildTopic, encodePayload } from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Aggregator, AggregatorHealth, Alarm, AssetView, TwinNode } from '../src/index.js'
import { ENGINEER, Gateway, api, makeDir, metric, sleep, startAggregator, waitFor, type TestDir } from './aggregator-support.js'

const VENT = 'rxa-icu-bay-a-vent-01'
const BED = 'rxa-icu-bay-a-bed-01'

function find(node: TwinNode, id: string): TwinNode | undefined {
  if (node.id === id) return node
  for (const c of node.children) {
    const hit = find(c, id)
    if (hit !== undefined) return hit
  }
  return undefined
}

async function asset(a: Aggregator, id: string): Promise<AssetView> {
  return (await api<AssetView>(a, `/api/assets/${id}`)).body
}

async function healthz(a: Aggregator): Promise<AggregatorHealth> {
  const res = await fetch(new URL('/healthz', a.url))
  return (await res.json()) as AggregatorHealth
}

describe('Aggregator on Mosquitto and SQLite', () => {
  let broker: MosquittoBroker
  let t: TestDir
  let agg: Aggregator
  let gw: Gateway

  beforeAll(async () => {
    broker = await startMosquitto()
    t = await makeDir(broker.url, '{ type: sqlite, path: ./data/telemetry.sqlite, flushIntervalMs: 100 }')
    agg = await startAggregator(t)
    await waitFor(async () => (await healthz(agg)).mqtt?.connected === true, 'host online')
    gw = await Gateway.connect(broker.url)
    await waitFor(() => agg.twin?.asset(VENT)?.online === true, 'ventilator born')
  })

  afterAll(async () => {
    await gw?.close()
    await agg?.stop()
    await broker?.stop()
    await t?.remove()
  })

  it('shows births and data of gw-rxa-crit in the rollups, asset view and history', async () => {
    await gw.data(BED, { 'Bed/Occupied': true })
    const peeps = [6.5, 7, 7.5, 8.25]
    let last = 0
    for (const v of peeps) last = await gw.data(VENT, { 'Ventilation/PEEP': v })
    await waitFor(() => agg.twin?.asset(VENT)?.values['Ventilation/PEEP']?.timestamp === last, 'last PEEP applied')

    const tree = (await api<TwinNode>(agg, '/api/twin')).body
    const bay = find(tree, 'rxa-icu-bay-a')!
    expect(bay.rollup.beds.occupied).toBe(1)
    expect(bay.rollup.ventilators.inUse).toBe(1)
    expect(tree.rollup.beds.byUnitType.icu?.occupied).toBe(1)
    expect(find(tree, VENT)?.online).toBe(true)

    const vent = await asset(agg, VENT)
    expect(vent.values['Ventilation/PEEP']).toMatchObject({ value: 8.25, unit: 'cm[H2O]' })

    await agg.store!.flush()
    const history = (await api<{ unit: string; points: { t: number; value: number }[] }>(agg, `/api/assets/${VENT}/history?metric=Ventilation/PEEP`)).body
    expect(history.unit).toBe('cm[H2O]')
    expect(history.points.map((p) => p.value)).toEqual(expect.arrayContaining(peeps))

    const health = await healthz(agg)
    expect(health).toMatchObject({ status: 'ok', hospital: 'RXA', mqtt: { connected: true }, store: { backend: 'sqlite', available: true } })
    expect(health.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ edgeNodeId: 'gw-rxa-crit', online: true, devices: 2 })]))
    expect(health.registry.error).toBeUndefined()
    expect(await metric(agg, 'rhn_aggregator_twin_updates_total')).toBeGreaterThan(4)
    expect(await metric(agg, 'rhn_aggregator_store_written_points_total')).toBeGreaterThanOrEqual(5)
    expect(await metric(agg, 'rhn_aggregator_api_stream_clients')).toBe(0)
  })

  it('counts garbage payloads, unknown aliases and seq gaps in /metrics and keeps running', async () => {
    const before = {
      bad: await metric(agg, 'rhn_aggregator_sparkplug_bad_payloads_total'),
      alias: await metric(agg, 'rhn_aggregator_sparkplug_unknown_aliases_total'),
      gaps: await metric(agg, 'rhn_aggregator_sparkplug_seq_gaps_total'),
      rebirths: await metric(agg, 'rhn_aggregator_sparkplug_rebirth_requests_total'),
    }
    const ddata = buildTopic({ kind: 'device', groupId: 'RXA', edgeNodeId: 'gw-rxa-crit', messageType: 'DDATA', deviceId: VENT })
    await gw.raw(ddata, Buffer.from('not a sparkplug payload \u0000\u00ff'))
    await waitFor(async () => (await metric(agg, 'rhn_aggregator_sparkplug_bad_payloads_total')) === before.bad + 1, 'bad payload counted')

    await gw.raw(ddata, Buffer.from(encodePayload({ timestamp: Date.now(), seq: gw.skipSeq(), metrics: [{ alias: 99, datatype: 'Double', value: 1, timestamp: Date.now() }] })))
    await waitFor(async () => (await metric(agg, 'rhn_aggregator_sparkplug_unknown_aliases_total')) === before.alias + 1, 'unknown alias counted')
    // The gateway answers the rebirth request: a fresh session.
    await waitFor(async () => (await metric(agg, 'rhn_aggregator_sparkplug_rebirth_requests_total')) > before.rebirths, 'rebirth requested')
    await sleep(300)

    const commands = gw.rebirthCommands
    gw.skipSeq() // a DDATA lost on the way: the next one is out of order
    await gw.data(VENT, { 'Ventilation/PEEP': 9 })
    await waitFor(async () => (await metric(agg, 'rhn_aggregator_sparkplug_seq_gaps_total')) === before.gaps + 1, 'seq gap counted', 5_000)
    // After the rebirth the reorder timeout asked for, data flows again.
    await waitFor(() => gw.rebirthCommands > commands, 'rebirth after the gap')
    await sleep(200)
    const ts = await gw.data(VENT, { 'Ventilation/PEEP': 10 })
    await waitFor(() => agg.twin?.asset(VENT)?.values['Ventilation/PEEP']?.timestamp === ts, 'data after the faults applied')
    expect((await healthz(agg)).mqtt.connected).toBe(true)
  })

  it('keeps the last good registry while the file is broken, shows the error, and applies the fixed file', async () => {
    const good = await readFile(t.registryFile, 'utf8')
    const broken = good.replace('        type: icu\n', '        type: intensive\n')
    expect(broken).not.toBe(good)
    await writeFile(t.registryFile, broken)
    const health = await waitFor(async () => {
      const h = await healthz(agg)
      return h.registry.error !== undefined && h
    }, 'registry error in /healthz')
    expect(health.status).toBe('degraded')
    expect(health.registry.error?.message).toMatch(/registry\.yaml:\d+:\d+: hospitals\[0\]\.units\[1\]\.type/)
    const alarms = (await api<Alarm[]>(agg, '/api/alarms?state=active')).body
    const alarm = alarms.find((a) => a.key === 'RXA/registry')
    expect(alarm?.message).toMatch(/last good registry stays in force/)
    expect(await metric(agg, 'rhn_aggregator_registry_file_valid')).toBe(0)
    // The last good registry is in force: the ICU is still an ICU and data still flows.
    const ts = await gw.data(VENT, { 'Ventilation/PEEP': 11 })
    await waitFor(() => agg.twin?.asset(VENT)?.values['Ventilation/PEEP']?.timestamp === ts, 'data applied under the last good registry')
    expect(find((await api<TwinNode>(agg, '/api/twin')).body, 'rxa-icu')?.unitType).toBe('icu')

    // An engineer can acknowledge it like any alarm.
    const ack = await fetch(new URL(`/api/alarms/${alarm!.id}/ack`, agg.url), { method: 'POST', headers: { authorization: `Bearer ${ENGINEER.token}` } })
    expect(ack.status).toBe(200)

    await writeFile(t.registryFile, good.replace('name: Bay A\n', 'name: Bay A (north)\n'))
    await waitFor(async () => (await healthz(agg)).registry.error === undefined, 'registry fixed')
    expect(find((await api<TwinNode>(agg, '/api/twin')).body, 'rxa-icu-bay-a')?.name).toBe('Bay A (north)')
    expect((await api<Alarm[]>(agg, '/api/alarms')).body.find((a) => a.key === 'RXA/registry')?.state).toBe('cleared')
    const h = await healthz(agg)
    expect(h.registry).toMatchObject({ reloads: 1, failures: 1 })
    expect(await metric(agg, 'rhn_aggregator_registry_file_valid')).toBe(1)
  })

  it('rebuilds the twin from the store after a restart and asks the gateways for a rebirth', async () => {
    const ts = await gw.data(VENT, { 'Ventilation/PEEP': 12.5, 'Status/OperatingMode': 'PC-AC' })
    await waitFor(() => agg.twin?.asset(VENT)?.values['Ventilation/PEEP']?.timestamp === ts, 'last value applied')
    await agg.stop()
    await agg.stop() // idempotent

    // The gateway ignores rebirths for a moment, so the rebuilt (not yet live) state can be seen.
    const ignore = gw.rebirthCommands
    gw.answerRebirth = false
    agg = await startAggregator(t)
    await waitFor(() => gw.rebirthCommands > ignore, 'rebirth requested after the restart')
    const rebuilt = await asset(agg, VENT)
    expect(rebuilt.values['Ventilation/PEEP']).toMatchObject({ value: 12.5, timestamp: ts })
    expect(rebuilt.values['Status/OperatingMode']?.value).toBe('PC-AC')
    expect(rebuilt.online).toBe(false)
    const bay = find((await api<TwinNode>(agg, '/api/twin')).body, 'rxa-icu-bay-a')!
    expect(bay.rollup.ventilators.inUse).toBe(1)
    expect(bay.rollup.beds.occupied).toBe(1)

    gw.answerRebirth = true
    await gw.data(VENT, { 'Ventilation/PEEP': 13 }) // data without a birth: the host asks again, the gateway births
    await waitFor(async () => (await asset(agg, VENT)).online, 'ventilator live again', 5_000)
    expect((await asset(agg, VENT)).values['Ventilation/PEEP']?.value).toBe(13) // the birth carries the current value
  })
})
