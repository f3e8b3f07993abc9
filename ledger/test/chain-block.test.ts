import { sign, verify } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { LedgerTxSchema } from '@rhn/protocols'
import { BLOCK_SIGNING_DOMAIN, blockRef, checkLink, createBlock, decodeBlock, decodeBlocks, encodeBlock, linkProblem } from '../src/chain/block.js'
import { canonicalHash, canonicalJson } from '../src/chain/canonical.js'
import { merkleProof, merkleRoot, verifyMerkleProof } from '../src/chain/merkle.js'
import type { Block } from '../src/interface.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'
import { capacitySnapshotTx, endorsementTx, patientTransferTx, resourceRequestTx } from './fixtures/txs.js'

const T0 = 1_736_150_400_000
let c: TestConsortium
let other: TestConsortium

beforeAll(async () => {
  c = await makeConsortium(4)
  other = await makeConsortium(4, { consortiumId: 'other-consortium' })
})

const make = (i: number, prev?: Block, txs = [capacitySnapshotTx(c.nodes[i]!.member, prev === undefined ? 0 : prev.header.height + 1)], time = T0) =>
  createBlock({ membership: c.membership, node: c.nodes[i]!.node, privateKey: c.nodes[i]!.privateKey, prev, txs, time })

/** Re-encodes a decoded wire object after `edit`: what an attacker or a bit flip would send. */
function tamper(block: Block, edit: (wire: { header: Record<string, unknown>; signature: string; txs: unknown[] }) => void): Uint8Array {
  const wire = JSON.parse(Buffer.from(encodeBlock(block)).toString('utf8')) as { header: Record<string, unknown>; signature: string; txs: unknown[] }
  edit(wire)
  return Buffer.from(JSON.stringify(wire))
}

/** Signs an arbitrary header with a node's key, as a member (or a thief of its key) could. */
function signed(i: number, header: Record<string, unknown>, txs: unknown[]): Uint8Array {
  const signature = sign(null, Buffer.from(BLOCK_SIGNING_DOMAIN + canonicalHash(header)), c.nodes[i]!.privateKey).toString('base64')
  return Buffer.from(canonicalJson({ header, signature, txs }))
}

