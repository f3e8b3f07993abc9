// seq order, gaps, duplicates, unknown aliases and garbage through a real Mosquitto: what the
// host delivers, what it counts, and the `Node Control/Rebirth` NCMD it sends (seen on the broker).
import { decodePayload, NODE_CONTROL_REBIRTH } from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SimNode, Watcher, eventsOf, makeHost, sleep, ventMetrics, waitFor, type HostUnderTest } from './host-support.js'

const REORDER_MS = 300
let broker: MosquittoBroker
let open: { hosts: HostUnderTest[]; nodes: SimNode[]; watchers: Watcher[] } = { hosts: [], nodes: [], watchers: [] }

beforeAll(async () => {
  broker = await startMosquitto()
})
afterEach(async () => {
  await Promise.all(open.hosts.map((h) => h.host.stop()))
  await Promise.all([...open.nodes, ...open.watchers].map((c) => c.close()))
  open = { hosts: [], nodes: [], watchers: [] }
})
afterAll(async () => {
  await broker.stop()
})

/** A started host, a born node with one ventilator (aliases 1, 2), and a watcher on its NCMD topic. */
async function setup(edgeNodeId: string): Promise<{ h: HostUnderTest; n: SimNode; ncmd: Watcher }> {
  const h = makeHost(broker.url, { reorderTimeoutMs: REORDER_MS })
  open.hosts.push(h)
  await h.host.start()
  const n = await SimNode.connect(broker.url, { edgeNodeId, answerRebirth: false })
  open.nodes.push(n)
  const ncmd = await Watcher.open(broker.url, [n.topic('NCMD')])
  open.watchers.push(ncmd)
  n.devices.set('vent-1', ventMetrics())
  await n.births()
  await waitFor(() => eventsOf(h.events, 'device-birth')[0], 'device-birth')
  return { h, n, ncmd }
}

function values(h: HostUnderTest): unknown[] {
  return eventsOf(h.events, 'device-data').map((e) => e.metrics[0]!.value)
}

function isRebirth(bytes: Buffer): boolean {
  return decodePayload(bytes).metrics.some((m) => m.name === NODE_CONTROL_REBIRTH && m.value === true)
}

describe('SparkplugHost seq and faults', () => {
  it('holds an early seq and delivers in order when the missing one arrives within the timeout', async () => {
    const { h, n } = await setup('gw-order')
    // Births used seq 0 (NBIRTH) and 1 (DBIRTH): data goes 2, then 4 before 3.
    await n.ddata('vent-1', [[1, 6]], { seq: 2 })
    await n.ddata('vent-1', [[1, 8]], { seq: 4 })
    await sleep(50)
    expect(values(h)).toEqual([6])
    await n.ddata('vent-1', [[1, 7]], { seq: 3 })
    await waitFor(() => values(h).length === 3, 'three values')
    expect(values(h)).toEqual([6, 7, 8])
    await sleep(REORDER_MS + 100)
    expect(h.host.stats()).toMatchObject({ seqGaps: 0, rebirthRequests: 0 })
    expect(n.rebirths()).toBe(0)
  })

  it('on a real gap sends Node Control/Rebirth after the reorder timeout and discards until the NBIRTH', async () => {
    const { h, n, ncmd } = await setup('gw-gap')
    await n.ddata('vent-1', [[1, 6]], { seq: 2 })
    const t0 = Date.now()
    await n.ddata('vent-1', [[1, 8]], { seq: 4 }) // seq 3 never comes
    const seen = await waitFor(() => ncmd.seen[0], 'NCMD on the broker')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(REORDER_MS - 20)
    expect(isRebirth(seen.payload)).toBe(true)
    expect(seen.retain).toBe(false)
    expect(h.host.stats()).toMatchObject({ seqGaps: 1, rebirthRequests: 1 })
    expect(h.log.lines.some((l) => l.level === 'warn' && l.msg.startsWith('seq gap'))).toBe(true)
    await n.ddata('vent-1', [[1, 9]], { seq: 5 }) // discarded: the session is unknown until the NBIRTH
    await sleep(50)
    expect(values(h)).toEqual([6])
    await n.births()
    await n.ddata('vent-1', [[1, 10]])
    await waitFor(() => values(h).length === 2, 'data after the rebirth')
    expect(values(h)).toEqual([6, 10])
  })

  it('counts a redelivered seq as a duplicate and emits it once', async () => {
    const { h, n } = await setup('gw-dup')
    await n.ddata('vent-1', [[1, 6]], { seq: 2 })
    await n.ddata('vent-1', [[1, 6]], { seq: 2 })
    await n.ddata('vent-1', [[1, 7]], { seq: 3 })
    await waitFor(() => values(h).length === 2, 'two values')
    expect(values(h)).toEqual([6, 7])
    expect(h.host.stats()).toMatchObject({ duplicates: 1, seqGaps: 0 })
  })

  it('drops a message with an unknown alias, counts it and asks for a rebirth', async () => {
    const { h, n, ncmd } = await setup('gw-alias')
    await n.ddata('vent-1', [[99, 1]])
    await waitFor(() => ncmd.seen[0], 'NCMD on the broker')
    expect(isRebirth(ncmd.seen[0]!.payload)).toBe(true)
    await n.ddata('vent-1', [[2, 20]])
    await waitFor(() => values(h).length === 1, 'the next good value')
    expect(values(h)).toEqual([20])
    expect(h.host.stats()).toMatchObject({ unknownAliases: 1, rebirthRequests: 1 })
  })

  it('asks for a rebirth on DDATA of a device it never saw born', async () => {
    const { h, n, ncmd } = await setup('gw-nobirth')
    await n.ddata('vent-9', [[1, 1]])
    await waitFor(() => ncmd.seen[0], 'NCMD on the broker')
    expect(eventsOf(h.events, 'device-data')).toEqual([])
  })

  it('counts garbage payloads and bad topics, logs them with the topic, and keeps working', async () => {
    const { h, n } = await setup('gw-junk')
    await n.raw(n.topic('DDATA', 'vent-1'), 'this is not protobuf')
    await n.raw(n.topic('DDATA', 'vent-1'), new Uint8Array([0x08, 0xff, 0xff]))
    await n.raw('spBv1.0/G1/BOGUS/gw-junk', 'x')
    await n.raw('spBv1.0/G1/NDATA/gw-junk/extra', 'x')
    await n.ddata('vent-1', [[1, 6]], { seq: 2 })
    await waitFor(() => values(h).length === 1, 'data after the junk')
    expect(h.host.stats()).toMatchObject({ badPayloads: 2, badTopics: 2, connected: true })
    const warned = h.log.lines.filter((l) => l.level === 'warn').map((l) => l.obj.topic)
    expect(warned).toEqual(expect.arrayContaining(['spBv1.0/G1/BOGUS/gw-junk', 'spBv1.0/G1/DDATA/gw-junk/vent-1']))
  })
})
