// Torn tail or corruption (issue 6 "Storage"): a crash mid-append can only damage the last write,
// which the store truncates on open; a bad record with intact data after it is bit rot or an edit,
// and blocks after it were durable, announced and maybe endorsed. Those the store never truncates:
// it refuses to open, naming file, offset and height, and `verify` reports a problem.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createBlock, encodeBlock } from '../src/chain/block.js'
import { openChainStore } from '../src/store/file-store.js'
import { encodeEvidence } from '../src/store/load.js'
import { encodeRecord, RECORD_HEADER_BYTES, scanRecords } from '../src/store/records.js'
import { verifyDataDir } from '../src/verify.js'
import { buildChain } from './fixtures/chain-builder.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'

let c: TestConsortium
let records: Buffer[]
/** Start offsets of the 4 records of the test file. */
let at: number[]
let file: Buffer

beforeAll(async () => {
  c = await makeConsortium(4)
  records = buildChain(c, c.nodes[0]!, 4).map((b) => encodeRecord(encodeBlock(b)))
  file = Buffer.concat(records)
  at = records.map((_, i) => records.slice(0, i).reduce((n, r) => n + r.length, 0))
})

/** A copy of the 4-record file with `edit` applied. */
function edited(edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(file)
  edit(b)
  return b
}

describe('scanRecords: torn tail or corruption', () => {
  const corrupt = (data: Buffer, offset: number, index: number) => {
    const r = scanRecords(data)
    expect(r.tailProblem).toBeUndefined()
    expect(r.corrupt).toMatchObject({ offset, index })
    expect(r.records).toHaveLength(index)
    expect(r.goodBytes).toBe(offset)
    return r.corrupt!.detail
  }
  const torn = (data: Buffer, kept: number) => {
    const r = scanRecords(data)
    expect(r.corrupt).toBeUndefined()
    expect(r.tailProblem).toBeDefined()
    expect(r.records).toHaveLength(kept)
    expect(r.goodBytes).toBe(at[kept] ?? file.length)
  }

  it('a flipped payload byte with intact records after it is corruption', () => {
    expect(corrupt(edited((b) => (b[at[1]! + RECORD_HEADER_BYTES + 20]! ^= 0x01)), at[1]!, 1)).toMatch(/fails its CRC-32, and an intact record follows at offset/)
    expect(corrupt(edited((b) => (b[at[0]! + 5]! ^= 0x80)), 0, 0)).toMatch(/CRC/) // the CRC field itself
  })

  it('a rotten length field is corruption, whichever way it points', () => {
    const setLength = (i: number, n: number) => edited((b) => b.writeUInt32BE(n, at[i]))
    const len1 = records[1]!.length - RECORD_HEADER_BYTES
    expect(corrupt(setLength(1, len1 + 1_000_000), at[1]!, 1)).toMatch(/only \d+ follow.*intact record follows at offset/) // past the end
    expect(corrupt(setLength(1, len1 - 7), at[1]!, 1)).toMatch(/intact record follows/) // shorter
    expect(corrupt(setLength(1, 0), at[1]!, 1)).toMatch(/declares 0 bytes/)
    expect(corrupt(setLength(1, 0xffffffff), at[1]!, 1)).toMatch(/declares 4294967295 bytes/)
    // Swallowing every later record, ending exactly at the end of the file: they are still found.
    expect(corrupt(setLength(1, file.length - at[1]! - RECORD_HEADER_BYTES), at[1]!, 1)).toMatch(/fails its CRC-32, and an intact record follows at offset/)
  })

  it('a bad last record followed by bytes that are neither a record nor zeros is corruption', () => {
    const data = Buffer.concat([edited((b) => (b[at[3]! + 30]! ^= 0x01)), Buffer.from('garbage that no crash writes')])
    expect(corrupt(data, at[3]!, 3)).toMatch(/bytes that are not zeros follow its end/)
  })

  it('a short last record, a bad last record, a zero-filled tail and a header cut short are torn tails', () => {
    torn(file.subarray(0, at[3]! + 37), 3)
    torn(edited((b) => (b[file.length - 5]! ^= 0xff)), 3)
    torn(Buffer.concat([edited((b) => (b[file.length - 5]! ^= 0xff)), Buffer.alloc(4096)]), 3)
    torn(Buffer.concat([file, Buffer.alloc(100)]), 4)
    torn(Buffer.concat([file, Buffer.from([0, 0, 1])]), 4)
    expect(scanRecords(file)).toEqual({ records: expect.any(Array), goodBytes: file.length })
  })
})

