/**
 * Primary host STATE (Sparkplug 3.0 §5.9, JSON STATE) against a real Mosquitto: nothing is published
 * while the host is offline, births and data once it is online, NDEATH + new session when it goes
 * offline, stale STATE ignored.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readBdSeq } from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { Recorder, encodeState, makeNode, reading, rm, tempDir, until } from './edge-node-support.js'

let broker: MosquittoBroker
const cleanup: (() => Promise<unknown>)[] = []
beforeAll(async () => {
  broker = await startMosquitto()
})
afterAll(() => broker.stop())
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

function state(client: MqttClient, online: boolean, timestamp: number): Promise<unknown> {
  return client.publishAsync('spBv1.0/STATE/scada', Buffer.from(encodeState({ online, timestamp })), { qos: 1, retain: true })
}

const quiet = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('SparkplugEdgeNode with a primary host (Mosquitto)', () => {
  it('publishes only while the primary host is online and starts over when it goes offline', async () => {
    const dir = await tempDir()
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const scada = mqtt.connect(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })
    cleanup.push(() => scada.endAsync(true))
    await new Promise<void>((resolve) => scada.once('connect', () => resolve()))
    const t0 = Date.now()
    await state(scada, false, t0)
    const watcher = await Recorder.start(broker.url, 'RXA')
    cleanup.push(() => watcher.stop())
    const { node, outbox } = makeNode(broker.url, dir, { sparkplug: { bdSeqFile: `${dir}/bdseq`, primaryHostId: 'scada' } })
    cleanup.push(() => node.stop())

    await node.start()
    for (let i = 0; i < 3; i++) await outbox.append([reading('vent-1', 'Ventilation/PEEP', i)])
    await until(() => node.metrics().connected === 1, 5_000, 'connected')
    await quiet(300)
    expect(watcher.seen).toHaveLength(0) // connected, but silent while the host is offline
    expect(node.metrics().primaryHostOnline).toBe(0)
    expect(outbox.batches.size).toBe(3)

    await state(scada, true, t0 + 1)
    await watcher.waitFor(() => watcher.of('DDATA').length === 3, 5_000, 'births and data once online')
    expect(watcher.seen.slice(0, 3).map((s) => s.topic.kind !== 'state' && s.topic.messageType)).toEqual(['NBIRTH', 'DBIRTH', 'DBIRTH'])
    const bdSeq = readBdSeq(watcher.of('NBIRTH')[0]!.payload)
    // Enqueued before the session's births: store-and-forward data, flagged historical.
    expect(watcher.of('DDATA').every((d) => d.payload.metrics[0]!.isHistorical === true)).toBe(true)
    expect(node.metrics().primaryHostOnline).toBe(1)

    // Host offline (its timestamp matches the online one): NDEATH with the session's bdSeq, then a new session that waits.
    await state(scada, false, t0 + 1)
    await watcher.waitFor(() => watcher.of('NDEATH').length === 1, 5_000, 'NDEATH')
    expect(readBdSeq(watcher.of('NDEATH')[0]!.payload)).toBe(bdSeq)
    await until(() => node.metrics().reconnects === 1 && node.metrics().connected === 1, 5_000, 'new session')
    await outbox.append([reading('vent-1', 'Ventilation/PEEP', 10)])
    // A stale online STATE (older timestamp) is ignored.
    await state(scada, true, t0)
    await quiet(300)
    expect(watcher.of('NBIRTH')).toHaveLength(1)
    expect(outbox.batches.size).toBe(1)

    await state(scada, true, t0 + 2)
    await watcher.waitFor(() => watcher.of('DDATA').length === 4, 5_000, 'data after the host is back')
    const second = watcher.of('NBIRTH')[1]!
    expect(readBdSeq(second.payload)).toBe(((bdSeq ?? 0) + 1) % 256)
    await until(() => outbox.batches.size === 0)
    await state(scada, false, t0 + 2) // leave the retained STATE as a real host's Will would
  })
})
