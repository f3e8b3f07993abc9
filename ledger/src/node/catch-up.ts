/**
 * Catch-up over `/rhn/ledger/sync/1.0.0`: compare heads with a peer, fetch the missing ranges in
 * batches of `sync.batchBlocks`, verify every block (`decodeBlock`, then the link in `receive`)
 * before it is applied. Runs on peer connect, on a gossip gap, and on a slow anti-entropy timer
 * (gossip may drop a message; this bounds how long a node can stay behind without noticing).
 */
import type { Logger } from 'pino'
import { decodeBlocks } from '../chain/block.js'
import type { Block, LedgerNetwork } from '../interface.js'
import type { NodeCore } from './core.js'

/** What catch-up needs. */
export interface CatchUpInit {
  core: NodeCore
  network: () => LedgerNetwork | undefined
  batchBlocks: number
  maxBlockBytes: number
  logger: Logger
}

/** Runs sync requests, at most one per chain at a time. */
export class CatchUp {
  readonly #init: CatchUpInit
  /** chain ▸ highest height some peer is known to hold, and that peer. */
  readonly #wanted = new Map<string, { peerId: string; height: number }>()
  readonly #running = new Set<string>()
  /**
   * Stops every request: each request links it with its own deadline through `AbortSignal.any`,
   * which adds no listener to it, so sharing it does not pile listeners up.
   */
  readonly #controller = new AbortController()
  readonly #tasks = new Set<Promise<void>>()

  constructor(init: CatchUpInit) {
    this.#init = init
  }

  /** Compares heads with `peerId` and fetches every chain it holds further than this node. */
  async fromPeer(peerId: string): Promise<void> {
    const net = this.#init.network()
    if (net === undefined || this.#controller.signal.aborted) return
    let heads: Record<string, number>
    try {
      heads = await net.requestHeads(peerId, this.#controller.signal)
    } catch (err) {
      this.#init.logger.debug({ peerId, err: (err as Error).message }, 'heads request failed')
      return
    }
    for (const [chain, height] of Object.entries(heads)) {
      if (!this.#init.core.membership.byChain.has(chain) || !Number.isSafeInteger(height)) continue
      this.want(peerId, chain, height)
    }
    await Promise.all([...this.#tasks])
  }

  /** Notes that `peerId` holds `chain` up to `height`; fetches the difference unless a fetch of that chain runs. */
  want(peerId: string, chain: string, height: number): void {
    if (this.#controller.signal.aborted) return
    const local = this.#init.core.tip(chain)?.header.height ?? -1
    if (height <= local) return
    const known = this.#wanted.get(chain)
    if (known === undefined || known.height < height) this.#wanted.set(chain, { peerId, height })
    if (this.#running.has(chain)) return
    this.#running.add(chain)
    const task = this.#run(chain).finally(() => {
      this.#running.delete(chain)
      this.#tasks.delete(task)
    })
    this.#tasks.add(task)
  }

  /** Stops every fetch in progress and waits for them. */
  async stop(): Promise<void> {
    this.#controller.abort()
    await Promise.allSettled([...this.#tasks])
  }

  async #run(chain: string): Promise<void> {
    const { core, logger } = this.#init
    /** The next batch, asked for while the previous one is verified and applied (one round trip hidden per batch). */
    let ahead: { from: number; peerId: string; frames: Promise<Uint8Array[]> } | undefined
    for (;;) {
      const want = this.#wanted.get(chain)
      const local = core.tip(chain)?.header.height ?? -1
      const net = this.#init.network()
      if (want === undefined || want.height <= local || net === undefined || this.#controller.signal.aborted) {
        this.#wanted.delete(chain)
        return
      }
      let frames: Uint8Array[]
      try {
        const pending = ahead !== undefined && ahead.from === local + 1 && ahead.peerId === want.peerId ? ahead.frames : undefined
        frames = await (pending ?? net.requestBlocks(want.peerId, chain, local + 1, this.#init.batchBlocks, this.#controller.signal))
      } catch (err) {
        logger.debug({ chain, peerId: want.peerId, err: (err as Error).message }, 'blocks request failed')
        this.#wanted.delete(chain)
        return
      }
      ahead = undefined
      const reached = local + frames.length
      if (frames.length > 0 && reached < want.height) {
        ahead = { from: reached + 1, peerId: want.peerId, frames: net.requestBlocks(want.peerId, chain, reached + 1, this.#init.batchBlocks, this.#controller.signal) }
        ahead.frames.catch(() => undefined) // awaited next round, or dropped with the run
      }
      if (frames.length === 0 || !(await this.#apply(chain, want.peerId, frames))) {
        this.#wanted.delete(chain)
        return
      }
    }
  }

  /** Verifies and applies one batch; false when the peer sent something wrong (stop asking it). */
  async #apply(chain: string, peerId: string, frames: Uint8Array[]): Promise<boolean> {
    const { core, logger } = this.#init
    const blocks: Block[] = []
    let good = true
    for (const r of await decodeBlocks(frames, core.membership, { maxBytes: this.#init.maxBlockBytes })) {
      if (r.block === undefined) {
        core.metrics.inc('blocks_rejected_total', { reason: r.fault })
        logger.warn({ chain, peerId, reason: r.fault, detail: r.detail }, 'sync: block refused')
        good = false
        break
      }
      if (r.block.header.chain !== chain) {
        core.metrics.inc('blocks_rejected_total', { reason: 'malformed' })
        logger.warn({ chain, peerId, got: r.block.header.chain }, 'sync: block of another chain than asked')
        good = false
        break
      }
      blocks.push(r.block)
    }
    // The verified blocks before a bad one are still applied, in one batch (one fsync).
    const outcomes = await core.receiveMany(blocks)
    for (const outcome of outcomes) if (outcome === 'appended') core.metrics.inc('sync_blocks_total')
    return good && outcomes.length === blocks.length && outcomes.every((o) => o === 'appended' || o === 'duplicate')
  }
}
