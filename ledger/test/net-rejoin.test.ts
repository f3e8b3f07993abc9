import { afterEach, describe, expect, it } from 'vitest'
import { fullMesh, makeMembers, startMember, type TestNode, utf8, waitFor } from './net-fixture.js'

/** Handles and timers the process holds (libuv handles plus active timers). */
function activeResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')
}

describe('ledger network: staying connected and stopping cleanly', () => {
  const started: TestNode[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.net.stop()))
  })

  it('a member stopped and restarted on the same key and port is re-dialled by the others and gets new blocks', async () => {
    const members = await makeMembers(3)
    const a = await startMember(members, 0)
    const b = await startMember(members, 1, { bootstrap: a.net.addresses() })
    const c = await startMember(members, 2, { bootstrap: a.net.addresses() })
    started.push(a, b, c)
    await fullMesh(started)
    const listen = (c.net.addresses()[0] as string).replace(/\/p2p\/.*$/, '')
    await c.net.stop()
    started.pop()
    await waitFor('A and B to see C gone', () => a.net.peers().length === 1 && b.net.peers().length === 1)

    // Restarted with no bootstrap list: only the others' re-dialling can bring it back.
    const c2 = await startMember(members, 2, { listen: [listen] })
    started.push(c2)
    await fullMesh(started)
    expect(c2.handlers.connected.sort()).toEqual([a.net.peerId, b.net.peerId].sort())
    b.net.publish(utf8('block after C returned'))
    await waitFor('the new block at C', () => c2.handlers.texts().includes('block after C returned'))
  })

  it('stop() closes every socket, server and timer it opened', async () => {
    const before = activeResources()
    const members = await makeMembers(3)
    const a = await startMember(members, 0)
    const b = await startMember(members, 1, { bootstrap: a.net.addresses() })
    const c = await startMember(members, 2, { bootstrap: a.net.addresses() })
    const nodes = [a, b, c]
    await fullMesh(nodes)
    a.net.publish(utf8('one block'))
    await waitFor('the block at B and C', () => [b, c].every((n) => n.handlers.texts().includes('one block')))
    await b.net.requestHeads(a.net.peerId)
    expect(activeResources().length).toBeGreaterThan(before.length)
    await Promise.all(nodes.map((n) => n.net.stop()))
    await waitFor(`resources back to the ${before.length} before start`, () => activeResources().length <= before.length, 5_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: before ${JSON.stringify(before)}, now ${JSON.stringify(activeResources())}`)
    })
  })
})
