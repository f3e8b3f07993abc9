/**
 * What this node last signed, kept apart from the chain files and written atomically, so that after
 * a crash or restart the node refuses to sign a second, different block at a height it has signed
 * already (which honest peers would record as equivocation evidence against its member).
 *
 * Call order in the node: append the block (durable) → `record` → announce.
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LedgerError } from '../errors.js'
import type { Block } from '../interface.js'
import { type FsyncMode, syncDir } from './append-file.js'

/** The last block this node signed. */
export interface SignedRef {
  chain: string
  height: number
  hash: string
}

/** File name of the record inside the data dir. */
export const LAST_SIGNED_FILE = 'last-signed.json'

function isSignedRef(v: unknown): v is SignedRef {
  const r = v as Partial<SignedRef> | null
  return typeof r === 'object' && r !== null && typeof r.chain === 'string' && Number.isSafeInteger(r.height) && (r.height ?? -1) >= 0 && typeof r.hash === 'string' && /^[0-9a-f]{64}$/.test(r.hash)
}

/** `<dir>/last-signed.json`: one record per data dir (one signing key per node). */
export class LastSignedFile {
  private constructor(
    private readonly dir: string,
    private readonly fsync: FsyncMode,
    private current: SignedRef | undefined,
  ) {}

  /** Reads the record if present; `RHN_LEDGER_STORE_CORRUPT` when the file exists but is not a record. */
  static async open(dir: string, fsync: FsyncMode): Promise<LastSignedFile> {
    const file = join(dir, LAST_SIGNED_FILE)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new LastSignedFile(dir, fsync, undefined)
      throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot read ${file}: ${(cause as Error).message}`, { cause })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new LedgerError('RHN_LEDGER_STORE_CORRUPT', `${file} is not JSON (${(cause as Error).message}); it is written atomically, so this is damage, not a crash: restore it or remove it knowingly`, { cause })
    }
    if (!isSignedRef(parsed)) throw new LedgerError('RHN_LEDGER_STORE_CORRUPT', `${file} is not a {chain, height, hash} record`)
    return new LastSignedFile(dir, fsync, { chain: parsed.chain, height: parsed.height, hash: parsed.hash })
  }

  /** The last block signed, if any. */
  get(): SignedRef | undefined {
    return this.current === undefined ? undefined : { ...this.current }
  }

  /**
   * Throws `RHN_LEDGER_EQUIVOCATION` when signing `hash` at (`chain`, `height`) would conflict with what
   * was signed: a different hash at the recorded height, or any height below it. Re-signing the same block is allowed.
   */
  assertMaySign(chain: string, height: number, hash: string): void {
    const last = this.current
    if (last === undefined || last.chain !== chain || height > last.height) return
    if (height === last.height && hash === last.hash) return
    throw new LedgerError(
      'RHN_LEDGER_EQUIVOCATION',
      height === last.height
        ? `refusing to sign ${chain}#${height} ${hash}: this node already signed ${last.hash} at that height (${join(this.dir, LAST_SIGNED_FILE)})`
        : `refusing to sign ${chain}#${height}: this node already signed up to height ${last.height} (${last.hash}); its chain must be restored or caught up from peers before it signs again`,
    )
  }

  /** Records `block` as signed, atomically (tmp file, fsync, rename, fsync dir); checks `assertMaySign` first. */
  async record(block: Block): Promise<void> {
    const ref: SignedRef = { chain: block.header.chain, height: block.header.height, hash: block.hash }
    this.assertMaySign(ref.chain, ref.height, ref.hash)
    const file = join(this.dir, LAST_SIGNED_FILE)
    const tmp = `${file}.tmp`
    try {
      if (this.fsync === 'always') {
        const fd = await open(tmp, 'w', 0o600)
        try {
          await fd.writeFile(`${JSON.stringify(ref)}\n`)
          await fd.sync()
        } finally {
          await fd.close()
        }
        await rename(tmp, file)
        await syncDir(this.dir)
      } else {
        await writeFile(tmp, `${JSON.stringify(ref)}\n`, { mode: 0o600 })
        await rename(tmp, file)
      }
    } catch (cause) {
      throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot write ${file}: ${(cause as Error).message}`, { cause })
    }
    this.current = ref
  }
}
