/**
 * Liveness under faults (issue 6 "Tests"), real libp2p nodes and file stores: with f of 3f+1 nodes
 * stopped, transactions are still confirmed; a stopped node restarted with the same data folder
 * and keys catches up to the tip through /rhn/ledger/sync/1.0.0 and confirms what it missed.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateProblem } from '../src/node/certificate.js'
import { type Cluster, makeCluster, waitFor } from './support/cluster.js'

describe.each([
  { n: 4, f: 1 },
  { n: 7, f: 2 },
])('$n members, $f stopped', ({ n, f }) => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await makeCluster(n)
    await Promise.all(cluster.members.map((_, i) => cluster.start(i)))
    await waitFor('a full mesh', () => cluster.running().every((node) => node.status().peers.length === n - 1), 20_000)
  })
  afterAll(() => cluster?.close())

  it('confirms with f nodes down, and a restarted node reaches the tip', async () => {
    const down = Array.from({ length: f }, (_, k) => n - 1 - k)
    await Promise.all(down.map((i) => cluster.stop(i)))
    const live = cluster.running()
    expect(live).toHaveLength(n - f)

    const a = live[0]!
    const ids: string[] = []
    for (let k = 0; k < 20; k++) {
      ids.push(await a.submit({ kind: 'resource-request', id: randomUUID(), from: a.member, resource: 'bed', quantity: 1 + k, reason: `while ${f} down` }))
    }
    await waitFor('confirmation on every live node', () => live.every((node) => ids.every((id) => node.txStatus(id)?.status === 'confirmed')), 20_000)
    for (const id of ids) expect(certificateProblem(a.txStatus(id)!.certificate!, cluster.membership, id)).toBeUndefined()

    // Gossipsub keeps recent messages for 5 heartbeats (100 ms in the test cluster) and offers them
    // (IHAVE) to a peer that joins; wait that out so what the restarted nodes missed can only reach
    // them through /rhn/ledger/sync/1.0.0, which is what this test is about.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    // The stopped nodes come back with their data folders and keys, and catch up.
    const tip = (): string => JSON.stringify(a.heads().map((h) => [h.chain, h.height, h.hash]))
    const restarted = await Promise.all(down.map((i) => cluster.start(i)))
    await waitFor('restarted nodes at the tip', () => restarted.every((node) => JSON.stringify(node.heads().map((h) => [h.chain, h.height, h.hash])) === tip()), 20_000)
    for (const node of restarted) {
      expect(node.metrics().sync_blocks_total).toBeGreaterThan(0)
      await waitFor('restarted node confirms what it missed', () => ids.every((id) => node.txStatus(id)?.status === 'confirmed'))
      expect(node.confirmed(0, 1_000).items.map((c) => c.txId)).toEqual(expect.arrayContaining(ids))
    }
  })
})
