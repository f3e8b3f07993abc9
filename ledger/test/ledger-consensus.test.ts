import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateProblem } from '../src/node/certificate.js'
import { type Cluster, makeCluster, waitFor } from './support/cluster.js'

describe('4 members: propagation and confirmation', () => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await makeCluster(4)
    await Promise.all(cluster.members.map((_, i) => cluster.start(i)))
  })
  afterAll(() => cluster?.close())

  it('confirms a resource request on every node with a certificate that verifies', async () => {
    const [a] = cluster.running()
    const txId = await a!.submit({ kind: 'resource-request', id: randomUUID(), from: a!.member, resource: 'ventilator', quantity: 2, reason: 'surge' })
    await waitFor('confirmation on every node', () => cluster.running().every((n) => n.txStatus(txId)?.status === 'confirmed'))
    for (const node of cluster.running()) {
      const status = node.txStatus(txId)!
      expect(status.endorsements).toBeGreaterThanOrEqual(3)
      expect(certificateProblem(status.certificate!, cluster.membership, txId)).toBeUndefined()
      expect(node.confirmed(0, 10).items.map((c) => c.txId)).toContain(txId)
    }
  })
})