describe('blocks', () => {
  it('round-trip: decode recomputes the same hash and tx ids, re-encoding gives the same bytes', () => {
    const txs = [capacitySnapshotTx('RXA', 1), resourceRequestTx('RXA'), patientTransferTx('RXA', 'RXB'), endorsementTx([{ chain: 'RXB-0', height: 0, hash: 'c'.repeat(64) }])]
    for (const tx of txs) expect(LedgerTxSchema.safeParse(tx).success, tx.kind).toBe(true)
    const b0 = make(0, undefined, txs)
    expect(b0.header).toMatchObject({ consortium: 'test-consortium', chain: 'RXA-0', member: 'RXA', height: 0, prevHash: c.membership.genesisHash, txCount: 4 })
    const bytes = encodeBlock(b0)
    const { block, fault } = decodeBlock(bytes, c.membership)
    expect(fault).toBeUndefined()
    expect(block!.hash).toBe(b0.hash)
    expect(block!.txIds).toEqual(b0.txIds)
    expect(Buffer.from(encodeBlock(block!)).equals(Buffer.from(bytes))).toBe(true)
    expect(blockRef(block!)).toEqual({ chain: 'RXA-0', height: 0, hash: b0.hash })
    // Each tx is provably in the signed root.
    b0.txIds.forEach((id, i) => expect(verifyMerkleProof(id, i, merkleProof(b0.txIds, i), b0.header.txRoot, b0.header.txCount)).toBe(true))
  })

  it('an empty block is valid (a chain can advance with endorsements only later)', () => {
    const b = make(1, undefined, [])
    expect(decodeBlock(encodeBlock(b), c.membership).block?.header.txCount).toBe(0)
  })

  it('links: height 0 to the genesis hash, then prev.height + 1 and prev.hash', () => {
    const b0 = make(0)
    const b1 = make(0, b0)
    const b2 = make(0, b1)
    expect(checkLink(b0, undefined, c.membership)).toBeUndefined()
    expect(checkLink(b1, b0, c.membership)).toBeUndefined()
    expect(checkLink(b2, b1, c.membership)).toBeUndefined()
    expect(checkLink(b2, b0, c.membership)).toBe('bad-link')
    expect(checkLink(b1, undefined, c.membership)).toBe('bad-link')
    // A height-0 block of another consortium does not link to this genesis.
    const foreign = createBlock({ membership: other.membership, node: other.nodes[0]!.node, privateKey: other.nodes[0]!.privateKey, txs: [], time: T0 })
    expect(linkProblem(foreign, undefined, c.membership)).toMatch(/not to the genesis/)
  })

  it('wrong previous hash (signed by the rightful key) is a bad link', () => {
    const b0 = make(0)
    const b1 = make(0, b0)
    const forkedPrev = make(0, undefined, [capacitySnapshotTx('RXA', 99)])
    const bytes = signed(0, { ...b1.header, prevHash: forkedPrev.hash }, b1.txs)
    const { block } = decodeBlock(bytes, c.membership)
    expect(block).toBeDefined()
    expect(checkLink(block!, b0, c.membership)).toBe('bad-link')
    expect(linkProblem(block!, b0, c.membership)).toMatch(/links to [0-9a-f]{64}, the block at height 0 is/)
  })

  it('a time far before its predecessor is a bad link; a few minutes of clock skew is not', () => {
    const b0 = make(0, undefined, undefined, T0)
    expect(checkLink(make(0, b0, [], T0 - 60_000), b0, c.membership)).toBeUndefined()
    expect(checkLink(make(0, b0, [], T0 - 10 * 60_000), b0, c.membership)).toBe('bad-link')
  })

  it('forged signature: another key signing this chain, or a flipped bit', () => {
    const b0 = make(0)
    const byThief = signed(1, { ...b0.header }, b0.txs) // RXB's key signs an RXA-0 header
    expect(decodeBlock(byThief, c.membership)).toMatchObject({ fault: 'bad-signature' })
    const flipped = tamper(b0, (w) => {
      const sig = Buffer.from(w.signature, 'base64')
      sig[10]! ^= 1
      w.signature = sig.toString('base64')
    })
    expect(decodeBlock(flipped, c.membership)).toMatchObject({ fault: 'bad-signature' })
    const otherTime = tamper(b0, (w) => (w.header.time = T0 + 1))
    expect(decodeBlock(otherTime, c.membership)).toMatchObject({ fault: 'bad-signature' })
  })

  it('a sync batch decoded with its signatures checked in parallel gives what decodeBlock gives, in order', async () => {
    const b0 = make(0)
    const byThief = signed(1, { ...b0.header }, b0.txs)
    const batch = [encodeBlock(b0), byThief, Buffer.from('not a block'), encodeBlock(b0)]
    const results = await decodeBlocks(batch, c.membership)
    expect(results.map((r) => r.fault ?? r.block.hash)).toEqual([b0.hash, 'bad-signature', 'malformed', b0.hash])
    expect(results.map((r) => r.fault ?? r.block.hash)).toEqual(batch.map((bytes) => decodeBlock(bytes, c.membership).fault ?? decodeBlock(bytes, c.membership).block!.hash))
    expect(encodeBlock(results[0]!.block!)).toEqual(new Uint8Array(encodeBlock(b0)))
  })

  it('a transaction changed in transit breaks the Merkle root', () => {
    const b0 = make(0)
    const bytes = tamper(b0, (w) => ((w.txs[0] as { takenAt: number }).takenAt += 1))
    const r = decodeBlock(bytes, c.membership)
    expect(r).toMatchObject({ fault: 'malformed' })
    expect(r.fault && r.detail).toMatch(/Merkle root/)
  })

  it('a block of another consortium is refused before its signature is checked', () => {
    const foreign = createBlock({ membership: other.membership, node: other.nodes[0]!.node, privateKey: other.nodes[0]!.privateKey, txs: [], time: T0 })
    const r = decodeBlock(encodeBlock(foreign), c.membership)
    expect(r).toMatchObject({ fault: 'wrong-consortium' })
    expect(r.fault && r.detail).toMatch(/other-consortium/)
  })

  it('oversized blocks are refused by size before parsing', () => {
    const big = make(0, undefined, Array.from({ length: 40 }, (_, i) => capacitySnapshotTx('RXA', i)))
    const bytes = encodeBlock(big)
    expect(decodeBlock(bytes, c.membership, { maxBytes: bytes.byteLength })).toHaveProperty('block')
    expect(decodeBlock(bytes, c.membership, { maxBytes: bytes.byteLength - 1 })).toMatchObject({ fault: 'oversized' })
    expect(decodeBlock(new Uint8Array(1024 * 1024 + 1), c.membership)).toMatchObject({ fault: 'oversized' })
  })

  it('garbage bytes, invalid UTF-8, and wrong shapes are malformed, never a throw', () => {
    const cases: Uint8Array[] = [
      new Uint8Array([0xff, 0xfe, 0x00, 0x01]),
      Buffer.from('not json'),
      Buffer.from('[]'),
      Buffer.from('{"header":{},"signature":"","txs":[]}'),
      Buffer.from(JSON.stringify({ __proto__: null, header: make(0).header, signature: 'x', txs: [] })),
      tamper(make(0), (w) => (w.header.height = -1)),
      tamper(make(0), (w) => (w.header.extra = 1)),
      tamper(make(0), (w) => (w.txs = [])),
    ]
    for (const bytes of cases) expect(decodeBlock(bytes, c.membership).fault).toBe('malformed')
  })

  it('accepts one byte form per block: re-serialised copies are malformed (gossip ids are content hashes)', () => {
    const b = make(0, undefined, [resourceRequestTx('RXA')])
    const wire = JSON.parse(Buffer.from(encodeBlock(b)).toString('utf8')) as { header: object; signature: string; txs: Array<Record<string, unknown>> }
    const spaced = Buffer.from(JSON.stringify(wire, null, 1))
    const reordered = Buffer.from(JSON.stringify({ txs: wire.txs, signature: wire.signature, header: wire.header }))
    const { to: _omitted, ...withoutDefault } = wire.txs[0]!
    const defaultOmitted = Buffer.from(JSON.stringify({ ...wire, txs: [withoutDefault] }))
    for (const bytes of [spaced, reordered, defaultOmitted]) {
      const r = decodeBlock(bytes, c.membership)
      expect(r.fault).toBe('malformed')
      expect(r.fault && r.detail).toMatch(/canonical encoding/)
    }
  })

  it('a submission authored by another member is a bad tx, even when correctly signed', () => {
    const b = make(0, undefined, [capacitySnapshotTx('RXB', 1)])
    const r = decodeBlock(encodeBlock(b), c.membership)
    expect(r).toMatchObject({ fault: 'bad-tx' })
    expect(r.fault && r.detail).toMatch(/authored by RXB; a block of RXA/)
    // A tx that is no ledger transaction: createBlock refuses it, and a block signed by hand with it is refused.
    const invalid = { kind: 'resource-request', from: 'RXA' }
    expect(() => make(0, undefined, [invalid as never])).toThrow(expect.objectContaining({ code: 'RHN_LEDGER_BAD_TX' }))
    const b0 = make(0, undefined, [])
    const bytes = signed(0, { ...b0.header, txCount: 1, txRoot: merkleRoot([canonicalHash(invalid)]) }, [invalid])
    expect(decodeBlock(bytes, c.membership)).toMatchObject({ fault: 'bad-tx' })
  })

  it('a chain that is not in the genesis, or a member claiming another member\'s chain, is not-member', () => {
    const b0 = make(0)
    expect(decodeBlock(signed(0, { ...b0.header, chain: 'RXA-7' }, b0.txs), c.membership)).toMatchObject({ fault: 'not-member' })
    expect(decodeBlock(signed(0, { ...b0.header, chain: 'RXB-0' }, b0.txs), c.membership)).toMatchObject({ fault: 'not-member' })
    const outsider = createBlock({ membership: other.membership, node: other.nodes[0]!.node, privateKey: other.nodes[0]!.privateKey, txs: [], time: T0 })
    const relabelled = tamper(outsider, (w) => (w.header.consortium = 'test-consortium'))
    expect(decodeBlock(relabelled, c.membership).fault).toMatch(/bad-signature|bad-link/)
  })

  it('signs and verifies every block it makes (rates annotated on the test, not asserted)', async ({ annotate }) => {
    const n = 300
    const blocks: Uint8Array[] = []
    let prev: Block | undefined
    let t = performance.now()
    for (let i = 0; i < n; i++) {
      prev = make(0, prev, [])
      blocks.push(encodeBlock(prev))
    }
    const signPerS = n / ((performance.now() - t) / 1000)
    t = performance.now()
    for (const b of blocks) expect(decodeBlock(b, c.membership).fault).toBeUndefined()
    const verifyPerS = n / ((performance.now() - t) / 1000)
    const msg = Buffer.from('x')
    const sig = sign(null, msg, c.nodes[0]!.privateKey)
    expect(verify(null, msg, c.nodes[0]!.node.publicKey, sig)).toBe(true)
    expect(signPerS).toBeGreaterThan(0)
    expect(verifyPerS).toBeGreaterThan(0)
    await annotate(`~${Math.round(signPerS)} blocks created+signed/s, ~${Math.round(verifyPerS)} decoded+verified/s (empty blocks, this machine)`)
  })
})
