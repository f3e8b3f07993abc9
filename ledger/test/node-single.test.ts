/**
 * One node of a one-member consortium (quorum 1: its own block confirms): submission rules,
 * privacy of patient transfers, cursors across restarts, and the last-signed guard after a restart.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LedgerNode } from '../src/node/types.js'
import { type Cluster, makeCluster, waitFor } from './support/cluster.js'

let cluster: Cluster
let node: LedgerNode
beforeEach(async () => {
  cluster = await makeCluster(1)
  node = await cluster.start(0)
})
afterEach(() => cluster?.close())

const request = (from: string, quantity = 1) => ({ kind: 'resource-request' as const, id: randomUUID(), from, resource: 'bed' as const, quantity, reason: 'test' })

describe('submission', () => {
  it('refuses an invalid transaction, one authored by another member, and any while stopped', async () => {
    await expect(node.submit({ ...request(node.member), quantity: 0 })).rejects.toMatchObject({ code: 'RHN_LEDGER_TX_INVALID', message: /quantity/ })
    await expect(node.submit(request('RZZ'))).rejects.toMatchObject({ code: 'RHN_LEDGER_FORBIDDEN', message: /RZZ/ })
    await cluster.stop(0)
    await expect(node.submit(request(node.member))).rejects.toMatchObject({ code: 'RHN_LEDGER_NOT_RUNNING' })
  })

  it('gives the same id for the same transaction and writes it once', async () => {
    const tx = request(node.member)
    const [a, b] = [await node.submit(tx), await node.submit(tx)]
    expect(a).toBe(b)
    await waitFor('confirmed', () => node.txStatus(a)?.status === 'confirmed')
    expect(await node.submit(tx)).toBe(a)
    await new Promise((r) => setTimeout(r, 100))
    expect(node.confirmed(0, 10).items.filter((c) => c.txId === a)).toHaveLength(1)
  })
})

describe('privacy of a patient transfer', () => {
  it('holds no field equal to or derivable from the patient identifier without the hospital key', async () => {
    const key = randomBytes(32)
    const nhsNumber = '9434765919'
    const record = JSON.stringify({ nhsNumber, name: 'Jane Doe', born: '1970-01-01', diagnosis: 'covid pneumonia' })
    const salt = randomBytes(16)
    const patientRef = createHmac('sha256', key).update(nhsNumber).digest('hex')
    const recordCommitment = createHash('sha256').update(salt).update(record).digest('hex')
    const txId = await node.submit({
      kind: 'patient-transfer',
      id: randomUUID(),
      origin: node.member,
      destination: 'RXB',
      patientRef,
      recordCommitment,
      category: { condition: 'covid', severity: 'critical' },
      unitType: 'icu',
      at: Date.now(),
    })
    await waitFor('confirmed', () => node.txStatus(txId)?.status === 'confirmed')
    const status = node.txStatus(txId)!
    const block = node.block(status.block.chain, status.block.height)!
    const text = JSON.stringify(block)
    // Nothing identifying is on the ledger, nor an unkeyed hash of it (a dictionary attack over NHS numbers would reverse that).
    for (const secret of [nhsNumber, 'Jane Doe', '1970-01-01', 'pneumonia']) expect(text).not.toContain(secret)
    expect(text).not.toContain(createHash('sha256').update(nhsNumber).digest('hex'))
    expect(text).not.toContain(createHash('sha256').update(record).digest('hex'))
    // Only with the origin's key does the reference match the patient; only with the salt does the commitment match the record.
    expect(createHmac('sha256', randomBytes(32)).update(nhsNumber).digest('hex')).not.toBe(patientRef)
    expect(createHmac('sha256', key).update(nhsNumber).digest('hex')).toBe(status.tx.kind === 'patient-transfer' ? status.tx.patientRef : '')
    expect(createHash('sha256').update(salt).update(record).digest('hex')).toBe(status.tx.kind === 'patient-transfer' ? status.tx.recordCommitment : '')
  })
})

describe('restart', () => {
  it('keeps confirmation cursors, and refuses to sign over what it signed when its chain is lost', async () => {
    const first = await node.submit(request(node.member, 1))
    await waitFor('first confirmed', () => node.txStatus(first)?.status === 'confirmed')
    const seen: string[] = []
    await cluster.stop(0)
    node = await cluster.start(0)
    node.onConfirmed((tx) => seen.push(tx.txId))
    expect(node.confirmed(0, 10).items.map((c) => [c.cursor, c.txId])).toEqual([[1, first]])
    const second = await node.submit(request(node.member, 2))
    await waitFor('second confirmed', () => node.txStatus(second)?.status === 'confirmed')
    expect(node.confirmed(1, 10).items.map((c) => [c.cursor, c.txId])).toEqual([[2, second]])
    expect(seen).toEqual([second])
    const chain = node.chain

    // The chain file is lost (a restored backup, a wiped disk) but the last-signed record is not.
    await cluster.stop(0)
    await rm(join(cluster.members[0]!.dir, 'data/ledger/chains', `${chain}.log`))
    node = await cluster.start(0)
    const third = await node.submit(request(node.member, 3))
    await waitFor('a refused block', () => (node.metrics().blocks_refused_total ?? 0) >= 2)
    expect(node.block(chain, 0)).toBeUndefined()
    expect(node.block(chain, 1)).toBeUndefined()
    expect(node.txStatus(third)).toBeUndefined()
    expect(node.status().pendingTxs).toBe(1)
  })
})
