import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createBlock, encodeBlock } from '../src/chain/block.js'
import { openChainStore } from '../src/store/file-store.js'
import { encodeRecord } from '../src/store/records.js'
import { verifyDataDir } from '../src/verify.js'
import { buildChain } from './fixtures/chain-builder.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'

let c: TestConsortium
let dir: string

beforeAll(async () => {
  c = await makeConsortium(4)
  dir = mkdtempSync(join(tmpdir(), 'rhn-ledger-verify-'))
  const s = await openChainStore({ dir, membership: c.membership })
  for (const b of buildChain(c, c.nodes[0]!, 4)) {
    await s.append(b)
    await s.recordSigned(b)
  }
  for (const b of buildChain(c, c.nodes[1]!, 2)) await s.append(b)
  const [x] = buildChain(c, c.nodes[2]!, 1)
  await s.recordEvidence(x!, createBlock({ membership: c.membership, node: c.nodes[2]!.node, privateKey: c.nodes[2]!.privateKey, txs: [], time: 5 }))
  await s.close()
})


describe('rhn-ledger verify', () => {
  it('reports every chain with its head, the evidence and the last-signed record of a healthy dir', async () => {
    const r = await verifyDataDir(dir, c.genesis)
    expect(r.ok).toBe(true)
    expect(r.chains.map((x) => [x.chain, x.blocks, x.head?.height, x.problems])).toEqual([
      ['RXA-0', 4, 3, []],
      ['RXB-0', 2, 1, []],
    ])
    expect(r.evidence).toEqual({ records: 1, problems: [], notes: [] })
    expect(r.lastSigned).toMatchObject({ chain: 'RXA-0', height: 3 })
    expect(r.genesisHash).toBe(c.membership.genesisHash)
  })

  it('finds a forged block in the middle, and notes a torn tail without changing the file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rhn-ledger-verify-bad-'))
    const s = await openChainStore({ dir: d, membership: c.membership })
    await s.close()
    const a = buildChain(c, c.nodes[0]!, 3)
    const forged = createBlock({ membership: c.membership, node: c.nodes[0]!.node, privateKey: c.nodes[3]!.privateKey, prev: a[0], txs: [], time: a[1]!.header.time })
    const file = join(d, 'chains', 'RXA-0.log')
    writeFileSync(file, Buffer.concat([a[0]!, forged, a[2]!].map((b) => encodeRecord(encodeBlock(b)))))
    appendFileSync(file, Buffer.from([0, 0, 1]))
    const before = readFileSync(file)
    const r = await verifyDataDir(d, c.genesis)
    expect(r.ok).toBe(false)
    const chain = r.chains.find((x) => x.chain === 'RXA-0')!
    expect(chain.blocks).toBe(1)
    expect(chain.problems[0]).toMatch(/RXA-0\.log: block at offset \d+ \(record 1, height 1 expected\) does not verify: bad-signature.*1 later records not checked/)
    expect(chain.notes[0]).toMatch(/3 bytes after offset \d+ are a torn tail/)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('says when the node signed more than its chain file holds', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rhn-ledger-verify-ls-'))
    const s = await openChainStore({ dir: d, membership: c.membership })
    const a = buildChain(c, c.nodes[0]!, 2)
    await s.append(a[0]!)
    await s.recordSigned(a[0]!)
    await s.close()
    writeFileSync(join(d, 'last-signed.json'), JSON.stringify({ chain: 'RXA-0', height: 1, hash: a[1]!.hash }))
    const r = await verifyDataDir(d, c.genesis)
    expect(r.ok).toBe(false)
    expect(r.problems[0]).toMatch(/signed RXA-0#1 but its chain file holds only up to height 0/)
  })

  it('an empty or missing dir verifies as empty', async () => {
    const r = await verifyDataDir(join(tmpdir(), 'rhn-ledger-no-such-dir-x'), c.genesis)
    expect(r).toMatchObject({ ok: true, chains: [], evidence: { records: 0 } })
  })
})
