/**
 * The node's state machine over the store: applying verified blocks (in order, one at a time),
 * the endorsement tally and confirmations, endorsing others' blocks, and equivocation.
 * Network-agnostic: gossip, sync and block production all feed `receive`/`appendOwn`.
 */
import type { BlockRef, ConfirmedTx, SubmittedTx } from '@rhn/protocols'
import type { Logger } from 'pino'
import { blockRef, linkProblem } from '../chain/block.js'
import type { Block, ChainStore, ConsensusNode, Membership } from '../interface.js'
import type { ConfirmLog } from './confirm-log.js'
import { Mempool } from './mempool.js'
import { Counters } from './metrics.js'
import { endorsementOnly, slotKey, Tally } from './tally.js'

/** Gap blocks held per chain while sync fills the hole (bounded: sync refetches anything dropped). */
export const MAX_BUFFERED_PER_CHAIN = 256

/** What became of a block handed to `receive`. */
export type ReceiveOutcome = 'appended' | 'duplicate' | 'gap' | 'bad-link' | 'equivocation'

/** What the core needs. */
export interface NodeCoreInit {
  membership: Membership
  self: ConsensusNode
  store: ChainStore
  confirmLog: ConfirmLog
  now: () => number
  logger: Logger
  /** Publishes equivocation evidence (the node wires it to gossip). */
  announceEvidence: (a: Block, b: Block) => void
}

/** State of one node: store, tally, mempool, confirmed list, metrics. */
export class NodeCore {
  readonly membership: Membership
  readonly self: ConsensusNode
  readonly store: ChainStore
  readonly tally: Tally
  readonly mempool = new Mempool()
  readonly metrics = new Counters()
  /** Confirmed submitted txs; cursor = index + 1. */
  readonly confirmedTxs: ConfirmedTx[] = []
  readonly #log: ConfirmLog
  readonly #now: () => number
  readonly #logger: Logger
  readonly #announceEvidence: NodeCoreInit['announceEvidence']
  readonly #listeners = new Set<(tx: ConfirmedTx) => void>()
  readonly #buffered = new Map<string, Map<number, Block>>()
  readonly #evidenceSlots = new Set<string>()
  /** Blocks handed to the store and not durable yet: chain ▸ height ▸ block, and each chain's last. */
  readonly #pending = new Map<string, Map<number, Block>>()
  readonly #pendingTip = new Map<string, Block>()
  /** Store writes in flight (`settled`). */
  readonly #writes = new Set<Promise<void>>()
  #queue: Promise<unknown> = Promise.resolve()

  constructor(init: NodeCoreInit) {
    this.membership = init.membership
    this.self = init.self
    this.store = init.store
    this.#log = init.confirmLog
    this.#now = init.now
    this.#logger = init.logger
    this.#announceEvidence = init.announceEvidence
    this.tally = new Tally(init.store, init.membership.quorum)
  }

  /**
   * Rebuilds the tally from the store (start-up): evidence freezes chains, every held block is
   * indexed, the confirmation log replays the cursors in their first order, blocks confirmable now
   * but missing from the log are confirmed after them, and endorsements this node owes are queued.
   */
  rebuild(): void {
    for (const e of this.store.evidence()) {
      this.#evidenceSlots.add(slotKey(e.chain, e.height))
      this.tally.freeze(e.chain, e.height)
    }
    const all: Block[] = []
    for (const chain of [...this.store.chains()].sort()) {
      for (let from = 0; ; ) {
        const batch = this.store.range(chain, from, 1_000)
        for (const block of batch) this.tally.add(block)
        all.push(...batch)
        if (batch.length < 1_000) break
        from += batch.length
      }
    }
    for (const r of this.#log.open()) {
      const block = this.store.get(r.chain, r.height)
      if (block !== undefined && block.hash === r.hash && this.tally.confirmable(block)) this.#confirm(block, r.at, false)
    }
    for (const block of all) {
      if (this.tally.confirmable(block)) this.#confirm(block, this.#now(), true)
      this.#maybeEndorse(block)
    }
  }

