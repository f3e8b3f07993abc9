import { afterEach, describe, expect, it } from 'vitest'
import { LedgerError } from '../src/errors.js'
import { fullMesh, makeMembers, startMember, TEST_GOSSIP, type TestNode, utf8 } from './net-fixture.js'

const text = (frames: Uint8Array[]): string[] => frames.map((f) => Buffer.from(f).toString('utf8'))

describe('ledger network: /rhn/ledger/sync/1.0.0', () => {
  const started: TestNode[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.net.stop()))
  })

  async function pair(serverSync = { batchBlocks: 10, timeoutMs: 3_000 }, clientSync = { batchBlocks: 10, timeoutMs: 3_000 }): Promise<[TestNode, TestNode]> {
    const members = await makeMembers(2)
    const server = await startMember(members, 0, { sync: serverSync })
    started.push(server)
    server.handlers.chains.set('RXA-0', Array.from({ length: 25 }, (_, h) => utf8(`RXA-0 block ${h}`)))
    server.handlers.chains.set('RXB-0', [utf8('RXB-0 block 0')])
    const client = await startMember(members, 1, { sync: clientSync, bootstrap: server.net.addresses() })
    started.push(client)
    await fullMesh(started)
    return [server, client]
  }

  it('returns the requested range of a chain in height order, and an empty answer past the head', async () => {
    const [server, client] = await pair()
    expect(text(await client.net.requestBlocks(server.net.peerId, 'RXA-0', 5, 3))).toEqual(['RXA-0 block 5', 'RXA-0 block 6', 'RXA-0 block 7'])
    expect(text(await client.net.requestBlocks(server.net.peerId, 'RXA-0', 23, 10))).toEqual(['RXA-0 block 23', 'RXA-0 block 24'])
    expect(await client.net.requestBlocks(server.net.peerId, 'RXA-0', 25, 10)).toEqual([])
    expect(await client.net.requestBlocks(server.net.peerId, 'RXZ-0', 0, 10)).toEqual([])
  })

  it('caps a request at the requester\'s sync.batchBlocks', async () => {
    const [server, client] = await pair()
    const blocks = await client.net.requestBlocks(server.net.peerId, 'RXA-0', 0, 1_000)
    expect(text(blocks)).toEqual(Array.from({ length: 10 }, (_, h) => `RXA-0 block ${h}`))
  })

  it('returns the heads of every chain the peer holds', async () => {
    const [server, client] = await pair()
    expect(await client.net.requestHeads(server.net.peerId)).toEqual({ 'RXA-0': 24, 'RXB-0': 0 })
    expect(await server.net.requestHeads(client.net.peerId)).toEqual({})
  })

  it('refuses a max above the answering node\'s sync.batchBlocks, naming the limit', async () => {
    const [server, client] = await pair({ batchBlocks: 10, timeoutMs: 3_000 }, { batchBlocks: 100, timeoutMs: 3_000 })
    const err = await client.net.requestBlocks(server.net.peerId, 'RXA-0', 0, 50).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LedgerError)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_SYNC_REFUSED')
    expect((err as LedgerError).message).toContain('"max" 50 is above this node\'s sync.batchBlocks 10')
    // The stream and the connection stay usable after a refusal.
    expect(text(await client.net.requestBlocks(server.net.peerId, 'RXA-0', 0, 2))).toEqual(['RXA-0 block 0', 'RXA-0 block 1'])
  })

  it('fails a request whose answer carries a frame above gossip.maxMessageBytes', async () => {
    const [server, client] = await pair()
    server.handlers.chains.set('BIG-0', [new Uint8Array(TEST_GOSSIP.maxMessageBytes + 1)])
    const err = await client.net.requestBlocks(server.net.peerId, 'BIG-0', 0, 1).catch((e: unknown) => e)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_SYNC_FAILED')
  })

  it('fails fast, with the peer named, when the peer is not reachable', async () => {
    const [server, client] = await pair()
    const serverId = server.net.peerId
    await server.net.stop()
    started.splice(0, 1)
    const err = await client.net.requestHeads(serverId).catch((e: unknown) => e)
    expect((err as LedgerError).code).toBe('RHN_LEDGER_SYNC_FAILED')
    expect((err as LedgerError).message).toContain(serverId)
  })
})
