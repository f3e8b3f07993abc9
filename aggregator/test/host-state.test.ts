// The host's own STATE through a real Mosquitto: retained online after start, the Will when the
// socket dies, republished when someone marks it offline, offline at stop, and after a broker
// restart republished with a rebirth request to every known node.
import { decodeState } from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import mqtt, { type IClientOptions } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { SimNode, Watcher, eventsOf, makeHost, ventMetrics, waitFor, type HostUnderTest } from './host-support.js'

const stateTopic = (h: HostUnderTest): string => `spBv1.0/STATE/${h.hostId}`
let cleanup: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

async function broker(port?: number): Promise<MosquittoBroker> {
  const b = await startMosquitto(port === undefined ? {} : { port })
  cleanup.push(() => b.stop())
  return b
}

/** The retained STATE a fresh subscriber gets. */
async function retainedState(url: string, topic: string): Promise<{ online: boolean; timestamp: number; retain: boolean }> {
  const w = await Watcher.open(url, [topic])
  try {
    const seen = await waitFor(() => w.seen[0], `retained ${topic}`)
    return { ...decodeState(seen.payload), retain: seen.retain }
  } finally {
    await w.close()
  }
}

describe('SparkplugHost STATE', () => {
  it('publishes a retained online STATE after subscribing, and stop() replaces it with offline (idempotent)', async () => {
    const b = await broker()
    const calls: string[] = []
    let options: IClientOptions | undefined
    const h = makeHost(b.url, {
      now: () => 1_700_000_000_123,
      connect: (url, o) => {
        options = o
        const client = mqtt.connect(url, o)
        const subscribe = client.subscribeAsync.bind(client)
        const publish = client.publishAsync.bind(client)
        client.subscribeAsync = (...args: Parameters<typeof subscribe>) => (calls.push(`subscribe ${JSON.stringify(args[0])}`), subscribe(...args))
        client.publishAsync = (...args: Parameters<typeof publish>) => (calls.push(`publish ${args[0]}`), publish(...args))
        return client
      },
    })
    cleanup.push(() => h.host.stop())
    await h.host.start()
    // Subscriptions (own STATE and the group) first, then the STATE birth; clean session, STATE Will.
    expect(calls).toEqual([`subscribe ${JSON.stringify([stateTopic(h), 'spBv1.0/G1/#'])}`, `publish ${stateTopic(h)}`])
    expect(options).toMatchObject({ protocolVersion: 4, clean: true, will: { topic: stateTopic(h), qos: 1, retain: true } })
    expect(await retainedState(b.url, stateTopic(h))).toEqual({ online: true, timestamp: 1_700_000_000_123, retain: true })
    expect(h.host.stats().connected).toBe(true)

    await Promise.all([h.host.stop(), h.host.stop()])
    await h.host.stop()
    expect(await retainedState(b.url, stateTopic(h))).toEqual({ online: false, timestamp: 1_700_000_000_123, retain: true })
    expect(h.host.stats().connected).toBe(false)
    expect(h.clients.every((c) => !c.connected)).toBe(true)
  })

  it('leaves its Will (offline, retained, same timestamp) when its socket is destroyed', async () => {
    const b = await broker()
    const h = makeHost(b.url, { mqtt: { url: b.url, reconnect: { minMs: 60_000, maxMs: 60_000 } } })
    cleanup.push(() => h.host.stop())
    await h.host.start()
    const online = await retainedState(b.url, stateTopic(h))
    const w = await Watcher.open(b.url, [stateTopic(h)])
    cleanup.push(() => w.close())
    h.clients[0]!.stream.destroy() // abrupt: no DISCONNECT, so the broker publishes the Will
    const will = await waitFor(() => w.seen.find((m) => !decodeState(m.payload).online), 'the Will')
    expect(decodeState(will.payload)).toEqual({ online: false, timestamp: online.timestamp })
    expect(await retainedState(b.url, stateTopic(h))).toMatchObject({ online: false, retain: true })
  })

  it('republishes online when another client marks its STATE offline', async () => {
    const b = await broker()
    const h = makeHost(b.url)
    cleanup.push(() => h.host.stop())
    await h.host.start()
    const w = await Watcher.open(b.url, [stateTopic(h)])
    cleanup.push(() => w.close())
    await w.client.publishAsync(stateTopic(h), JSON.stringify({ online: false, timestamp: Date.now() }), { qos: 1, retain: true })
    await waitFor(() => w.seen.filter((m) => decodeState(m.payload).online).length >= 2, 'online republished')
    expect(await retainedState(b.url, stateTopic(h))).toMatchObject({ online: true })
  })

  it('after a broker restart republishes STATE and asks every known node for a rebirth', async () => {
    const first = await broker()
    // A slow reconnect, so the node below is on the new broker before the host comes back.
    const h = makeHost(first.url, { mqtt: { url: first.url, reconnect: { minMs: 1_500, maxMs: 1_500, jitter: 0 } } })
    cleanup.push(() => h.host.stop())
    await h.host.start()
    const n = await SimNode.connect(first.url, { edgeNodeId: 'gw-r', bdSeq: 4 })
    n.devices.set('vent-1', ventMetrics())
    await n.births()
    await waitFor(() => eventsOf(h.events, 'device-birth')[0], 'device-birth')

    await first.stop()
    await waitFor(() => !h.host.stats().connected, 'host noticed the outage')
    const second = await broker(first.port)
    // The edge node reconnects with its next bdSeq; its births went to nobody (the host is still away).
    const again = await SimNode.connect(second.url, { edgeNodeId: 'gw-r', bdSeq: 5 })
    cleanup.push(() => again.close())
    again.devices.set('vent-1', ventMetrics())
    await again.births()
    await n.close()

    await waitFor(() => h.host.stats().connected, 'host reconnected', 10_000)
    // Persistence is off: a retained STATE on the new broker can only be the host's republish.
    expect(await retainedState(second.url, stateTopic(h))).toMatchObject({ online: true, retain: true })
    await waitFor(() => again.rebirths() === 1, 'rebirth NCMD on the new broker')
    const online = await waitFor(() => eventsOf(h.events, 'node-online')[1], 'the rebirth NBIRTH')
    expect(online).toMatchObject({ edgeNodeId: 'gw-r', bdSeq: 5 })
    await waitFor(() => eventsOf(h.events, 'device-birth').length === 2, 'the rebirth DBIRTH')
    expect(h.host.stats()).toMatchObject({ rebirthRequests: 1, seqGaps: 0 })
  })
})
