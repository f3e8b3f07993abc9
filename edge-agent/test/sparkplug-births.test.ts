/**
 * Sparkplug edge node against embedded aedes: NBIRTH/DBIRTH content, Will = NDEATH with the NBIRTH's
 * bdSeq, bdSeq across restarts, rebirth, late host, DDEATH/DBIRTH, clean stop.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodePayload, readBdSeq, readMetricProperties, rebirthCommand } from '@rhn/protocols'
import { DEVICES, Recorder, makeNode, reading, rm, startAedes, startProxy, tempDir, until, type AedesServer } from './edge-node-support.js'

let aedes: AedesServer
let dir: string
const cleanup: (() => Promise<unknown>)[] = []

beforeEach(async () => {
  aedes = await startAedes()
  dir = await tempDir()
})

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
  await aedes.close()
  await rm(dir, { recursive: true, force: true })
})

async function recorder(url = aedes.url): Promise<Recorder> {
  const r = await Recorder.start(url, 'RXA')
  cleanup.push(() => r.stop())
  return r
}

describe('SparkplugEdgeNode births and deaths (aedes)', () => {
  it('sends NBIRTH seq 0 and DBIRTHs with every metric, alias, unit and MDC code; the Will carries the same bdSeq', async () => {
    const host = await recorder()
    const proxy = await startProxy(Number(new URL(aedes.url).port))
    cleanup.push(() => proxy.close())
    const { node } = makeNode(proxy.url, dir, { lastValue: (d, m) => (d === 'vent-1' && m === 'Ventilation/PEEP' ? reading(d, m, 5.5) : undefined) })
    cleanup.push(() => node.stop())
    await node.start()
    await host.waitFor(() => host.of('DBIRTH').length === 2, 10_000, 'two DBIRTHs')

    const [nbirth] = host.of('NBIRTH')
    expect(nbirth!.payload.seq).toBe(0)
    const bdSeq = readBdSeq(nbirth!.payload)
    expect(bdSeq).toBe(0)
    const rebirth = nbirth!.payload.metrics.find((m) => m.name === 'Node Control/Rebirth')
    expect(rebirth).toMatchObject({ datatype: 'Boolean', value: false })
    expect(rebirth!.alias).toBeUndefined()

    const [d1, d2] = host.of('DBIRTH')
    expect(d1!.topic).toMatchObject({ kind: 'device', deviceId: 'vent-1', edgeNodeId: 'gw-1', groupId: 'RXA' })
    expect([d1!.payload.seq, d2!.payload.seq]).toEqual([1, 2])
    expect(d1!.payload.metrics.map((m) => m.name)).toEqual(DEVICES[0]!.metrics.map((m) => m.name))
    const peep = d1!.payload.metrics[0]!
    expect(peep).toMatchObject({ datatype: 'Float', value: 5.5 })
    expect(peep.alias).toBeTypeOf('number')
    expect(readMetricProperties(peep.properties)).toMatchObject({ unit: 'cm[H2O]', mdcRefId: 'MDC_VENT_PRESS_AWAY_END_EXP_POS' })
    expect(readMetricProperties(peep.properties).mdcCode).toBeTypeOf('number')
    // FiO2 has no unit in the descriptor: the catalogue supplies it; no current value: null.
    expect(d1!.payload.metrics[1]).toMatchObject({ name: 'Ventilation/FiO2', value: null })
    expect(readMetricProperties(d1!.payload.metrics[1]!.properties).unit).toBe('%')
    const aliases = [...d1!.payload.metrics, ...d2!.payload.metrics].map((m) => m.alias)
    expect(new Set(aliases).size).toBe(aliases.length)

    // Kill the TCP connection without DISCONNECT: the broker publishes the Will.
    proxy.cut()
    await host.waitFor(() => host.of('NDEATH').length === 1, 10_000, 'NDEATH')
    const ndeath = host.of('NDEATH')[0]!
    expect(readBdSeq(ndeath.payload)).toBe(bdSeq)
    expect(ndeath.payload.seq).toBeUndefined()
    expect(ndeath.qos).toBe(1)
    expect(ndeath.retain).toBe(false)

    // The node reconnects on its own with the next bdSeq, NBIRTH seq 0 again, same aliases.
    await host.waitFor(() => host.of('DBIRTH').length === 4, 10_000, 'rebirth after reconnect')
    const second = host.of('NBIRTH')[1]!
    expect(readBdSeq(second.payload)).toBe(1)
    expect(second.payload.seq).toBe(0)
    expect(host.of('DBIRTH')[2]!.payload.metrics.map((m) => m.alias)).toEqual(d1!.payload.metrics.map((m) => m.alias))
    expect(node.metrics()).toMatchObject({ reconnects: 1, nodeBirths: 2, deviceBirths: 4, connected: 1 })
  })

  it('keeps bdSeq in its file across restarts and sends NDEATH on a clean stop', async () => {
    const host = await recorder()
    const first = makeNode(aedes.url, dir).node
    await first.start()
    await host.waitFor(() => host.of('NBIRTH').length === 1)
    await first.stop()
    await first.stop() // idempotent
    await host.waitFor(() => host.of('NDEATH').length === 1, 5_000, 'NDEATH on stop')
    expect(readBdSeq(host.of('NDEATH')[0]!.payload)).toBe(0)
    expect((await readFile(join(dir, 'state', 'bdseq'), 'utf8')).trim()).toBe('0')

    const second = makeNode(aedes.url, dir).node
    cleanup.push(() => second.stop())
    await second.start()
    await host.waitFor(() => host.of('NBIRTH').length === 2)
    expect(readBdSeq(host.of('NBIRTH')[1]!.payload)).toBe(1)
    expect((await readFile(join(dir, 'state', 'bdseq'), 'utf8')).trim()).toBe('1')
  })

  it('rebirths on NCMD Node Control/Rebirth with the same bdSeq, also for a host that joins late', async () => {
    const { node } = makeNode(aedes.url, dir)
    cleanup.push(() => node.stop())
    await node.start()
    await until(() => node.metrics().nodeBirths === 1, 5_000, 'NBIRTH')
    // The host joins after the births: it saw none, so it asks for them.
    const late = await recorder()
    expect(late.of('NBIRTH')).toHaveLength(0)
    await late.client.publishAsync('spBv1.0/RXA/NCMD/gw-1', Buffer.from(encodePayload(rebirthCommand(Date.now()))), { qos: 0 })
    await late.waitFor(() => late.of('DBIRTH').length === 2, 5_000, 'births after rebirth')
    const nbirth = late.of('NBIRTH')[0]!
    expect(nbirth.payload.seq).toBe(0)
    expect(readBdSeq(nbirth.payload)).toBe(0) // same MQTT session: the Will still carries bdSeq 0
    expect(late.of('DBIRTH').map((d) => d.payload.seq)).toEqual([1, 2])
    expect(node.metrics()).toMatchObject({ rebirthRequests: 1, nodeBirths: 2, reconnects: 0 })
  })

  it('sends DDEATH when a device stops answering and DBIRTH when it returns; skips its readings meanwhile', async () => {
    const host = await recorder()
    const { node, outbox } = makeNode(aedes.url, dir)
    cleanup.push(() => node.stop())
    await node.start()
    await host.waitFor(() => host.of('DBIRTH').length === 2)
    node.deviceOffline('vent-2', 'timeout')
    await host.waitFor(() => host.of('DDEATH').length === 1)
    const ddeath = host.of('DDEATH')[0]!
    expect(ddeath.topic).toMatchObject({ deviceId: 'vent-2' })
    expect(ddeath.payload.seq).toBe(3)

    await outbox.append([reading('vent-2', 'Ventilation/PEEP', 7), reading('vent-1', 'Ventilation/PEEP', 6)])
    await host.waitFor(() => host.of('DDATA').length === 1)
    expect(host.of('DDATA')[0]!.topic).toMatchObject({ deviceId: 'vent-1' })
    await host.waitFor(() => outbox.batches.size === 0, 5_000, 'batch acked')
    expect(node.metrics().skippedReadings).toBe(1)

    node.deviceOnline('vent-2')
    await host.waitFor(() => host.of('DBIRTH').length === 3)
    const dbirth = host.of('DBIRTH')[2]!
    expect(dbirth.topic).toMatchObject({ deviceId: 'vent-2' })
    expect(dbirth.payload.seq).toBe(5)
    expect(node.metrics()).toMatchObject({ deviceDeaths: 1, deviceBirths: 3 })
  })

  it('leaves no connection behind after stop, and does not reconnect', async () => {
    const { node } = makeNode(aedes.url, dir)
    await node.start()
    const probe = mqtt.connect(aedes.url, { protocolVersion: 4, reconnectPeriod: 0 })
    cleanup.push(() => probe.endAsync(true))
    await new Promise<void>((resolve) => probe.once('connect', () => resolve()))
    await until(() => node.metrics().nodeBirths === 1, 5_000, 'NBIRTH')
    expect(aedes.broker.connectedClients).toBe(2)
    await node.stop()
    await new Promise((r) => setTimeout(r, 300))
    expect(aedes.broker.connectedClients).toBe(1)
    expect(node.metrics().connected).toBe(0)
  })
})
