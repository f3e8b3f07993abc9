/**
 * One append-only record file with group commit: appends that arrive while a write + fsync is in
 * flight are written together and share the next fsync, so catch-up (many blocks at once) is not
 * limited to one fsync per block, while each `append` still resolves only once its bytes are durable.
 */
import { type FileHandle, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { LedgerError } from '../errors.js'
import { encodeRecord } from './records.js'

/** `always`: fsync (fdatasync) before an append resolves; `never`: leave it to the OS (tests, benches). */
export type FsyncMode = 'always' | 'never'

interface Pending {
  bytes: Buffer
  resolve: () => void
  reject: (e: Error) => void
}

/** An open append-only record file. */
export class AppendFile {
  private queue: Pending[] = []
  private flushing: Promise<void> | undefined
  private failed: Error | undefined
  private closed = false

  private constructor(
    readonly path: string,
    private readonly fd: FileHandle,
    private readonly fsync: FsyncMode,
  ) {}

  /** Opens (creating if needed) `path` for appending. */
  static async open(path: string, fsync: FsyncMode): Promise<AppendFile> {
    try {
      const fd = await open(path, 'a', 0o600)
      // The file may be new: its directory entry must be durable too, or a crash can lose the whole file.
      if (fsync === 'always') await syncDir(dirname(path))
      return new AppendFile(path, fd, fsync)
    } catch (cause) {
      throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot open ${path} for appending: ${(cause as Error).message}`, { cause })
    }
  }

  /** Appends one record per payload, in order; resolves once they are written (and fsynced when `always`). */
  append(payloads: Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(new LedgerError('RHN_LEDGER_STORE_IO', `${this.path} is closed`))
    if (this.failed !== undefined) return Promise.reject(this.failed)
    const bytes = Buffer.concat(payloads.map(encodeRecord))
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject })
      this.flushing ??= this.flush()
    })
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      try {
        if (this.failed !== undefined) throw this.failed
        const buf = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((p) => p.bytes))
        let written = 0
        while (written < buf.length) written += (await this.fd.write(buf, written, buf.length - written)).bytesWritten
        if (this.fsync === 'always') await this.fd.datasync()
        for (const p of batch) p.resolve()
      } catch (cause) {
        // After a failed write the file may hold part of a record: refuse further appends (a restart
        // truncates the torn tail) rather than write after garbage.
        this.failed ??= new LedgerError('RHN_LEDGER_STORE_IO', `cannot append to ${this.path}: ${(cause as Error).message}`, { cause })
        for (const p of batch) p.reject(this.failed)
      }
    }
    this.flushing = undefined
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.flushing
    await this.fd.close()
  }
}

/** fsyncs a directory, making the names created in it durable. */
export async function syncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r')
  try {
    await fd.sync()
  } finally {
    await fd.close()
  }
}
