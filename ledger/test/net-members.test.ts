import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { LedgerError } from '../src/errors.js'
import { fullMesh, makeMembers, startMember, type TestNode, utf8, waitFor } from './net-fixture.js'

/** A plain libp2p node with gossipsub and a random key: a peer outside the consortium. */
async function outsider(): Promise<Libp2p<{ identify: unknown; pubsub: GossipSub }>> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: false }) },
  })
}

describe('ledger network: only members connect', () => {
  const started: TestNode[] = []
  const others: Libp2p[] = []
  afterEach(async () => {
    await Promise.all([...started.splice(0).map((n) => n.net.stop()), ...others.splice(0).map((o) => o.stop())])
  })

  it('a non-member peer can neither connect to a member nor get a message to it', async () => {
    const members = await makeMembers(2)
    const a = await startMember(members, 0)
    const b = await startMember(members, 1, { bootstrap: a.net.addresses() })
    started.push(a, b)
    await fullMesh(started)
    const intruder = await outsider()
    others.push(intruder)
    intruder.services.pubsub.subscribe(a.net.topic)

    // Noise completes on the dialer's side before the member's gater sees the authenticated peer id and
    // closes the connection, so the dial may resolve; the connection must be gone at once either way.
    await intruder.dial(multiaddr(a.net.addresses()[0] as string)).catch(() => undefined)
    await waitFor('the member to drop the intruder\'s connection', () => intruder.getConnections().length === 0, 2_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(intruder.getConnections()).toHaveLength(0)
    expect(intruder.services.pubsub.getSubscribers(a.net.topic)).toHaveLength(0)
    expect(a.net.peers().map((p) => p.peerId)).toEqual([b.net.peerId])
    await expect(intruder.services.pubsub.publish(a.net.topic, utf8('intruder block'))).rejects.toThrow(/NoPeersSubscribedToTopic/)
    expect(a.handlers.validated).toEqual([])
    expect(a.handlers.connected).toEqual([b.net.peerId])

    // Nor does a member dial it (sync to a non-member fails at the gater).
    const err = await a.net.requestHeads(intruder.peerId.toString()).catch((e: unknown) => e)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_SYNC_FAILED')
    expect(intruder.getConnections()).toHaveLength(0)
  })

  it('refuses to start with a bootstrap address that is not a member peer\'s', async () => {
    const members = await makeMembers(1)
    const intruder = await outsider()
    others.push(intruder)
    const addr = intruder.getMultiaddrs()[0]?.toString() as string
    const err = await startMember(members, 0, { bootstrap: [addr] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LedgerError)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_NET_START')
    expect((err as LedgerError).message).toContain('is not a member peer in the genesis')
    const noId = await startMember(members, 0, { bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }).catch((e: unknown) => e)
    expect((noId as LedgerError).message).toMatch(/bootstrap\[0\] .* must end in \/p2p\/<peer id>/)
  })

  it('refuses to start on a listen address already in use, naming it', async () => {
    const members = await makeMembers(2)
    const a = await startMember(members, 0)
    started.push(a)
    const taken = (a.net.addresses()[0] as string).replace(/\/p2p\/.*$/, '')
    const err = await startMember(members, 1, { listen: [taken] }).catch((e: unknown) => e)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_NET_START')
    expect((err as LedgerError).message).toContain(taken)
  })
})
