/**
 * Block production of this node's own chain: when transactions or endorsements wait, one block
 * (≤ `block.maxTxs`, ≤ `block.maxBytes`) is built, checked against the last-signed record, appended
 * (fsync), recorded as signed, and only then gossiped: a block that was announced is always on
 * disk, and a restarted node never signs a conflicting one.
 *
 * Blocks start at most once per `block.intervalMs`, on the leading edge: work that arrives after a
 * quiet spell is written at once (what arrives in the same turn of the event loop joins it), and
 * work that arrives within the interval after a block waits for the interval's end and is batched.
 * So light load is not held up to a whole interval per hop (a transaction crosses two blocks, its
 * own and the endorsements), and heavy load still gets one signature and one fsync per interval.
 */
import type { KeyObject } from 'node:crypto'
import type { Logger } from 'pino'
import { createBlock, encodeBlock } from '../chain/block.js'
import type { Block } from '../interface.js'
import type { NodeCore } from './core.js'
import type { Batch } from './mempool.js'
import { blockMessage } from './wire.js'

/** The last-signed guard (the store's record of the highest block this key signed). */
export interface SignGuard {
  /** Throws when signing `block` could conflict with a block signed before (same or lower height, or a gap). */
  assertMaySign(block: Block): void
  /** Durably records `block` as the last one signed. */
  recordSigned(block: Block): Promise<void>
}

/** What the producer needs. */
export interface ProducerInit {
  core: NodeCore
  privateKey: KeyObject
  guard: SignGuard
  publish: (data: Uint8Array) => void
  intervalMs: number
  maxTxs: number
  maxBytes: number
  now: () => number
  logger: Logger
}

/** Writes this node's blocks when work waits, at most one per interval. */
export class Producer {
  readonly #init: ProducerInit
  #running = false
  /** The scheduled start of the next block (a timer, or an immediate for the leading edge). */
  #timer: { kind: 'timeout'; handle: NodeJS.Timeout } | { kind: 'immediate'; handle: NodeJS.Immediate } | undefined
  #busy: Promise<void> | undefined
  /** performance.now() when the last block started; -Infinity before the first. */
  #lastStart = -Infinity
  #lastError: string | undefined

  constructor(init: ProducerInit) {
    this.#init = init
  }

  /** Starts producing: from now on queued work schedules a block. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#init.core.mempool.onWork = () => this.#schedule()
    this.#schedule()
  }

  /** Stops scheduling and waits for a block being written. */
  async stop(): Promise<void> {
    this.#running = false
    this.#init.core.mempool.onWork = () => undefined
    this.#cancel()
    await this.#busy
  }

  /** Schedules the next block if work waits: now after a quiet interval, else at the interval's end. */
  #schedule(): void {
    const { core, intervalMs } = this.#init
    if (!this.#running || this.#timer !== undefined || this.#busy !== undefined) return
    if (core.mempool.size === 0 && core.mempool.endorsements === 0) return
    const wait = this.#lastStart + intervalMs - performance.now()
    this.#timer = wait <= 0 ? { kind: 'immediate', handle: setImmediate(() => this.#tick()) } : { kind: 'timeout', handle: setTimeout(() => this.#tick(), wait) }
  }

  #cancel(): void {
    if (this.#timer?.kind === 'timeout') clearTimeout(this.#timer.handle)
    if (this.#timer?.kind === 'immediate') clearImmediate(this.#timer.handle)
    this.#timer = undefined
  }

  #tick(): void {
    this.#timer = undefined
    const { core } = this.#init
    if (!this.#running || this.#busy !== undefined || (core.mempool.size === 0 && core.mempool.endorsements === 0)) return
    this.#lastStart = performance.now()
    this.#busy = this.#produce().finally(() => {
      this.#busy = undefined
      this.#schedule() // what arrived meanwhile, or a batch put back after a failure (retried an interval later)
    })
  }

  async #produce(): Promise<void> {
    const { core, logger } = this.#init
    const batch = core.mempool.take(this.#init.maxTxs, this.#init.maxBytes)
    if (batch.txs.length === 0) return
    try {
      const block = await this.#write(batch)
      this.#init.publish(blockMessage(block))
      this.#lastError = undefined
    } catch (err) {
      core.mempool.putBack(batch)
      core.metrics.inc('blocks_refused_total')
      const message = (err as Error).message
      // Logged once per distinct problem: the timer retries every interval.
      if (message !== this.#lastError) logger.error({ err }, 'could not write this node\'s block; its transactions wait in the mempool')
      this.#lastError = message
    }
  }

  async #write(batch: Batch): Promise<Block> {
    const { core, guard } = this.#init
    // Built and handed to the store in the serial queue (it must follow the chain's tip); the fsyncs
    // are awaited outside it, so blocks received meanwhile are not held up behind them.
    const { block, durable } = await core.serial(() => {
      const built = this.#build(batch)
      guard.assertMaySign(built)
      return Promise.resolve({ block: built, durable: core.appendOwn(built) })
    })
    await durable
    await guard.recordSigned(block)
    core.afterOwnAppend(block)
    return block
  }

  /** Builds the block, shrinking the batch if its encoding exceeds maxBytes (the estimate is generous, so rarely). */
  #build(batch: Batch): Block {
    const { core, privateKey } = this.#init
    for (;;) {
      // validated: submissions were parsed by SubmittedTxSchema on submit, endorsements are built by the node.
      const block = createBlock({ membership: core.membership, node: core.self, privateKey, prev: core.tip(core.self.chain), txs: batch.txs, txTexts: batch.texts, time: this.#init.now(), validated: true })
      if (encodeBlock(block).byteLength <= this.#init.maxBytes || batch.txs.length <= 1) return block
      const keep = Math.max(1, Math.floor(batch.txs.length / 2))
      const spill: Batch = { txs: [], texts: [], submitted: batch.submitted.filter((e) => !batch.txs.slice(0, keep).includes(e.tx)), endorsed: batch.endorsed.slice(keep) }
      batch.txs = batch.txs.slice(0, keep)
      batch.texts = batch.texts.slice(0, keep)
      batch.submitted = batch.submitted.filter((e) => batch.txs.includes(e.tx))
      batch.endorsed = batch.endorsed.slice(0, keep)
      core.mempool.putBack(spill)
    }
  }
}
