import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerError } from '../src/errors.js'
import { PublishQueue } from '../src/net/publish-queue.js'
import { SYNC_PROTOCOL } from '../src/net/sync-wire.js'
import { makeMembers, startMember, type TestMembers, type TestNode, waitFor } from './net-fixture.js'

/** A bare libp2p node holding a member's key, whose sync handler never answers. */
async function silentMember(members: TestMembers, i: number): Promise<Libp2p> {
  const node = await createLibp2p({
    privateKey: members.keys[i],
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  await node.handle(SYNC_PROTOCOL, () => {})
  return node
}

describe('ledger network: sync deadlines', () => {
  const started: TestNode[] = []
  const others: Libp2p[] = []
  afterEach(async () => {
    await Promise.all([...started.splice(0).map((n) => n.net.stop()), ...others.splice(0).map((o) => o.stop())])
  })

  it('a request to a member that never answers fails after sync.timeoutMs', async () => {
    const members = await makeMembers(2)
    const silent = await silentMember(members, 1)
    others.push(silent)
    const a = await startMember(members, 0, { sync: { batchBlocks: 10, timeoutMs: 400 }, bootstrap: [silent.getMultiaddrs()[0]?.toString() as string] })
    started.push(a)
    await waitFor('A connected to the silent member', () => a.net.peers().length === 1)
    const t0 = Date.now()
    const err = await a.net.requestHeads(silent.peerId.toString()).catch((e: unknown) => e)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_SYNC_FAILED')
    expect((err as LedgerError).message).toContain('sync.timeoutMs 400')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })

  it('a member that opens a sync stream and sends nothing is cut off after sync.timeoutMs', async () => {
    const members = await makeMembers(2)
    const a = await startMember(members, 0, { sync: { batchBlocks: 10, timeoutMs: 400 } })
    started.push(a)
    const silent = await silentMember(members, 1)
    others.push(silent)
    const [addr] = a.net.addresses()
    if (addr === undefined) throw new Error('A has no address')
    const stream: Stream = await silent.dialProtocol(multiaddr(addr), SYNC_PROTOCOL)
    await waitFor('the server to reset the idle stream', () => stream.status !== 'open', 3_000)
  })
})

describe('ledger network: publish queue', () => {
  it('holds messages while no peer is subscribed, drops the oldest past its bound, and sends the rest in order', async () => {
    const sent: string[] = []
    let peers = false
    const queue = new PublishQueue(
      (data) => {
        if (!peers) return Promise.reject(new Error('PublishError.NoPeersSubscribedToTopic'))
        sent.push(Buffer.from(data).toString())
        return Promise.resolve()
      },
      pino({ level: 'silent' }),
      { maxQueued: 3, retryMs: 20 },
    )
    for (const m of ['b1', 'b2', 'b3', 'b4', 'b5']) queue.push(Buffer.from(m))
    await new Promise((r) => setTimeout(r, 50))
    expect(sent).toEqual([])
    expect(queue.size).toBe(3)
    expect(queue.dropped).toBe(2)
    peers = true
    await waitFor('the queue to drain on the retry timer', () => queue.size === 0, 1_000)
    expect(sent).toEqual(['b3', 'b4', 'b5'])
    queue.push(Buffer.from('b6'))
    await waitFor('b6 sent at once', () => sent.length === 4, 1_000)
    queue.stop()
    queue.push(Buffer.from('after stop'))
    expect(queue.size).toBe(0)
  })

  it('drops (and logs) messages queued longer than maxAgeMs during a cut, and sends the fresh ones', async () => {
    const sent: string[] = []
    const logged: Array<Record<string, unknown>> = []
    let peers = false
    let clock = 1_000_000
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) })
    const queue = new PublishQueue(
      (data) => {
        if (!peers) return Promise.reject(new Error('PublishError.NoPeersSubscribedToTopic'))
        sent.push(Buffer.from(data).toString())
        return Promise.resolve()
      },
      logger,
      { retryMs: 20, maxAgeMs: 5 * 60_000, now: () => clock },
    )
    queue.push(Buffer.from('old1'))
    queue.push(Buffer.from('old2'))
    clock += 4 * 60_000
    queue.push(Buffer.from('recent'))
    clock += 2 * 60_000 // the cut lasted 6 min: old1 and old2 are 6 min old, recent 2 min
    peers = true
    await waitFor('the queue to drain', () => queue.size === 0, 1_000)
    expect(sent).toEqual(['recent'])
    expect(queue.expired).toBe(2)
    expect(logged.filter((l) => /queued too long/.test(String(l.msg))).map((l) => l.ageMs)).toEqual([6 * 60_000, 6 * 60_000])
    queue.stop()
  })
})