  /** Runs `task` after every earlier one: store appends and evidence happen one at a time, in order. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /**
   * Applies a block verified by `decodeBlock` (gossip or sync): appends it if it is its chain's
   * next. Resolves once it is durable and indexed (endorsed, confirmations counted).
   */
  async receive(block: Block): Promise<ReceiveOutcome> {
    const durable: Array<Promise<void>> = []
    const outcome = await this.serial(() => this.#receive(block, durable))
    await Promise.all(durable)
    return outcome
  }

  /**
   * Applies verified blocks of one chain in order (a sync batch), with what `receive` decides for
   * each; stops at the first that is neither appended nor a duplicate. They are handed to the store
   * together, so they share its group commit (one fsync for many blocks, where catch-up was one
   * fsync per block); resolves once every appended one is durable and indexed.
   */
  async receiveMany(blocks: Block[]): Promise<ReceiveOutcome[]> {
    const durable: Array<Promise<void>> = []
    const outcomes = await this.serial(async () => {
      const out: ReceiveOutcome[] = []
      for (const block of blocks) {
        const outcome = await this.#receive(block, durable)
        out.push(outcome)
        if (outcome !== 'appended' && outcome !== 'duplicate') break
      }
      return out
    })
    await Promise.all(durable)
    return outcomes
  }

  /** The block at (chain, height) this node holds, durable or still being written. */
  held(chain: string, height: number): Block | undefined {
    return this.store.get(chain, height) ?? this.#pending.get(chain)?.get(height)
  }

  /** The last block of `chain` handed to the store, durable or not: what its next block must follow. */
  tip(chain: string): Block | undefined {
    return this.#pendingTip.get(chain) ?? this.store.head(chain)
  }

  /** Resolves once every block handed to the store is durable and indexed (stop). */
  async settled(): Promise<void> {
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes])
  }

  /**
   * Hands a block to the store without waiting for it to be durable: the serial queue moves on to
   * the next block while the store writes, so appends arriving together share one fsync. Nothing
   * reads the block as stored (tally, endorsement, sync answers, heads) before it is durable.
   */
  #write(block: Block): Promise<void> {
    const { chain, height } = block.header
    let pending = this.#pending.get(chain)
    if (pending === undefined) this.#pending.set(chain, (pending = new Map<number, Block>()))
    pending.set(height, block)
    this.#pendingTip.set(chain, block)
    const settle = (): void => {
      pending.delete(height)
      if (pending.size === 0) {
        this.#pending.delete(chain)
        this.#pendingTip.delete(chain)
      }
    }
    const write = this.store.append(block).then(settle, (err: unknown) => {
      settle()
      throw err
    })
    this.#writes.add(write)
    const forget = (): void => void this.#writes.delete(write)
    write.then(forget, forget)
    return write
  }

  /** Appends a block this node built (the producer checked the last-signed guard); resolves once durable. */
  appendOwn(block: Block): Promise<void> {
    const durable = this.#write(block)
    durable.catch(() => undefined) // the producer awaits it; this only keeps an early failure from counting as unhandled
    return durable
  }

  async #receive(block: Block, durable: Array<Promise<void>>): Promise<ReceiveOutcome> {
    const { chain, height } = block.header
    const held = this.held(chain, height)
    if (held !== undefined) {
      if (held.hash === block.hash) return 'duplicate'
      await this.#equivocation(held, block)
      return 'equivocation'
    }
    const head = this.tip(chain)
    const next = head === undefined ? 0 : head.header.height + 1
    if (height > next) {
      this.#buffer(block)
      return 'gap'
    }
    const problem = linkProblem(block, head, this.membership)
    if (problem !== undefined) {
      this.metrics.inc('blocks_rejected_total', { reason: 'bad-link' })
      this.#logger.warn({ chain, height, problem }, 'block refused: bad link')
      return 'bad-link'
    }
    durable.push(
      this.#write(block).then(() => {
        this.metrics.inc('blocks_received_total')
        this.#afterAppend(block)
      }),
    )
    await this.#drainBuffered(chain, height, durable)
    return 'appended'
  }

  /** Blocks that arrived early (gossip ahead of sync) follow the one just appended at `height`. */
  async #drainBuffered(chain: string, height: number, durable: Array<Promise<void>>): Promise<void> {
    const waiting = this.#buffered.get(chain)
    const nextBlock = waiting?.get(height + 1)
    if (waiting !== undefined) {
      for (const h of waiting.keys()) if (h <= height) waiting.delete(h)
      if (waiting.size === 0) this.#buffered.delete(chain)
    }
    if (nextBlock !== undefined) await this.#receive(nextBlock, durable)
  }

  /** Indexes a block this node wrote itself (already appended under the last-signed guard). */
  afterOwnAppend(block: Block): void {
    this.metrics.inc('blocks_produced_total')
    this.#afterAppend(block)
  }

  #afterAppend(block: Block): void {
    for (const confirmed of this.tally.add(block)) this.#confirm(confirmed, this.#now(), true)
    this.#maybeEndorse(block)
  }

  /** Queues this node's endorsement of `block` when the endorsement rule allows it. */
  #maybeEndorse(block: Block): void {
    const { chain, height } = block.header
    if (chain === this.self.chain || endorsementOnly(block) || this.tally.isFrozen(chain, height)) return
    // Already confirmed by a quorum (typical of a node catching up after the others moved on): one
    // more endorsement adds nothing to its certificate, only a block for every member to decode.
    if (this.tally.confirmedAt(chain, height) !== undefined) return
    const ref = blockRef(block)
    if (this.tally.hasEndorsed(this.self.chain, ref)) return
    this.mempool.endorse(ref)
  }

  #confirm(block: Block, at: number, persist: boolean): void {
    this.tally.markConfirmed(block, at)
    const ref: BlockRef = blockRef(block)
    if (persist) this.#log.append({ chain: ref.chain, height: ref.height, hash: ref.hash, at })
    block.txs.forEach((tx, i) => {
      if (tx.kind === 'endorsement') return
      const item: ConfirmedTx = {
        cursor: this.confirmedTxs.length + 1,
        txId: block.txIds[i]!,
        tx: tx satisfies SubmittedTx,
        member: block.header.member,
        block: ref,
        blockTime: block.header.time,
        confirmedAt: at,
      }
      this.confirmedTxs.push(item)
      this.metrics.inc('txs_confirmed_total')
      if (persist) this.#emit(item)
    })
  }

  #emit(item: ConfirmedTx): void {
    for (const listener of this.#listeners) {
      try {
        listener(item)
      } catch (err) {
        this.#logger.error({ err, txId: item.txId }, 'an onConfirmed listener threw')
      }
    }
  }

  /** Subscribes to confirmations. */
  onConfirmed(listener: (tx: ConfirmedTx) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** True when evidence for this (chain, height) is held. */
  hasEvidence(chain: string, height: number): boolean {
    return this.#evidenceSlots.has(slotKey(chain, height))
  }

  /** Adopts verified evidence (two validly signed blocks at one chain and height, different hashes). */
  adoptEvidence(a: Block, b: Block): Promise<void> {
    return this.serial(() => this.#equivocation(a, b))
  }

  async #equivocation(a: Block, b: Block): Promise<void> {
    const { chain, height } = a.header
    if (this.hasEvidence(chain, height)) return
    this.#evidenceSlots.add(slotKey(chain, height))
    // Frozen at once: no endorsement or confirmation of that chain slips in while the evidence is written.
    this.tally.freeze(chain, height)
    this.mempool.filterEndorsements((ref) => !this.tally.isFrozen(ref.chain, ref.height))
    this.metrics.inc('equivocations_total')
    this.#logger.warn({ chain, height, a: a.hash, b: b.hash }, 'equivocation: two signed blocks at one height; chain frozen from here')
    await this.store.recordEvidence(a, b)
    this.#announceEvidence(a, b)
  }

  #buffer(block: Block): void {
    const { chain, height } = block.header
    let waiting = this.#buffered.get(chain)
    if (waiting === undefined) this.#buffered.set(chain, (waiting = new Map<number, Block>()))
    if (waiting.size >= MAX_BUFFERED_PER_CHAIN && !waiting.has(height)) return
    waiting.set(height, block)
  }
}