describe('the store and verify over a corrupt file', () => {
  async function dataDir(chainFile: Buffer, evidence?: Buffer): Promise<{ dir: string; path: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-ledger-corrupt-'))
    const s = await openChainStore({ dir, membership: c.membership, fsync: 'never' })
    const path = s.chainFile('RXA-0')
    await s.close()
    writeFileSync(path, chainFile)
    if (evidence !== undefined) writeFileSync(join(dir, 'evidence.log'), evidence)
    return { dir, path }
  }

  it('refuses to open over bit rot in the middle of a chain file, naming file, offset and height, and cuts nothing', async () => {
    const rotten = edited((b) => (b[at[2]! + RECORD_HEADER_BYTES + 20]! ^= 0x01))
    const { dir, path } = await dataDir(rotten)
    const err = (await openChainStore({ dir, membership: c.membership }).catch((e: unknown) => e)) as Error & { code: string }
    expect(err.code).toBe('RHN_LEDGER_STORE_CORRUPT')
    expect(err.message).toContain(`${path}: the record at offset ${at[2]} (height 2) is corrupt`)
    expect(readFileSync(path).equals(rotten)).toBe(true)
    // The failed open released the data dir: it can be opened again once the file is repaired.
    writeFileSync(path, file)
    const s = await openChainStore({ dir, membership: c.membership })
    expect(s.head('RXA-0')?.header.height).toBe(3)
    await s.close()
  })

  it('verify reports it as a problem (not a note) and leaves the file alone', async () => {
    const rotten = edited((b) => b.writeUInt32BE(0, at[1]))
    const { dir, path } = await dataDir(rotten)
    const r = await verifyDataDir(dir, c.genesis)
    expect(r.ok).toBe(false)
    const chain = r.chains.find((x) => x.chain === 'RXA-0')!
    expect(chain.blocks).toBe(1)
    expect(chain.notes).toEqual([])
    expect(chain.problems).toEqual([expect.stringMatching(new RegExp(`RXA-0\\.log: record at offset ${at[1]} \\(height 1\\) is corrupt: .*declares 0 bytes.*refuses to open`))])
    expect(readFileSync(path).equals(rotten)).toBe(true)
  })

  it('a torn tail is still only a note for verify, and truncated by the store', async () => {
    const { dir, path } = await dataDir(file.subarray(0, at[3]! + 37))
    const r = await verifyDataDir(dir, c.genesis)
    expect(r.ok).toBe(true)
    expect(r.chains[0]!.notes[0]).toMatch(/37 bytes after offset \d+ are a torn tail/)
    const s = await openChainStore({ dir, membership: c.membership })
    expect(s.head('RXA-0')?.header.height).toBe(2)
    await s.close()
    expect(readFileSync(path).length).toBe(at[3])
  })

  it('refuses to open over a corrupt evidence record with evidence after it', async () => {
    const [x] = buildChain(c, c.nodes[2]!, 1)
    const twin = (t: number) => createBlock({ membership: c.membership, node: c.nodes[2]!.node, privateKey: c.nodes[2]!.privateKey, txs: [], time: t })
    const evidence = Buffer.concat([encodeRecord(encodeEvidence(x!, twin(5), 1)), encodeRecord(encodeEvidence(x!, twin(6), 2))])
    evidence[RECORD_HEADER_BYTES + 10]! ^= 0x04
    const { dir } = await dataDir(file, evidence)
    await expect(openChainStore({ dir, membership: c.membership })).rejects.toMatchObject({ code: 'RHN_LEDGER_STORE_CORRUPT', message: expect.stringMatching(/evidence\.log: the record at offset 0 \(evidence record 0\) is corrupt/) })
    const r = await verifyDataDir(dir, c.genesis)
    expect(r.evidence.problems).toEqual([expect.stringMatching(/evidence\.log: record at offset 0 \(evidence record 0\) is corrupt/)])
    expect(r.ok).toBe(false)
  })
})
