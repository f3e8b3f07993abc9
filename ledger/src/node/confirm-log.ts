/**
 * The confirmation log: one line per block this node confirmed, in confirmation order, so the
 * cursors of `confirmed(after)` survive a restart unchanged (the region pages with them).
 *
 * Each line is written with one `write(2)` before the confirmation is announced: a `kill -9` keeps
 * it (the page cache survives the process). A power cut may lose the last lines; on restart those
 * blocks are confirmed again with new, higher cursors, so a reader may see a transaction twice but
 * never misses one (readers key on `txId`). A torn last line is cut off on open.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { LedgerError } from '../errors.js'

/** One confirmed block. */
export interface ConfirmRecord {
  chain: string
  height: number
  hash: string
  /** Confirmation time, ms since the epoch. */
  at: number
}

/** Append-only log of confirmed blocks. */
export class ConfirmLog {
  readonly #file: string
  #fd: number | undefined

  constructor(file: string) {
    this.#file = file
  }

  /** Opens the log (creating it), cuts a torn tail, and returns the records in order. */
  open(): ConfirmRecord[] {
    let text = ''
    try {
      mkdirSync(dirname(this.#file), { recursive: true })
      text = readFileSync(this.#file, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw io(this.#file, 'read', cause)
    }
    const end = text.lastIndexOf('\n') + 1
    const records: ConfirmRecord[] = []
    for (const line of text.slice(0, end).split('\n')) {
      if (line === '') continue
      try {
        const r = JSON.parse(line) as ConfirmRecord
        if (typeof r.chain === 'string' && Number.isSafeInteger(r.height) && typeof r.hash === 'string' && Number.isFinite(r.at)) records.push(r)
      } catch {
        // A damaged line is dropped: the block is confirmed again from the store (see the header).
      }
    }
    try {
      this.#fd = openSync(this.#file, 'a')
      if (end < Buffer.byteLength(text)) ftruncateSync(this.#fd, Buffer.byteLength(text.slice(0, end)))
    } catch (cause) {
      throw io(this.#file, 'open', cause)
    }
    return records
  }

  /** Appends one record (one write(2) call). */
  append(record: ConfirmRecord): void {
    if (this.#fd === undefined) throw new LedgerError('RHN_LEDGER_STORE_IO', `confirmation log ${this.#file} is not open`)
    try {
      writeSync(this.#fd, `${JSON.stringify(record)}\n`)
    } catch (cause) {
      throw io(this.#file, 'append to', cause)
    }
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }
}

function io(file: string, what: string, cause: unknown): LedgerError {
  return new LedgerError('RHN_LEDGER_STORE_IO', `cannot ${what} confirmation log ${file}: ${(cause as Error).message}`, { cause })
}
