// The host against an independent edge node: Eclipse Tahu's Node.js `sparkplug-client` (its own
// mqtt 4 and codec) through a real Mosquitto. Births, aliased data, a rebirth request that Tahu's
// client receives and answers, and its NDEATH.
import { NODE_CONTROL_REBIRTH } from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import sparkplugClient, { type UPayload } from 'sparkplug-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsOf, makeHost, waitFor, type HostUnderTest } from './host-support.js'

const EDGE = 'tahu-gw'
let broker: MosquittoBroker
let h: HostUnderTest
let tahu: ReturnType<typeof sparkplugClient.newClient>
const commands: UPayload[] = []

function births(): void {
  tahu.publishNodeBirth({ timestamp: Date.now(), metrics: [{ name: NODE_CONTROL_REBIRTH, type: 'Boolean', value: false }] })
  tahu.publishDeviceBirth('vent-1', {
    timestamp: Date.now(),
    metrics: [
      { name: 'Ventilation/PEEP', alias: 1, type: 'Double', value: 5, timestamp: Date.now(), properties: { engUnit: { type: 'String', value: 'cm[H2O]' } } },
      { name: 'Ventilation/FiO2', alias: 2, type: 'Double', value: 0.4, timestamp: Date.now() },
    ],
  })
}

beforeAll(async () => {
  broker = await startMosquitto()
  h = makeHost(broker.url)
  await h.host.start()
  tahu = sparkplugClient.newClient({
    serverUrl: broker.url,
    username: 'tahu',
    password: 'tahu',
    groupId: 'G1',
    edgeNode: EDGE,
    clientId: 'tahu-edge-host-test',
    publishDeath: true,
    mqttOptions: { reconnectPeriod: 0 },
  })
  tahu.on('ncmd', (payload) => {
    commands.push(payload)
    if (payload.metrics?.some((m) => m.name === NODE_CONTROL_REBIRTH && m.value === true)) births()
  })
  await new Promise<void>((resolve, reject) => {
    tahu.once('birth', resolve)
    tahu.once('error', reject)
  })
  births()
})

afterAll(async () => {
  await h?.host.stop()
  await broker?.stop()
})

describe('SparkplugHost with an Eclipse Tahu edge node', () => {
  it('resolves Tahu births and aliased data', async () => {
    const birth = await waitFor(() => eventsOf(h.events, 'device-birth')[0], 'device-birth')
    expect(eventsOf(h.events, 'node-online')[0]).toMatchObject({ groupId: 'G1', edgeNodeId: EDGE, bdSeq: 0 })
    expect(birth.metrics.map((m) => [m.name, m.value])).toEqual([
      ['Ventilation/PEEP', 5],
      ['Ventilation/FiO2', 0.4],
    ])
    expect(birth.units).toEqual({ 'Ventilation/PEEP': 'cm[H2O]', 'Ventilation/FiO2': undefined })
    tahu.publishDeviceData('vent-1', { timestamp: Date.now(), metrics: [{ alias: 2, type: 'Double', value: 0.6, timestamp: Date.now() }] })
    const data = await waitFor(() => eventsOf(h.events, 'device-data')[0], 'device-data')
    expect(data.metrics).toEqual([expect.objectContaining({ name: 'Ventilation/FiO2', value: 0.6, historical: false })])
  })

  it('sends a rebirth NCMD that Tahu receives and answers with new births', async () => {
    expect(h.host.requestRebirth('G1', EDGE)).toBe(true)
    await waitFor(() => eventsOf(h.events, 'node-online').length === 2, 'the rebirth NBIRTH')
    await waitFor(() => eventsOf(h.events, 'device-birth').length === 2, 'the rebirth DBIRTH')
    expect(commands).toHaveLength(1)
    tahu.publishDeviceData('vent-1', { timestamp: Date.now(), metrics: [{ alias: 1, type: 'Double', value: 7, timestamp: Date.now() }] })
    await waitFor(() => eventsOf(h.events, 'device-data').length === 2, 'data after the rebirth')
    expect(h.host.stats()).toMatchObject({ seqGaps: 0, unknownAliases: 0, badPayloads: 0, duplicates: 0 })
  })

  it('takes the node and its device offline on Tahu NDEATH', async () => {
    const closed = new Promise<void>((resolve) => {
      tahu.once('close', resolve)
      setTimeout(resolve, 2_000)
    })
    tahu.stop()
    await closed
    await waitFor(() => eventsOf(h.events, 'device-death')[0], 'device-death')
    expect(eventsOf(h.events, 'node-offline')).toEqual([expect.objectContaining({ edgeNodeId: EDGE })])
    expect(h.host.nodes()).toEqual([expect.objectContaining({ edgeNodeId: EDGE, online: false, bdSeq: 0 })])
  })
})
