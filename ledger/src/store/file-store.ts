/**
 * The durable `ChainStore`: one append-only, checksummed record file per chain
 * (`<dir>/chains/<chain>.log`), `<dir>/evidence.log` in the same format, `<dir>/last-signed.json`,
 * and an in-memory index of every block (the consortium's scale: a few chains, blocks of KiB).
 * On open a torn tail is truncated (with a warning saying how many bytes) and every block is
 * verified again; a bad record or block inside a file (intact data after it) is an error, never
 * silently dropped or truncated.
 */
import { mkdir, readdir, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { encodeBlock, linkProblem } from '../chain/block.js'
import { LedgerError } from '../errors.js'
import type { Block, ChainStore, Membership } from '../interface.js'
import { AppendFile, type FsyncMode, syncDir } from './append-file.js'
import { LastSignedFile, type SignedRef } from './last-signed.js'
import { decodeEvidence, encodeEvidence, type Evidence, loadChain, readIfExists } from './load.js'
import { acquireLock, releaseLock } from './lock.js'
import { scanRecords } from './records.js'

/** Options of `openChainStore`. */
export interface ChainStoreInit {
  /** The node's data dir (`dataDir` in the node config). */
  dir: string
  membership: Membership
  /** `always` (default): durable before `append`/`recordEvidence`/`recordSigned` resolve. */
  fsync?: FsyncMode
  logger?: Logger
  /** Clock for evidence `detectedAt`, ms (default `Date.now`). */
  now?: () => number
}

interface ChainState {
  blocks: Block[]
  /** The last block accepted by `append`, durable or not: what the next append must follow. */
  tip: Block | undefined
  file: Promise<AppendFile> | undefined
}

/** Opens (creating) the store in `dir`, truncating torn tails and verifying every block. */
export async function openChainStore(init: ChainStoreInit): Promise<FileChainStore> {
  const store = new FileChainStore(init)
  await store.load()
  return store
}

/** The file-backed chain store; see `openChainStore`. */
export class FileChainStore implements ChainStore {
  private readonly dir: string
  private readonly membership: Membership
  private readonly fsync: FsyncMode
  private readonly log: Logger | undefined
  private readonly now: () => number
  private readonly state = new Map<string, ChainState>()
  private readonly held = new Map<string, Evidence>()
  private readonly evidenceWrites = new Map<string, Promise<void>>()
  private evidenceFile: Promise<AppendFile> | undefined
  private signed: LastSignedFile | undefined
  private closed = false

  /** Use `openChainStore`. */
  constructor(init: ChainStoreInit) {
    this.dir = init.dir
    this.membership = init.membership
    this.fsync = init.fsync ?? 'always'
    this.log = init.logger
    this.now = init.now ?? Date.now
  }

  /** Where chain `chain` is stored. */
  chainFile(chain: string): string {
    return join(this.dir, 'chains', `${chain}.log`)
  }

  /** @internal Called once by `openChainStore`. */
  async load(): Promise<void> {
    try {
      await mkdir(join(this.dir, 'chains'), { recursive: true })
      if (this.fsync === 'always') await syncDir(this.dir)
    } catch (cause) {
      throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot create the data dir ${this.dir}: ${(cause as Error).message}`, { cause })
    }
    await acquireLock(this.dir)
    try {
      const names = await readdir(join(this.dir, 'chains'))
      for (const name of names.filter((n) => n.endsWith('.log'))) {
        const chain = name.slice(0, -'.log'.length)
        if (!this.membership.byChain.has(chain)) {
          this.log?.warn({ file: this.chainFile(chain) }, 'chain file of a chain not in the genesis: ignored')
          continue
        }
        await this.loadChainFile(chain)
      }
      await this.loadEvidence()
      this.signed = await LastSignedFile.open(this.dir, this.fsync)
    } catch (e) {
      await this.close()
      throw e
    }
  }

  /**
   * Scans a record file, truncating a torn tail; throws `RHN_LEDGER_STORE_CORRUPT` (file, offset and
   * `where` the record sits) and leaves the file untouched when a bad record has intact data after it.
   */
  private async repairedScan(file: string, where: (index: number) => string) {
    const data = await readIfExists(file)
    const scan = scanRecords(data)
    if (scan.corrupt !== undefined) {
      const { offset, index, detail } = scan.corrupt
      throw new LedgerError('RHN_LEDGER_STORE_CORRUPT', `${file}: the record at offset ${offset} (${where(index)}) is corrupt: ${detail}; the file was not changed (run rhn-ledger verify --data ${this.dir})`)
    }
    if (scan.tailProblem !== undefined) {
      await truncate(file, scan.goodBytes)
      this.log?.warn({ file, cutBytes: data.length - scan.goodBytes, keptBytes: scan.goodBytes, problem: scan.tailProblem }, 'truncated a torn tail')
    }
    return scan
  }

  private async loadChainFile(chain: string): Promise<void> {
    const file = this.chainFile(chain)
    const { blocks, problem } = loadChain(await this.repairedScan(file, (i) => `height ${i}`), chain, this.membership)
    if (problem !== undefined) {
      throw new LedgerError('RHN_LEDGER_STORE_CORRUPT', `${file}: the block at offset ${problem.offset} (${problem.where}) does not verify: ${problem.detail}; the file was not changed (run rhn-ledger verify --data ${this.dir})`)
    }
    if (blocks.length > 0) this.state.set(chain, { blocks, tip: blocks.at(-1), file: undefined })
  }

  private async loadEvidence(): Promise<void> {
    const file = join(this.dir, 'evidence.log')
    for (const { offset, payload } of (await this.repairedScan(file, (i) => `evidence record ${i}`)).records) {
      const ev = decodeEvidence(payload, this.membership)
      if (typeof ev === 'string') throw new LedgerError('RHN_LEDGER_STORE_CORRUPT', `${file}: the evidence record at offset ${offset} does not verify: ${ev}`)
      this.held.set(`${ev.chain}#${ev.height}`, ev)
    }
  }

  head(chain: string): Block | undefined {
    return this.state.get(chain)?.blocks.at(-1)
  }

  get(chain: string, height: number): Block | undefined {
    return this.state.get(chain)?.blocks[height]
  }

  range(chain: string, from: number, max: number): Block[] {
    const blocks = this.state.get(chain)?.blocks
    if (blocks === undefined || max <= 0 || from < 0) return []
    return blocks.slice(from, from + max)
  }

  chains(): string[] {
    return [...this.state.entries()].filter(([, s]) => s.blocks.length > 0).map(([c]) => c)
  }

  /**
   * Appends the next block of its chain (the caller has verified it). Throws `RHN_LEDGER_NOT_MEMBER`
   * for a chain not in the genesis and `RHN_LEDGER_BAD_LINK` unless it follows the last appended block.
   * Concurrent appends are written together (one fsync); each resolves once durable.
   */
  async append(block: Block): Promise<void> {
    this.assertOpen()
    const chain = block.header.chain
    if (!this.membership.byChain.has(chain)) throw new LedgerError('RHN_LEDGER_NOT_MEMBER', `cannot store block of chain ${chain}: not a consensus node of the genesis`)
    let s = this.state.get(chain)
    const link = linkProblem(block, s?.tip, this.membership)
    if (link !== undefined) throw new LedgerError('RHN_LEDGER_BAD_LINK', `cannot store ${chain}#${block.header.height}: ${link}`)
    if (s === undefined) this.state.set(chain, (s = { blocks: [], tip: undefined, file: undefined }))
    s.tip = block
    s.file ??= AppendFile.open(this.chainFile(chain), this.fsync)
    await (await s.file).append([encodeBlock(block)])
    s.blocks.push(block) // in order: appends of one chain resolve in the order they were made
  }

  /** Records that `a` and `b` were both signed at one (chain, height); the first pair per height is kept. */
  async recordEvidence(a: Block, b: Block): Promise<void> {
    this.assertOpen()
    const key = `${a.header.chain}#${a.header.height}`
    if (a.header.chain !== b.header.chain || a.header.height !== b.header.height || a.hash === b.hash) {
      throw new LedgerError('RHN_LEDGER_EQUIVOCATION', `evidence needs two different blocks at one height, got ${key} and ${b.header.chain}#${b.header.height}`)
    }
    const pending = this.evidenceWrites.get(key)
    if (pending !== undefined) return pending // the same (chain, height) reported twice: durable when the first is
    if (this.held.has(key)) return
    const ev: Evidence = { chain: a.header.chain, height: a.header.height, blocks: [a, b], detectedAt: this.now() }
    this.held.set(key, ev)
    const write = (async () => {
      this.evidenceFile ??= AppendFile.open(join(this.dir, 'evidence.log'), this.fsync)
      await (await this.evidenceFile).append([encodeEvidence(a, b, ev.detectedAt)])
    })()
    this.evidenceWrites.set(key, write)
    try {
      await write
    } finally {
      this.evidenceWrites.delete(key)
    }
  }

  evidence(): Evidence[] {
    return [...this.held.values()]
  }

  /** The last block this node signed (from `last-signed.json`). */
  lastSigned(): SignedRef | undefined {
    return this.signer().get()
  }

  /**
   * Throws `RHN_LEDGER_EQUIVOCATION` when signing `hash` at (`chain`, `height`) would contradict what this
   * node signed before: the last-signed record, or a different block already stored at that height.
   */
  assertMaySign(chain: string, height: number, hash: string): void {
    const held = this.get(chain, height)
    if (held !== undefined && held.hash !== hash) {
      throw new LedgerError('RHN_LEDGER_EQUIVOCATION', `refusing to sign ${chain}#${height} ${hash}: the store holds ${held.hash} at that height`)
    }
    this.signer().assertMaySign(chain, height, hash)
  }

  /** Records `block` as signed by this node (atomically, durable per `fsync`); call after `append`, before announcing. */
  async recordSigned(block: Block): Promise<void> {
    this.assertMaySign(block.header.chain, block.header.height, block.hash)
    await this.signer().record(block)
  }

  private signer(): LastSignedFile {
    this.assertOpen()
    return this.signed!
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('RHN_LEDGER_STORE_IO', `the chain store in ${this.dir} is closed`)
  }

  /** Waits for pending appends, closes every file and releases the data dir. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const files = [...[...this.state.values()].map((s) => s.file), this.evidenceFile]
    await Promise.allSettled(files.map(async (f) => (await f)?.close()))
    await releaseLock(this.dir)
  }
}
