/**
 * The node's side of the blocks topic: the gossip validator (Accept / Reject / Ignore, decided
 * synchronously on every message) and the handler of accepted messages.
 *
 * | message | verdict |
 * |---|---|
 * | not an envelope, or a block `decodeBlock` refuses | Reject (`blocks_rejected_total{reason}`: malformed, oversized, not-member, wrong-consortium, bad-signature, bad-tx) |
 * | the next block of its chain, linked right | Accept (appended by `onMessage`) |
 * | the next block of its chain, linked wrong | Reject (bad-link) |
 * | a block held already, recent | Ignore (an honest late copy: gossip IWANT, a publish queue flushed after a cut) |
 * | a block held already, older than `STALE_BLOCK_AGE_MS` | Reject (stale: no honest node relays a block that old; a replay) |
 * | another block at a height held (equivocation) | Ignore, and the evidence path runs (evidence is gossiped by this node) |
 * | a block past its chain's next height (gap) | Ignore, buffered, and catch-up sync from the peer that sent it |
 * | evidence: two validly signed blocks, one chain and height, different hashes | Accept when new, Ignore when held; Reject otherwise |
 */
import type { Logger } from 'pino'
import { decodeBlock } from '../chain/block.js'
import type { Block, BlockFault, GossipVerdict } from '../interface.js'
import type { NodeCore } from './core.js'
import { openEnvelope } from './wire.js'

/**
 * Age past which a block already held, arriving by gossip, is a replay and Rejected, ms (10 min:
 * far beyond gossipsub's seen cache (2 min) and message cache (5 heartbeats), so no honest relay
 * of a fresh block is ever penalised).
 */
export const STALE_BLOCK_AGE_MS = 10 * 60_000

/** What the gossip side needs besides the core. */
export interface GossipSideInit {
  core: NodeCore
  maxBlockBytes: number
  now: () => number
  logger: Logger
  /** A block arrived ahead of its chain's next height: fetch the gap from `peerId`. */
  onGap: (peerId: string, chain: string, height: number) => void
}

type Decoded = { type: 'block'; block: Block } | { type: 'evidence'; a: Block; b: Block }

/** Validator and message handler of the blocks topic. */
export class GossipSide {
  readonly #init: GossipSideInit
  /** Messages decoded by the validator, handed to `onMessage` without decoding twice. */
  readonly #decoded = new WeakMap<Uint8Array, Decoded>()

  constructor(init: GossipSideInit) {
    this.#init = init
  }

  /** The gossip validator (see the table above). */
  validate(data: Uint8Array, fromPeer: string): GossipVerdict {
    const { core } = this.#init
    const decoded = this.#decode(data, fromPeer)
    if (decoded === undefined) return 'reject'
    if (decoded.type === 'evidence') {
      const { a, b } = decoded
      if (a.header.chain !== b.header.chain || a.header.height !== b.header.height || a.hash === b.hash) {
        return this.#reject('malformed', fromPeer, 'evidence blocks are not two different blocks at one chain and height')
      }
      if (core.hasEvidence(a.header.chain, a.header.height)) return 'ignore'
      this.#decoded.set(data, decoded)
      return 'accept'
    }
    const { block } = decoded
    const { chain, height } = block.header
    const held = core.held(chain, height)
    if (held !== undefined) {
      if (held.hash !== block.hash) {
        this.#apply(core.receive(block), fromPeer) // the equivocation path: evidence stored and gossiped by this node
        return 'ignore'
      }
      if (this.#init.now() - block.header.time > STALE_BLOCK_AGE_MS) return this.#reject('stale', fromPeer, `block ${chain}#${height} held already and ${Math.round((this.#init.now() - block.header.time) / 1000)} s old: a replay`)
      return 'ignore'
    }
    const head = core.tip(chain)
    const next = head === undefined ? 0 : head.header.height + 1
    if (height > next) {
      this.#apply(core.receive(block), fromPeer) // buffered until the gap is filled
      this.#init.onGap(fromPeer, chain, height)
      return 'ignore'
    }
    if (head !== undefined && block.header.prevHash !== head.hash) {
      return this.#reject('bad-link', fromPeer, `block ${chain}#${height} links to ${block.header.prevHash}, the head is ${head.hash}`)
    }
    if (head === undefined && block.header.prevHash !== core.membership.genesisHash) {
      return this.#reject('bad-link', fromPeer, `block ${chain}#0 does not link to the genesis`)
    }
    this.#decoded.set(data, decoded)
    return 'accept'
  }

  /** Applies an accepted message. */
  onMessage(data: Uint8Array, fromPeer: string): void {
    const decoded = this.#decoded.get(data) ?? this.#decode(data, fromPeer)
    if (decoded === undefined) return
    const { core } = this.#init
    this.#apply(decoded.type === 'block' ? core.receive(decoded.block) : core.adoptEvidence(decoded.a, decoded.b), fromPeer)
  }

  /** Work started from gossip runs on; a failure (the store refusing a write) is logged, never unhandled. */
  #apply(done: Promise<unknown>, fromPeer: string): void {
    done.catch((err: unknown) => this.#init.logger.error({ err, fromPeer }, 'applying a gossiped message failed'))
  }

  #decode(data: Uint8Array, fromPeer: string): Decoded | undefined {
    const env = openEnvelope(data)
    if (typeof env === 'string') {
      this.#reject('malformed', fromPeer, env)
      return undefined
    }
    const options = { maxBytes: this.#init.maxBlockBytes }
    if (env.type === 'block') {
      const r = decodeBlock(env.block, this.#init.core.membership, options)
      if (r.block !== undefined) return { type: 'block', block: r.block }
      this.#reject(r.fault, fromPeer, r.detail)
      return undefined
    }
    const a = decodeBlock(env.a, this.#init.core.membership, options)
    const b = decodeBlock(env.b, this.#init.core.membership, options)
    if (a.block !== undefined && b.block !== undefined) return { type: 'evidence', a: a.block, b: b.block }
    const bad = a.block === undefined ? a : b
    if (bad.block === undefined) this.#reject(bad.fault, fromPeer, `evidence: ${bad.detail}`)
    return undefined
  }

  #reject(reason: BlockFault, fromPeer: string, detail: string): 'reject' {
    this.#init.core.metrics.inc('blocks_rejected_total', { reason })
    this.#init.logger.warn({ fromPeer, reason, detail }, 'gossip message rejected')
    return 'reject'
  }
}
