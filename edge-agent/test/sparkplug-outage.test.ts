/**
 * "No data lost" (issue 4) against a real Mosquitto that is stopped mid-stream and started again on
 * the same port: everything appended during the outage arrives afterwards, flagged historical and
 * paced, while live readings keep flowing (not historical); each batch is acked only after delivery.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { Recorder, makeNode, reading, rm, tempDir, until } from './edge-node-support.js'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

/** The PEEP values of every DDATA seen, with their historical flag, in arrival order. */
function values(host: Recorder): { value: unknown; historical: boolean }[] {
  return host.of('DDATA').flatMap((d) => d.payload.metrics.map((m) => ({ value: m.value, historical: m.isHistorical === true })))
}

describe('SparkplugEdgeNode across a broker outage (Mosquitto)', () => {
  it('replays the outage backlog as historical at the replay rate while live data flows, acking only delivered batches', async () => {
    const dir = await tempDir()
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    let broker: MosquittoBroker = await startMosquitto({ maxQueuedMessages: 10_000, maxInflightMessages: 20 })
    cleanup.push(() => broker.stop())
    // The recorder plays the primary host: after each (re)connect it subscribes, then publishes STATE
    // online, so the node never births (or sends data) before the host listens.
    const host = await Recorder.start(broker.url, 'RXA', 'scada')
    cleanup.push(() => host.stop())
    const { node, outbox } = makeNode(broker.url, dir, {
      sparkplug: { bdSeqFile: `${dir}/bdseq`, primaryHostId: 'scada' },
      replayRateMsgsPerS: 200,
    })
    cleanup.push(() => node.stop())
    await node.start()
    await host.waitFor(() => host.of('DBIRTH').length === 2, 10_000, 'births')

    for (let i = 0; i < 5; i++) await outbox.append([reading('vent-1', 'Ventilation/PEEP', i)])
    await host.waitFor(() => host.of('DDATA').length === 5)
    await until(() => outbox.batches.size === 0, 5_000, 'live batches acked')

    // Outage: the broker goes away; readings keep coming into the outbox.
    const port = broker.port
    await broker.stop()
    await until(() => node.metrics().connected === 0, 5_000, 'node noticed the outage')
    for (let i = 0; i < 200; i++) await outbox.append([reading('vent-1', 'Ventilation/PEEP', 1_000 + i)])
    await new Promise((r) => setTimeout(r, 300))
    expect(outbox.batches.size).toBe(200)

    broker = await startMosquitto({ port, maxQueuedMessages: 10_000, maxInflightMessages: 20 })
    await host.waitFor(() => host.of('NBIRTH').length === 2, 15_000, 'births after the outage')
    const replayStarted = Date.now()
    // Live readings during the replay.
    for (let i = 0; i < 20; i++) {
      await outbox.append([reading('vent-1', 'Ventilation/PEEP', 5_000 + i)])
      node.notify()
      await new Promise((r) => setTimeout(r, 20))
    }
    await host.waitFor(() => values(host).length >= 225, 20_000, 'every reading delivered')
    await until(() => outbox.batches.size === 0, 5_000, 'outbox drained')
    const replayMs = Date.now() - replayStarted

    const seen = values(host)
    const historical = seen.filter((v) => v.historical).map((v) => v.value)
    const live = seen.filter((v) => !v.historical).map((v) => v.value)
    // Nothing lost; the backlog is historical, in order; live data is not.
    expect(historical).toEqual([...Array(200).keys()].map((i) => 1_000 + i))
    expect(live).toEqual([0, 1, 2, 3, 4, ...[...Array(20).keys()].map((i) => 5_000 + i)])
    // Live data was not held back behind the replay: the first live reading arrived before the last replayed one.
    const order = seen.map((v) => v.value)
    expect(order.indexOf(5_000)).toBeLessThan(order.indexOf(1_199))
    // 200 messages at 200/s take about a second (not asserted tightly: shared machine).
    expect(replayMs).toBeGreaterThan(700)
    expect(node.metrics()).toMatchObject({ historicalReadings: 200, publishedReadings: 225, ackedBatches: 225, connected: 1 })
    expect(node.metrics().reconnects).toBeGreaterThanOrEqual(1)
  }, 45_000)
})
