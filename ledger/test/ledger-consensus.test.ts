/**
 * Multi-node consensus on real libp2p nodes over loopback and real file stores (issue 6 "Tests"):
 * propagation (every node holds the same block at every chain and height) and confirmation of a
 * resource request with a quorum certificate anyone with the genesis can check.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateProblem } from '../src/node/certificate.js'
import type { LedgerNode } from '../src/node/types.js'
import { type Cluster, makeCluster, waitFor } from './support/cluster.js'

/** True when every node holds the same heads (chain, height, hash). */
export function sameHeads(nodes: LedgerNode[]): boolean {
  const views = nodes.map((n) => JSON.stringify(n.heads().map((h) => [h.chain, h.height, h.hash])))
  return views.every((v) => v === views[0])
}

describe.each([4, 7])('%i members', (n) => {
  let cluster: Cluster
  /** Process warnings while this consortium runs: 7 nodes used to pile abort listeners on one signal. */
  const warnings: Error[] = []
  const onWarning = (w: Error): void => void warnings.push(w)
  beforeAll(async () => {
    process.on('warning', onWarning)
    cluster = await makeCluster(n)
    await Promise.all(cluster.members.map((_, i) => cluster.start(i)))
    await waitFor('a full mesh of member peers', () => cluster.running().every((node) => node.status().peers.length === n - 1), 20_000)
  })
  afterAll(async () => {
    await cluster?.close()
    process.off('warning', onWarning)
  })

  it('confirms a resource request on every node with a certificate that verifies', async () => {
    const a = cluster.running()[0]!
    const txId = await a.submit({ kind: 'resource-request', id: randomUUID(), from: a.member, resource: 'ventilator', quantity: 2, reason: 'surge in ICU' })
    await waitFor('confirmation on every node', () => cluster.running().every((node) => node.txStatus(txId)?.status === 'confirmed'))
    for (const node of cluster.running()) {
      const status = node.txStatus(txId)!
      expect(status.endorsements).toBeGreaterThanOrEqual(cluster.membership.quorum)
      expect(status.certificate!.endorsements.length).toBeGreaterThanOrEqual(cluster.membership.quorum)
      expect(certificateProblem(status.certificate!, cluster.membership, txId)).toBeUndefined()
      const page = node.confirmed(0, 100)
      expect(page.items.map((c) => c.txId)).toContain(txId)
      expect(page.items.find((c) => c.txId === txId)?.member).toBe(a.member)
    }
    // A certificate for another transaction, or with an endorsement removed below the quorum, does not verify.
    const cert = a.txStatus(txId)!.certificate!
    expect(certificateProblem(cert, cluster.membership, 'f'.repeat(64))).toMatch(/not at index/)
    const short = { ...cert, endorsements: cert.endorsements.slice(0, cluster.membership.quorum - 1) }
    expect(certificateProblem(short, cluster.membership, txId)).toMatch(/quorum/)
  })

  it('every node holds the same block at every chain and height', async () => {
    const nodes = cluster.running()
    await Promise.all(nodes.map((node, i) => node.submit({ kind: 'escalation-change', hospital: node.member, from: 1, to: 2, reason: `test ${i}`, at: Date.now() })))
    await waitFor('every chain at the same head on every node', () => sameHeads(nodes) && nodes[0]!.heads().length === n && nodes.every((x) => x.status().pendingTxs === 0), 20_000)
    await waitFor('quiet (no endorsement left to write)', () => {
      const before = JSON.stringify(nodes[0]!.heads())
      return sameHeads(nodes) && before === JSON.stringify(nodes[0]!.heads())
    })
    for (const head of nodes[0]!.heads()) {
      for (let h = 0; h <= head.height; h++) {
        const hashes = new Set(nodes.map((node) => node.block(head.chain, h)?.hash))
        expect(hashes.size, `${head.chain}#${h}`).toBe(1)
        expect([...hashes][0]).toBeDefined()
      }
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    for (const node of nodes) {
      const m = node.metrics()
      expect(m.blocks_produced_total).toBeGreaterThan(0)
      expect(m.blocks_received_total).toBeGreaterThan(0)
      expect(node.evidence()).toEqual([])
    }
  })
})
