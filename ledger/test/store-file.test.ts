import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBlock, encodeBlock } from '../src/chain/block.js'
import { crc32 } from '../src/store/crc32.js'
import { type FileChainStore, openChainStore } from '../src/store/file-store.js'
import { encodeRecord } from '../src/store/records.js'
import { buildChain } from './fixtures/chain-builder.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'
import { capacitySnapshotTx } from './fixtures/txs.js'

let c: TestConsortium
const open: FileChainStore[] = []
const freshDir = () => mkdtempSync(join(tmpdir(), 'rhn-ledger-store-'))

/** A pino logger whose lines are kept for the test to read. */
function capture() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      cb()
    },
  })
  return { logger: pino({ level: 'debug' }, stream), lines }
}

async function openStore(dir: string, logger?: ReturnType<typeof capture>['logger']) {
  const s = await openChainStore({ dir, membership: c.membership, fsync: 'always', logger })
  open.push(s)
  return s
}

beforeAll(async () => {
  c = await makeConsortium(4)
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

describe('CRC-32', () => {
  it('is the IEEE CRC (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array(0))).toBe(0)
  })
})

describe('file chain store', () => {
  it('keeps every appended block of every chain across a reopen', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 5)
    const b = buildChain(c, c.nodes[1]!, 3)
    let s = await openStore(dir)
    expect(s.chains()).toEqual([])
    for (const blk of [...a, ...b]) await s.append(blk)
    await s.close()
    s = await openStore(dir)
    expect(s.chains().sort()).toEqual(['RXA-0', 'RXB-0'])
    expect(s.head('RXA-0')?.hash).toBe(a[4]!.hash)
    expect(s.head('RXB-0')?.header.height).toBe(2)
    expect(s.get('RXA-0', 2)?.hash).toBe(a[2]!.hash)
    expect(s.get('RXA-0', 5)).toBeUndefined()
    expect(s.range('RXA-0', 1, 3).map((x) => x.header.height)).toEqual([1, 2, 3])
    expect(s.range('RXA-0', 4, 100).map((x) => x.hash)).toEqual([a[4]!.hash])
    expect(s.range('RXC-0', 0, 10)).toEqual([])
    expect(s.get('RXA-0', 3)?.txs).toEqual(a[3]!.txs)
    // The file is the framed canonical encoding, nothing else.
    const bytes = a.map((x) => encodeRecord(encodeBlock(x)))
    expect(readFileSync(s.chainFile('RXA-0')).equals(Buffer.concat(bytes))).toBe(true)
    expect(statSync(s.chainFile('RXA-0')).mode & 0o777).toBe(0o600)
  })

  it('refuses a block that does not follow its chain, or of a chain not in the genesis', async () => {
    const s = await openStore(freshDir())
    const a = buildChain(c, c.nodes[0]!, 3)
    await expect(s.append(a[1]!)).rejects.toMatchObject({ code: 'RHN_LEDGER_BAD_LINK', message: expect.stringMatching(/RXA-0#1: block RXA-0#1 has no previous block/) })
    await s.append(a[0]!)
    await expect(s.append(a[2]!)).rejects.toMatchObject({ code: 'RHN_LEDGER_BAD_LINK' })
    const other = await makeConsortium(1, { consortiumId: 'other-consortium' })
    const foreign = buildChain(other, { ...other.nodes[0]!, node: { ...other.nodes[0]!.node, chain: 'RXA-9' } }, 1)[0]!
    await expect(s.append(foreign)).rejects.toMatchObject({ code: 'RHN_LEDGER_NOT_MEMBER' })
    expect(s.head('RXA-0')?.header.height).toBe(0)
  })

  it('writes concurrent appends together and resolves each in order once durable', async () => {
    const s = await openStore(freshDir())
    const a = buildChain(c, c.nodes[0]!, 50)
    const resolved: number[] = []
    await Promise.all(a.map((blk) => s.append(blk).then(() => resolved.push(blk.header.height))))
    expect(resolved).toEqual(a.map((_, i) => i))
    expect(s.head('RXA-0')?.header.height).toBe(49)
  })

  it('truncates a torn tail on open, says how many bytes it cut, and appends after it', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 4)
    let s = await openStore(dir)
    for (const blk of a.slice(0, 3)) await s.append(blk)
    await s.close()
    const file = s.chainFile('RXA-0')
    const good = statSync(file).size
    const torn = encodeRecord(encodeBlock(a[3]!)).subarray(0, 37) // a crash mid-write
    appendFileSync(file, torn)
    const log = capture()
    s = await openStore(dir, log.logger)
    expect(s.head('RXA-0')?.header.height).toBe(2)
    expect(statSync(file).size).toBe(good)
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'truncated a torn tail', file, cutBytes: 37, keptBytes: good }))
    await s.append(a[3]!)
    await s.close()
    s = await openStore(dir)
    expect(s.head('RXA-0')?.hash).toBe(a[3]!.hash)
  })

  it('truncates a last record that fails its CRC, and a zero-filled tail', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 3)
    let s = await openStore(dir)
    for (const blk of a) await s.append(blk)
    await s.close()
    const file = s.chainFile('RXA-0')
    const data = readFileSync(file)
    data[data.length - 5]! ^= 0xff
    writeFileSync(file, Buffer.concat([data, Buffer.alloc(100)]))
    s = await openStore(dir)
    expect(s.head('RXA-0')?.header.height).toBe(1)
    await s.close()
    appendFileSync(file, Buffer.alloc(4096))
    s = await openStore(dir)
    expect(s.head('RXA-0')?.header.height).toBe(1)
  })

  it('refuses to open over a block inside a file that does not verify, naming file, offset and height', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 3)
    const forged = createBlock({ membership: c.membership, node: c.nodes[0]!.node, privateKey: c.nodes[1]!.privateKey, prev: a[0], txs: [capacitySnapshotTx('RXA', 7)], time: a[1]!.header.time })
    const s = await openStore(dir)
    await s.close()
    const records = [a[0]!, forged, a[2]!].map((b) => encodeRecord(encodeBlock(b)))
    writeFileSync(s.chainFile('RXA-0'), Buffer.concat(records))
    const before = readFileSync(s.chainFile('RXA-0'))
    const err = (await openStore(dir).catch((e: unknown) => e)) as Error & { code: string }
    expect(err.code).toBe('RHN_LEDGER_STORE_CORRUPT')
    expect(err.message).toContain(s.chainFile('RXA-0'))
    expect(err.message).toContain(`offset ${records[0]!.length}`)
    expect(err.message).toMatch(/bad-signature/)
    expect(readFileSync(s.chainFile('RXA-0')).equals(before)).toBe(true) // never "repaired" silently
    // A validly signed block that does not link is also named, with its height.
    writeFileSync(s.chainFile('RXA-0'), Buffer.concat([a[0]!, a[2]!].map((b) => encodeRecord(encodeBlock(b)))))
    await expect(openStore(dir)).rejects.toThrow(/offset \d+ \(height 2\).*bad-link/)
  })

  it('keeps equivocation evidence, one per (chain, height), across a reopen', async () => {
    const dir = freshDir()
    const [b0] = buildChain(c, c.nodes[2]!, 1)
    const twin = createBlock({ membership: c.membership, node: c.nodes[2]!.node, privateKey: c.nodes[2]!.privateKey, txs: [], time: b0!.header.time })
    let s = await openChainStore({ dir, membership: c.membership, now: () => 42 })
    await Promise.all([s.recordEvidence(b0!, twin), s.recordEvidence(twin, b0!)]) // two peers report it at once
    await s.recordEvidence(twin, b0!)
    await expect(s.recordEvidence(b0!, b0!)).rejects.toMatchObject({ code: 'RHN_LEDGER_EQUIVOCATION' })
    await s.close()
    s = await openStore(dir)
    expect(s.evidence()).toEqual([{ chain: 'RXC-0', height: 0, blocks: [expect.objectContaining({ hash: b0!.hash }), expect.objectContaining({ hash: twin.hash })], detectedAt: 42 }])
  })

  it('is one process per data dir', async () => {
    const dir = freshDir()
    await openStore(dir)
    await expect(openChainStore({ dir, membership: c.membership })).rejects.toMatchObject({ code: 'RHN_LEDGER_STORE_IO', message: expect.stringMatching(/in use by process/) })
    // A LOCK left by a process that is gone (kill -9) is taken over.
    const dir2 = freshDir()
    writeFileSync(join(dir2, 'LOCK'), '999999999\n')
    await openStore(dir2)
  })
})

