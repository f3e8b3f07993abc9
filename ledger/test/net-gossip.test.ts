import { afterEach, describe, expect, it } from 'vitest'
import { fullMesh, makeMembers, startMember, type TestNode, utf8, waitFor } from './net-fixture.js'

describe('ledger network: gossip between members', () => {
  const started: TestNode[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.net.stop()))
  })

  it('4 members started from one bootstrap address form a full mesh, and a block published by one reaches all', async () => {
    const members = await makeMembers(4)
    const first = await startMember(members, 0)
    started.push(first)
    const bootstrap = [first.net.addresses()[0] as string]
    expect(bootstrap[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${first.net.peerId}$`))
    for (let i = 1; i < 4; i++) started.push(await startMember(members, i, { bootstrap }))
    // Published before anyone is subscribed: queued, not thrown.
    started[3]?.net.publish(utf8('early block'))
    await fullMesh(started)
    await waitFor('the early block at every other node', () => started.slice(0, 3).every((n) => n.handlers.texts().includes('early block')))

    started[2]?.net.publish(utf8('block from RXC'))
    await waitFor('the block at every other node', () => [0, 1, 3].every((i) => started[i]?.handlers.texts().includes('block from RXC')))
    for (const i of [0, 1, 3]) expect(started[i]?.handlers.texts().filter((t) => t === 'block from RXC')).toHaveLength(1)
    expect(started[2]?.handlers.texts()).not.toContain('block from RXC')
    expect(started[0]?.net.topic).toBe('/rhn/ledger/test-net/blocks/1')
    // Every member connection was announced to the node.
    for (const n of started) expect(new Set(n.handlers.connected).size).toBe(3)
    expect(started[0]?.net.peers().map((p) => p.member).sort()).toEqual(['RXB', 'RXC', 'RXD'])
  })

  it('identical bytes published by two members are one message; different bytes from one member are two', async () => {
    const members = await makeMembers(4)
    const first = await startMember(members, 0)
    started.push(first)
    // Every node dials every one started before it: this test is about message ids, not peer exchange.
    for (let i = 1; i < 4; i++) started.push(await startMember(members, i, { bootstrap: started.flatMap((n) => n.net.addresses()) }))
    await fullMesh(started)
    const [a, b, c, d] = started as [TestNode, TestNode, TestNode, TestNode]
    a.net.publish(utf8('same block'))
    b.net.publish(utf8('same block'))
    a.net.publish(utf8('block h=7 version 1'))
    a.net.publish(utf8('block h=7 version 2'))
    await waitFor('both versions at C and D', () => [c, d].every((n) => n.handlers.texts().includes('block h=7 version 2') && n.handlers.texts().includes('block h=7 version 1')))
    await new Promise((r) => setTimeout(r, 300))
    for (const n of [c, d]) {
      expect(n.handlers.texts().filter((t) => t === 'same block')).toHaveLength(1)
      expect(n.handlers.texts().filter((t) => t.startsWith('block h=7'))).toHaveLength(2)
    }
  })

  it('a member whose blocks are rejected falls below 0 at the receivers, and they do not forward its blocks', async () => {
    const members = await makeMembers(3)
    const first = await startMember(members, 1)
    started.push(first)
    // Every node dials every one started before it: this test is about scoring, not peer exchange.
    for (const i of [0, 2]) started.push(await startMember(members, i, { bootstrap: started.flatMap((n) => n.net.addresses()) }))
    const [b, a, c] = started as [TestNode, TestNode, TestNode]
    for (const n of [b, c]) n.handlers.verdict = (text) => (text.startsWith('forged') ? 'reject' : 'accept')
    await fullMesh(started)
    a.net.publish(utf8('honest block'))
    await waitFor('the honest block at B and C', () => [b, c].every((n) => n.handlers.texts().includes('honest block')))
    a.net.publish(utf8('forged block 1'))
    a.net.publish(utf8('forged block 2'))
    await waitFor('A below 0 at B and C', () => b.net.score(a.net.peerId) < 0 && c.net.score(a.net.peerId) < 0)
    await new Promise((r) => setTimeout(r, 300))
    for (const n of [b, c]) {
      expect(n.handlers.texts().filter((t) => t.startsWith('forged'))).toEqual([])
      // Every forged block reached this node from A itself, never relayed by the other receiver.
      expect(n.handlers.validated.filter((s) => s.text.startsWith('forged')).every((s) => s.fromPeer === a.net.peerId)).toBe(true)
    }
    // The honest receivers do not penalise each other.
    expect(b.net.score(c.net.peerId)).toBeGreaterThanOrEqual(0)
    expect(c.net.score(b.net.peerId)).toBeGreaterThanOrEqual(0)
  })

  it('a throwing validator rejects (never ignores) and oversized messages are rejected before the node sees them', async () => {
    const members = await makeMembers(2)
    const b = await startMember(members, 1)
    started.push(b)
    const a = await startMember(members, 0, { bootstrap: b.net.addresses(), gossip: { heartbeatIntervalMs: 100, D: 6, Dlo: 4, Dhi: 12, floodPublish: true, maxMessageBytes: 1024 * 1024 } })
    started.push(a)
    b.handlers.verdict = (text) => {
      if (text === 'boom') throw new Error('validator bug')
      return 'accept'
    }
    await fullMesh(started)
    a.net.publish(utf8('boom'))
    await waitFor('A below 0 at B after a throwing validation', () => b.net.score(a.net.peerId) < 0)
    a.net.publish(new Uint8Array(100 * 1024).fill(120))
    await new Promise((r) => setTimeout(r, 500))
    expect(b.handlers.validated.some((s) => s.text.length > 64 * 1024)).toBe(false)
    expect(b.handlers.texts()).toEqual([])
    // A node does not publish what its own limit refuses (peers would penalise it); publish still does not throw.
    const scoreBefore = a.net.score(b.net.peerId)
    expect(() => b.net.publish(new Uint8Array(64 * 1024 + 1))).not.toThrow()
    expect(b.net.queuedMessages()).toBe(0)
    await new Promise((r) => setTimeout(r, 300))
    expect(a.handlers.validated).toEqual([])
    expect(a.net.score(b.net.peerId)).toBeGreaterThanOrEqual(Math.min(0, scoreBefore))
  })
})
