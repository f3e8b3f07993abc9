// How the host takes a burst of QoS 1 DATA through a real Mosquitto (issue 5 "Speed"): every
// message handled once and in order, every PUBLISH acknowledged, and while it works through the
// burst the event loop still gets turns (the store's InfluxDB writes and the API wait for those).
import { buildTopic, encodePayload } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { DELIVERY_SLICE_MS } from '../src/host/delivery.js'
import { SimNode, eventsOf, makeHost, ventMetrics, waitFor, hostSuite } from './host-support.js'

// A wide window, as a production broker for a busy host has: the broker keeps the socket full.
const suite = hostSuite({ maxInflightMessages: 200, maxQueuedMessages: 10_000 })

/** Keeps the CPU busy for `ms`, as a slow twin or store would. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

describe('SparkplugHost delivery under load', () => {
  it('handles a QoS 1 burst in order, acknowledges every message, and lets timers run while busy', { timeout: 30_000 }, async () => {
    const h = makeHost(suite.broker.url)
    suite.open.hosts.push(h)
    // 3 ms of work per DATA: 300 messages keep the host busy for ~1 s.
    h.host.onEvent((e) => {
      if (e.type === 'device-data') busy(3)
    })
    await h.host.start()
    const n = await SimNode.connect(suite.broker.url, { edgeNodeId: 'gw-burst' })
    suite.open.nodes.push(n)
    n.devices.set('vent-1', ventMetrics())
    await n.births()
    await waitFor(() => eventsOf(h.events, 'device-birth').length === 1, 'device-birth')

    let lastTick = performance.now()
    let longestGap = 0
    const ticker = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - lastTick)
      lastTick = now
    }, 2)
    const topic = buildTopic({ kind: 'device', groupId: 'G1', messageType: 'DDATA', edgeNodeId: 'gw-burst', deviceId: 'vent-1' })
    const count = 300
    try {
      // All at once at QoS 1: each publish resolves when its PUBACK from the broker came back.
      const acked = Array.from({ length: count }, (_, i) =>
        n.client.publishAsync(topic, Buffer.from(encodePayload({ timestamp: Date.now(), seq: n.nextSeq(), metrics: [{ alias: 2, datatype: 'Double', value: i, timestamp: 1_700_000_000_000 + i }] })), { qos: 1 }),
      )
      await Promise.all(acked)
      await waitFor(() => eventsOf(h.events, 'device-data').length === count, `${count} device-data`, 20_000)
    } finally {
      clearInterval(ticker)
    }
    expect(eventsOf(h.events, 'device-data').map((e) => e.metrics[0]!.value)).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(h.host.stats()).toMatchObject({ seqGaps: 0, duplicates: 0, rebirthRequests: 0 })
    // Handling ~1 s of messages in one go would starve the 2 ms timer for most of that second; with
    // turns it waits about one slice (plus one message, plus a loaded machine's scheduling).
    expect(longestGap).toBeLessThan(DELIVERY_SLICE_MS + 240)
  })
})
