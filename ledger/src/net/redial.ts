/**
 * Staying connected (issue 6: "a node that rejoins reaches the tip"): dials the bootstrap peers at
 * start and keeps re-dialling every member peer this node has known (bootstrap, peers that
 * connected, peers learned from the `peers` sync request) while it is disconnected, with capped
 * exponential backoff. libp2p's own reconnect queue gives up after a few tries; a hospital's node
 * cut off for an hour must still rejoin by itself.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'

/** First retry delay after a failed dial or a disconnect, ms (default 500: a restarted peer is back within a second or two). */
export const DEFAULT_REDIAL_MIN_MS = 500
/** Longest retry delay, ms (default 10 s: a rejoining peer waits at most this long for us to notice). */
export const DEFAULT_REDIAL_MAX_MS = 10_000

/** Options of {@link Redialer}; every field is optional. */
export interface RedialInit {
  minMs?: number
  maxMs?: number
}

interface Target {
  peerId: PeerId
  /** A bootstrap address; other peers are dialled by id through the peer store. */
  addr?: Multiaddr
  delayMs: number
  nextAt: number
  failures: number
  dialing: boolean
}

/** Keeps this node connected to every member peer it knows. */
export class Redialer {
  readonly #libp2p: Libp2p
  readonly #logger: Logger
  readonly #minMs: number
  readonly #maxMs: number
  readonly #targets = new Map<string, Target>()
  /**
   * One controller per dial attempt, aborted by `stop()`: libp2p's dial queue adds abort listeners
   * to the signal it is given for the life of the dial, so one signal shared by every dial collected
   * them (MaxListenersExceededWarning with 7 members). Each attempt's listeners go with it.
   */
  readonly #dials = new Set<AbortController>()
  #stopped = false
  #timer: NodeJS.Timeout | undefined
  #timerAt = Infinity

  constructor(libp2p: Libp2p, logger: Logger, init: RedialInit = {}) {
    this.#libp2p = libp2p
    this.#logger = logger
    this.#minMs = init.minMs ?? DEFAULT_REDIAL_MIN_MS
    this.#maxMs = Math.max(this.#minMs, init.maxMs ?? DEFAULT_REDIAL_MAX_MS)
  }

  /** Adds a peer to keep connected to (a member: the caller checks). Due at once. */
  track(peerId: string, addr?: Multiaddr): void {
    if (peerId === this.#libp2p.peerId.toString()) return
    const known = this.#targets.get(peerId)
    if (known !== undefined) {
      if (addr !== undefined) known.addr = addr
      return
    }
    this.#targets.set(peerId, { peerId: peerIdFromString(peerId), addr, delayMs: this.#minMs, nextAt: 0, failures: 0, dialing: false })
    this.#schedule(0)
  }

  /** A peer connected: the next loss of it is retried quickly again. */
  connected(peerId: string): void {
    const t = this.#targets.get(peerId)
    if (t !== undefined) t.delayMs = this.#minMs
  }

  /** A peer disconnected: retry it after the current delay. */
  disconnected(peerId: string): void {
    const t = this.#targets.get(peerId)
    if (t === undefined) return
    t.nextAt = Date.now() + t.delayMs
    this.#schedule(t.delayMs)
  }

  /** Stops every timer and pending dial. */
  stop(): void {
    this.#stopped = true
    for (const attempt of this.#dials) attempt.abort(new Error('network stopped'))
    this.#dials.clear()
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    const at = Date.now() + delayMs
    if (this.#timer !== undefined && this.#timerAt <= at) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(() => this.#tick(), delayMs)
  }

  #tick(): void {
    this.#timer = undefined
    this.#timerAt = Infinity
    const now = Date.now()
    let next = Infinity
    for (const t of this.#targets.values()) {
      if (this.#libp2p.getConnections(t.peerId).length > 0 || t.dialing) continue
      if (t.nextAt <= now) void this.#dial(t)
      else next = Math.min(next, t.nextAt - now)
    }
    if (next !== Infinity) this.#schedule(next)
  }

  async #dial(t: Target): Promise<void> {
    t.dialing = true
    const attempt = new AbortController()
    this.#dials.add(attempt)
    try {
      // Alternate a bootstrap address with the peer store's addresses: a peer may come back on another port.
      const target = t.addr !== undefined && t.failures % 2 === 0 ? t.addr : t.peerId
      await this.#libp2p.dial(target, { signal: attempt.signal })
      t.delayMs = this.#minMs
      t.failures = 0
    } catch (err) {
      if (this.#stopped) return
      t.failures++
      t.nextAt = Date.now() + t.delayMs
      this.#logger.debug({ peerId: t.peerId.toString(), retryInMs: t.delayMs, err: (err as Error).message }, 'dial of a member peer failed; will retry')
      t.delayMs = Math.min(t.delayMs * 2, this.#maxMs)
      this.#schedule(Math.max(0, t.nextAt - Date.now()))
    } finally {
      this.#dials.delete(attempt)
      t.dialing = false
    }
  }
}
