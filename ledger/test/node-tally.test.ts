/** The endorsement tally, the gossip envelope and the confirmation log, on their own. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KeyObject } from 'node:crypto'
import type { LedgerTx } from '@rhn/protocols'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockRef, createBlock, encodeBlock } from '../src/chain/block.js'
import { generateMemberKey } from '../src/chain/keys.js'
import { membershipFromGenesis } from '../src/chain/membership.js'
import type { Block, Membership } from '../src/interface.js'
import { endorsementTx } from '../src/node/certificate.js'
import { ConfirmLog } from '../src/node/confirm-log.js'
import { Tally } from '../src/node/tally.js'
import { blockMessage, evidenceMessage, openEnvelope } from '../src/node/wire.js'
import { MemoryStore } from './support/memory-store.js'

let membership: Membership
const keys: KeyObject[] = []
beforeAll(() => {
  const made = Array.from({ length: 4 }, () => generateMemberKey())
  keys.push(...made.map((k) => k.privateKey))
  membership = membershipFromGenesis({
    consortiumId: 'tally-test',
    createdAt: '2025-01-01T00:00:00Z',
    quorum: '>2/3',
    members: made.map((k, i) => ({ id: `RT${i}`, name: `T${i}`, publicKeys: [k.publicKeyBase64], peerIds: [`12D3KooW${"A".repeat(43)}${i + 1}`] })),
  })
})

function next(store: MemoryStore, i: number, txs: LedgerTx[]): Block {
  const node = membership.nodes[i]!
  return createBlock({ membership, node, privateKey: keys[i]!, prev: store.head(node.chain), txs, time: Date.now() })
}
const request = (from: string): LedgerTx => ({ kind: 'resource-request', id: crypto.randomUUID(), from, to: [], resource: 'bed', quantity: 1, reason: 'x' })

describe('Tally', () => {
  it('confirms a block when its author and quorum − 1 others endorsed it, once', async () => {
    const store = new MemoryStore()
    const tally = new Tally(store, membership.quorum)
    expect(membership.quorum).toBe(3)
    const add = async (b: Block): Promise<Block[]> => {
      await store.append(b)
      const done = tally.add(b)
      for (const c of done) tally.markConfirmed(c, 1)
      return done
    }
    const target = next(store, 0, [request('RT0')])
    expect(await add(target)).toEqual([])
    // An endorsement naming two blocks is a valid tx but not counted.
    expect(await add(next(store, 1, [{ kind: 'endorsement', blocks: [blockRef(target), { ...blockRef(target), height: 9 }] }]))).toEqual([])
    expect(tally.endorsements(target)).toBe(1)
    expect(await add(next(store, 1, [endorsementTx(blockRef(target))]))).toEqual([])
    expect(tally.endorsements(target)).toBe(2)
    const confirming = await add(next(store, 2, [endorsementTx(blockRef(target))]))
    expect(confirming.map((b) => b.hash)).toEqual([target.hash])
    expect(await add(next(store, 3, [endorsementTx(blockRef(target))]))).toEqual([])
    expect(tally.confirmedAt(target.header.chain, 0)).toBe(1)
  })

  it('counts endorsements that arrive before the block, and never confirms endorsement-only blocks', async () => {
    const store = new MemoryStore()
    const tally = new Tally(store, membership.quorum)
    const endorsements = next(store, 0, [endorsementTx({ chain: 'RT9-0', height: 0, hash: 'a'.repeat(64) })])
    await store.append(endorsements)
    tally.add(endorsements)
    const target = next(store, 1, [request('RT1')])
    for (const i of [2, 3]) {
      const e = next(store, i, [endorsementTx(blockRef(target))])
      await store.append(e)
      expect(tally.add(e)).toEqual([])
    }
    await store.append(target)
    expect(tally.add(target).map((b) => b.hash)).toEqual([target.hash])
    for (const i of [1, 2, 3]) {
      const e = next(store, i, [endorsementTx(blockRef(endorsements))])
      await store.append(e)
      tally.add(e)
    }
    expect(tally.confirmable(endorsements)).toBe(false)
  })

  it('confirms nothing of a frozen chain at or past the frozen height, and drops endorsements written there', async () => {
    const store = new MemoryStore()
    const tally = new Tally(store, membership.quorum)
    const target = next(store, 0, [request('RT0')])
    await store.append(target)
    tally.add(target)
    const e1 = next(store, 1, [endorsementTx(blockRef(target))])
    await store.append(e1)
    tally.add(e1)
    tally.freeze('RT1-0', 0)
    expect(tally.endorsements(target)).toBe(1)
    tally.freeze('RT0-0', 0)
    const e2 = next(store, 2, [endorsementTx(blockRef(target))])
    const e3 = next(store, 3, [endorsementTx(blockRef(target))])
    for (const e of [e2, e3]) {
      await store.append(e)
      expect(tally.add(e)).toEqual([])
    }
    expect(tally.isFrozen('RT0-0', 5)).toBe(true)
    expect(tally.frozenAt('RT0-0')).toBe(0)
  })
})

describe('gossip envelope', () => {
  it('carries a block and evidence, and names what is wrong with anything else', () => {
    const store = new MemoryStore()
    const a = next(store, 0, [request('RT0')])
    const b = next(store, 0, [request('RT0')])
    const env = openEnvelope(blockMessage(a))
    expect(typeof env !== 'string' && env.type === 'block' && Buffer.from(env.block).equals(Buffer.from(encodeBlock(a)))).toBe(true)
    const ev = openEnvelope(evidenceMessage(a, b))
    expect(typeof ev !== 'string' && ev.type === 'evidence' && Buffer.from(ev.b).equals(Buffer.from(encodeBlock(b)))).toBe(true)
    expect(openEnvelope(new Uint8Array([7, 1, 2]))).toMatch(/unknown envelope tag 0x07/)
    expect(openEnvelope(new Uint8Array([2, 0, 0, 9, 9, 1]))).toMatch(/declares block A/)
    expect(openEnvelope(new Uint8Array([1]))).toMatch(/too short/)
  })
})

describe('ConfirmLog', () => {
  let dir: string
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'rhn-confirm-'))))
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('keeps records in order and cuts a torn last line', async () => {
    const file = join(dir, 'confirmed.log')
    const log = new ConfirmLog(file)
    expect(log.open()).toEqual([])
    log.append({ chain: 'RT0-0', height: 0, hash: 'a'.repeat(64), at: 1 })
    log.append({ chain: 'RT1-0', height: 3, hash: 'b'.repeat(64), at: 2 })
    log.close()
    await writeFile(file, (await readFile(file, 'utf8')) + '{"chain":"RT2-0","hei')
    const again = new ConfirmLog(file)
    expect(again.open().map((r) => r.chain)).toEqual(['RT0-0', 'RT1-0'])
    again.append({ chain: 'RT2-0', height: 1, hash: 'c'.repeat(64), at: 3 })
    again.close()
    expect(new ConfirmLog(file).open().map((r) => r.chain)).toEqual(['RT0-0', 'RT1-0', 'RT2-0'])
  })
})