describe('last-signed record', () => {
  it('refuses, after a restart, to sign a different block at a height already signed', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 3)
    let s = await openStore(dir)
    for (const blk of a) {
      await s.append(blk)
      await s.recordSigned(blk)
    }
    await s.close()
    s = await openStore(dir)
    expect(s.lastSigned()).toEqual({ chain: 'RXA-0', height: 2, hash: a[2]!.hash })
    const conflicting = createBlock({ membership: c.membership, node: c.nodes[0]!.node, privateKey: c.nodes[0]!.privateKey, prev: a[1], txs: [], time: a[2]!.header.time + 1 })
    expect(() => s.assertMaySign('RXA-0', 2, conflicting.hash)).toThrow(expect.objectContaining({ code: 'RHN_LEDGER_EQUIVOCATION' }))
    await expect(s.recordSigned(conflicting)).rejects.toMatchObject({ code: 'RHN_LEDGER_EQUIVOCATION' })
    expect(() => s.assertMaySign('RXA-0', 2, a[2]!.hash)).not.toThrow()
    expect(() => s.assertMaySign('RXA-0', 3, 'f'.repeat(64))).not.toThrow()
    // Even when the chain file lost those blocks (restored from an old backup, or fsync off), the record still refuses.
    await s.close()
    const file = s.chainFile('RXA-0')
    writeFileSync(file, readFileSync(file).subarray(0, encodeRecord(encodeBlock(a[0]!)).length))
    s = await openStore(dir)
    expect(s.head('RXA-0')?.header.height).toBe(0)
    expect(() => s.assertMaySign('RXA-0', 2, conflicting.hash)).toThrow(expect.objectContaining({ code: 'RHN_LEDGER_EQUIVOCATION', message: expect.stringMatching(/already signed [0-9a-f]{64} at that height/) }))
    expect(() => s.assertMaySign('RXA-0', 1, 'f'.repeat(64))).toThrow(/already signed up to height 2/)
    expect(JSON.parse(readFileSync(join(dir, 'last-signed.json'), 'utf8'))).toEqual({ chain: 'RXA-0', height: 2, hash: a[2]!.hash })
  })

  it('refuses also when the record is older than the stored chain (a crash between append and record)', async () => {
    const dir = freshDir()
    const a = buildChain(c, c.nodes[0]!, 2)
    let s = await openStore(dir)
    await s.append(a[0]!)
    await s.recordSigned(a[0]!)
    await s.append(a[1]!) // crash before recordSigned(a[1])
    await s.close()
    s = await openStore(dir)
    const other = createBlock({ membership: c.membership, node: c.nodes[0]!.node, privateKey: c.nodes[0]!.privateKey, prev: a[0], txs: [], time: 1 })
    expect(() => s.assertMaySign('RXA-0', 1, other.hash)).toThrow(/the store holds/)
  })

  it('names a damaged record instead of ignoring it', async () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'last-signed.json'), '{"chain":')
    await expect(openStore(dir)).rejects.toMatchObject({ code: 'RHN_LEDGER_STORE_CORRUPT', message: expect.stringMatching(/last-signed\.json is not JSON/) })
  })
})
