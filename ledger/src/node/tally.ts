/**
 * The endorsement tally: which consensus nodes have endorsed which block, and when a block is
 * confirmed. Pure bookkeeping over blocks the node already holds and has verified; no I/O.
 *
 * Rules (README.md "Fault model"):
 * - An endorsement is an `endorsement` tx naming exactly one block ref, written in the endorser's
 *   own chain. Refs with more than one block are valid transactions but not counted: a certificate
 *   entry must be checkable on its own, and its verifier rebuilds the endorsement tx from the ref.
 * - A block's author counts as its first endorser; the others count once each per chain.
 * - A block is confirmed when the distinct endorsers reach the quorum, the block is the one held at
 *   its (chain, height) with the endorsed hash, it carries at least one non-endorsement tx, and its
 *   chain is not frozen at or below its height. Endorsements written at or past a chain's frozen
 *   height do not count (what that chain holds there may differ between nodes).
 */
import type { BlockRef } from '@rhn/protocols'
import type { Block } from '../interface.js'

/** Where a transaction sits. */
export interface TxLocation {
  chain: string
  height: number
  index: number
}

/** Where an endorsement sits in its endorser's chain. */
export interface EndorsementLocation {
  height: number
  txIndex: number
}

/** What the tally reads from the store. */
export interface TallySource {
  get(chain: string, height: number): Block | undefined
}

/** Key of a block ref. */
export function refKey(chain: string, height: number, hash: string): string {
  return `${chain}\n${height}\n${hash}`
}

/** Key of a (chain, height). */
export function slotKey(chain: string, height: number): string {
  return `${chain}\n${height}`
}

/** The single block an endorsement tx names, or undefined (not an endorsement, or several refs). */
export function endorsedRef(tx: Block['txs'][number]): BlockRef | undefined {
  return tx.kind === 'endorsement' && tx.blocks.length === 1 ? tx.blocks[0] : undefined
}

/** True when every tx of a block is an endorsement: such blocks are never endorsed (no endorsement loop). */
export function endorsementOnly(block: Block): boolean {
  return block.txs.every((tx) => tx.kind === 'endorsement')
}

/** Endorsement and confirmation state of the blocks a node holds. */
export class Tally {
  readonly #source: TallySource
  readonly #quorum: number
  /** tx id ▸ where it sits (first block that holds it). */
  readonly #txs = new Map<string, TxLocation>()
  /** block ref ▸ endorsing chain ▸ where the endorsement is. Refs may arrive before their block. */
  readonly #endorsers = new Map<string, Map<string, EndorsementLocation>>()
  /** (chain, height) of confirmed blocks ▸ confirmation time. */
  readonly #confirmed = new Map<string, number>()
  /** chain ▸ lowest height of proven equivocation. */
  readonly #frozen = new Map<string, number>()

  constructor(source: TallySource, quorum: number) {
    this.#source = source
    this.#quorum = quorum
  }

  /** The quorum (endorsements needed, author included). */
  get quorum(): number {
    return this.#quorum
  }

  /**
   * Records a block just appended; returns the blocks it confirms (itself, or those its
   * endorsements complete), each once, in a deterministic order.
   */
  add(block: Block): Block[] {
    const { chain, height } = block.header
    block.txIds.forEach((id, index) => {
      if (!this.#txs.has(id)) this.#txs.set(id, { chain, height, index })
    })
    const candidates: Block[] = [block]
    block.txs.forEach((tx, txIndex) => {
      const ref = endorsedRef(tx)
      if (ref === undefined || ref.chain === chain) return
      const key = refKey(ref.chain, ref.height, ref.hash)
      let endorsers = this.#endorsers.get(key)
      if (endorsers === undefined) this.#endorsers.set(key, (endorsers = new Map<string, EndorsementLocation>()))
      if (endorsers.has(chain)) return
      endorsers.set(chain, { height, txIndex })
      const target = this.#source.get(ref.chain, ref.height)
      if (target !== undefined && target.hash === ref.hash) candidates.push(target)
    })
    return candidates.filter((b) => this.confirmable(b))
  }

  /** True when `block` meets the confirmation rule and is not confirmed yet. */
  confirmable(block: Block): boolean {
    const { chain, height } = block.header
    if (this.#confirmed.has(slotKey(chain, height))) return false
    if (this.isFrozen(chain, height) || endorsementOnly(block)) return false
    const held = this.#source.get(chain, height)
    if (held === undefined || held.hash !== block.hash) return false
    return this.endorsements(block) >= this.#quorum
  }

  /** Marks a block confirmed (at `at`, ms). */
  markConfirmed(block: Block, at: number): void {
    this.#confirmed.set(slotKey(block.header.chain, block.header.height), at)
  }

  /** When a block was confirmed here, or undefined. */
  confirmedAt(chain: string, height: number): number | undefined {
    return this.#confirmed.get(slotKey(chain, height))
  }

  /** Number of confirmed blocks. */
  get confirmedBlocks(): number {
    return this.#confirmed.size
  }

  /** Distinct consensus nodes (author included) whose endorsement of `block` counts. */
  endorsements(block: Block): number {
    return 1 + this.endorsers(block).length
  }

  /** The counted endorsers of `block` other than its author, in chain order. */
  endorsers(block: Block): Array<{ chain: string } & EndorsementLocation> {
    const map = this.#endorsers.get(refKey(block.header.chain, block.header.height, block.hash))
    if (map === undefined) return []
    return [...map.entries()]
      .filter(([chain, loc]) => !this.isFrozen(chain, loc.height))
      .map(([chain, loc]) => ({ chain, ...loc }))
      .sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0))
  }

  /** True when `endorser` has an endorsement of `ref` on record (counted or not). */
  hasEndorsed(endorser: string, ref: BlockRef): boolean {
    return this.#endorsers.get(refKey(ref.chain, ref.height, ref.hash))?.has(endorser) ?? false
  }

  /** Where a transaction sits, or undefined. */
  locate(txId: string): TxLocation | undefined {
    return this.#txs.get(txId)
  }

  /** Number of transactions indexed (endorsements included). */
  get txCount(): number {
    return this.#txs.size
  }

  /** Freezes a chain at `height` (proven equivocation); the lowest height wins. */
  freeze(chain: string, height: number): void {
    const at = this.#frozen.get(chain)
    if (at === undefined || height < at) this.#frozen.set(chain, height)
  }

  /** The frozen height of a chain, or undefined. */
  frozenAt(chain: string): number | undefined {
    return this.#frozen.get(chain)
  }

  /** True when `chain` is frozen at or below `height`. */
  isFrozen(chain: string, height: number): boolean {
    const at = this.#frozen.get(chain)
    return at !== undefined && height >= at
  }
}
