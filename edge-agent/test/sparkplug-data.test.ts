/**
 * The data path against a real Mosquitto: DDATA by alias, seq across every message wrapping 255 → 0,
 * many metrics per message, acks only after delivery, strict mode at QoS 0.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { Recorder, makeNode, reading, rm, tempDir, until } from './edge-node-support.js'

let broker: MosquittoBroker
let dir: string
const cleanup: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  broker = await startMosquitto()
})
afterAll(() => broker.stop())
beforeEach(async () => {
  dir = await tempDir()
})
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
  await rm(dir, { recursive: true, force: true })
})

describe('SparkplugEdgeNode data path (Mosquitto)', () => {
  it('publishes DDATA by alias with seq incrementing across every message and wrapping 255 → 0', async () => {
    const host = await Recorder.start(broker.url, 'RXA')
    cleanup.push(() => host.stop())
    const { node, outbox } = makeNode(broker.url, dir)
    cleanup.push(() => node.stop())
    await node.start()
    await host.waitFor(() => host.of('DBIRTH').length === 2)

    for (let i = 0; i < 300; i++) await outbox.append([reading('vent-1', 'Ventilation/PEEP', i)])
    node.notify()
    await host.waitFor(() => host.of('DDATA').length === 300, 20_000, '300 DDATA')
    await until(() => outbox.batches.size === 0, 5_000, 'every batch acked')

    // Every message of the node after NBIRTH, in arrival order: 0, 1, …, 255, 0, 1, …
    const seqs = host.seen.filter((s) => s.topic.kind !== 'state' && s.topic.messageType !== 'NDEATH').map((s) => s.payload.seq)
    expect(seqs).toHaveLength(303)
    expect(seqs).toEqual(seqs.map((_, i) => i % 256))
    const alias = host.of('DBIRTH')[0]!.payload.metrics.find((m) => m.name === 'Ventilation/PEEP')!.alias
    for (const d of host.of('DDATA')) {
      expect(d.payload.metrics).toHaveLength(1)
      expect(d.payload.metrics[0]!.name).toBeUndefined()
      expect(d.payload.metrics[0]!.alias).toBe(alias)
      expect(d.payload.metrics[0]!.isHistorical).toBeUndefined()
      expect(d.qos).toBe(1)
    }
    expect(host.of('DDATA').map((d) => d.payload.metrics[0]!.value)).toEqual([...Array(300).keys()])
    expect(node.metrics()).toMatchObject({ publishedReadings: 300, ackedBatches: 300, publishedMessages: 303, historicalReadings: 0 })
    expect(node.metrics().pubackLatencySeconds.count).toBe(303)
  })

  it('carries many metrics per message: one DDATA per device per batch', async () => {
    const host = await Recorder.start(broker.url, 'RXA')
    cleanup.push(() => host.stop())
    const { node, outbox } = makeNode(broker.url, dir)
    cleanup.push(() => node.stop())
    await node.start()
    await host.waitFor(() => host.of('DBIRTH').length === 2)
    const readings = [...Array(40).keys()].flatMap((i) => [reading('vent-1', 'Ventilation/FiO2', 21 + i), reading('vent-2', 'Device/Online', i % 2 === 0)])
    await outbox.append(readings)
    await host.waitFor(() => host.of('DDATA').length === 2)
    expect(host.of('DDATA').map((d) => [d.topic.kind === 'device' && d.topic.deviceId, d.payload.metrics.length])).toEqual([
      ['vent-1', 40],
      ['vent-2', 40],
    ])
    await until(() => outbox.batches.size === 0)
  })

  it('in strict mode publishes at QoS 0 and acks once written', async () => {
    const host = await Recorder.start(broker.url, 'RXA')
    cleanup.push(() => host.stop())
    const { node, outbox } = makeNode(broker.url, dir, { sparkplug: { bdSeqFile: `${dir}/bdseq`, strict: true } })
    cleanup.push(() => node.stop())
    await node.start()
    await outbox.append([reading('vent-1', 'Ventilation/PEEP', 1)])
    await host.waitFor(() => host.of('DDATA').length === 1)
    expect(host.seen.map((s) => s.qos)).toEqual([0, 0, 0, 0])
    await until(() => outbox.batches.size === 0)
  })
})
