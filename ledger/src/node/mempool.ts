/**
 * What waits for this node's next block: submitted transactions (first come, first served) and
 * endorsements to write. Endorsements go first: they are small and they are what confirms other
 * nodes' blocks, so holding them back would stretch every member's confirmation latency.
 */
import type { BlockRef, LedgerTx } from '@rhn/protocols'
import { canonicalJson } from '../chain/canonical.js'
import { endorsementTx } from './certificate.js'
import { refKey } from './tally.js'

/** Bytes a block needs besides its transactions: header, signature, JSON punctuation (generous). */
export const BLOCK_OVERHEAD_BYTES = 1024

interface Entry {
  id: string
  tx: LedgerTx
  /** Its canonical JSON (what its id hashes; the block reuses it). */
  text: string
}

/** A batch for one block. */
export interface Batch {
  txs: LedgerTx[]
  /** The canonical JSON of each tx, in order. */
  texts: string[]
  /** The submitted entries in it (to put back if the block cannot be written). */
  submitted: Entry[]
  endorsed: BlockRef[]
}

/** The pending transactions and endorsements of one node. */
export class Mempool {
  #queue: Entry[] = []
  #head = 0
  readonly #ids = new Set<string>()
  #endorse: BlockRef[] = []
  readonly #endorseKeys = new Set<string>()
  /** Called when something is queued (the producer schedules a block). */
  onWork: () => void = () => undefined

  /** Submitted transactions waiting. */
  get size(): number {
    return this.#queue.length - this.#head
  }

  /** Endorsements waiting. */
  get endorsements(): number {
    return this.#endorse.length
  }

  /** True when a transaction with this id waits. */
  has(id: string): boolean {
    return this.#ids.has(id)
  }

  /** Queues a submitted transaction (`text`: its canonical JSON, when the caller has it); false when the same id already waits. */
  add(id: string, tx: LedgerTx, text = canonicalJson(tx)): boolean {
    if (this.#ids.has(id)) return false
    this.#ids.add(id)
    this.#queue.push({ id, tx, text })
    this.onWork()
    return true
  }

  /** Queues an endorsement of `ref`; false when one already waits. */
  endorse(ref: BlockRef): boolean {
    const key = refKey(ref.chain, ref.height, ref.hash)
    if (this.#endorseKeys.has(key)) return false
    this.#endorseKeys.add(key)
    this.#endorse.push(ref)
    this.onWork()
    return true
  }

  /** Drops waiting endorsements that `keep` refuses (e.g. of a chain just frozen). */
  filterEndorsements(keep: (ref: BlockRef) => boolean): void {
    this.#endorse = this.#endorse.filter((ref) => keep(ref) || !this.#endorseKeys.delete(refKey(ref.chain, ref.height, ref.hash)))
  }

  /** Takes what fits one block of at most `maxTxs` transactions and `maxBytes` bytes, endorsements first. */
  take(maxTxs: number, maxBytes: number): Batch {
    const budget = maxBytes - BLOCK_OVERHEAD_BYTES
    const batch: Batch = { txs: [], texts: [], submitted: [], endorsed: [] }
    let bytes = 0
    let e = 0
    while (e < this.#endorse.length && batch.txs.length < maxTxs) {
      const ref = this.#endorse[e]!
      const tx = endorsementTx(ref)
      const text = canonicalJson(tx)
      const size = text.length + 1
      if (bytes + size > budget) break
      bytes += size
      batch.txs.push(tx)
      batch.texts.push(text)
      batch.endorsed.push(ref)
      this.#endorseKeys.delete(refKey(ref.chain, ref.height, ref.hash))
      e++
    }
    this.#endorse = this.#endorse.slice(e)
    while (this.#head < this.#queue.length && batch.txs.length < maxTxs) {
      const entry = this.#queue[this.#head]!
      // A transaction larger than a whole block can never be written: the submit path refuses those.
      if (bytes + entry.text.length + 1 > budget) break
      bytes += entry.text.length + 1
      batch.txs.push(entry.tx)
      batch.texts.push(entry.text)
      batch.submitted.push(entry)
      this.#ids.delete(entry.id)
      this.#head++
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    return batch
  }

  /** Puts a batch back at the front (its block could not be written). */
  putBack(batch: Batch): void {
    for (const ref of batch.endorsed) this.endorse(ref)
    for (const s of batch.submitted) this.#ids.add(s.id)
    this.#queue = [...batch.submitted, ...this.#queue.slice(this.#head)]
    this.#head = 0
  }
}
