/**
 * Host-side reordering of one edge node's sequenced messages (Sparkplug 3.0 §5 "Sparkplug Host
 * Application Message Ordering"): a message whose seq is ahead of the expected one is held, a timer
 * starts [tck-id-operational-behavior-host-reordering-start], and the held messages are released in
 * order as soon as the missing ones arrive [tck-id-operational-behavior-host-reordering-success].
 * When the Reorder Timeout elapses first, the owner is told, so it can ask for a rebirth
 * [tck-id-operational-behavior-host-reordering-rebirth].
 */
import { SEQ_MODULUS, nextSeq } from '@rhn/protocols'
import { systemTimers, type HostTimers } from './timers.js'

/**
 * A seq at most this far ahead of the expected one is "ahead" (held); one further ahead is taken as
 * behind, i.e. already delivered (a redelivery). Half of the 256-value seq space: with wrapping, a
 * distance of d ahead and 256 - d behind are the same number, so the split has to be somewhere.
 */
export const SEQ_AHEAD_WINDOW = SEQ_MODULUS / 2

/** What {@link SeqReorderBuffer.offer} did with a message, and what is now ready, in seq order. */
export interface OfferResult<T> {
  verdict: 'deliver' | 'held' | 'duplicate'
  /** Messages to process now, in seq order (empty unless `verdict` is `deliver`). */
  ready: T[]
}

/** Options of {@link SeqReorderBuffer}. */
export interface SeqReorderInit {
  /** The Reorder Timeout, ms [tck-id-operational-behavior-host-reordering-param]. */
  timeoutMs: number
  /** Called once when the timeout elapses with messages still missing; `expected` is the first missing seq. */
  onTimeout(expected: number): void
  timers?: HostTimers
}

/**
 * Reorder buffer for one edge node session. After an NBIRTH (seq 0) call `reset(1)`; then `offer`
 * every NDATA/DBIRTH/DDATA/DDEATH. At most {@link SEQ_AHEAD_WINDOW} - 1 messages are ever held.
 */
export class SeqReorderBuffer<T> {
  readonly #init: SeqReorderInit
  readonly #timers: HostTimers
  readonly #pending = new Map<number, T>()
  #expected = 0
  #timer: unknown

  constructor(init: SeqReorderInit) {
    this.#init = init
    this.#timers = init.timers ?? systemTimers
  }

  /** The seq the next in-order message must carry. */
  get expected(): number {
    return this.#expected
  }

  /** Number of messages held, waiting for a missing seq. */
  get held(): number {
    return this.#pending.size
  }

  /** Drops everything held, stops the timer and expects `expected` next. */
  reset(expected: number): void {
    this.clear()
    this.#expected = expected
  }

  /** Drops everything held and stops the timer (NDEATH, stop). */
  clear(): void {
    this.#pending.clear()
    this.#stopTimer()
  }

  /** Offers the message carrying `seq`; see {@link OfferResult}. */
  offer(seq: number, item: T): OfferResult<T> {
    const ahead = (seq - this.#expected + SEQ_MODULUS) % SEQ_MODULUS
    if (ahead === 0) {
      const ready = [item]
      this.#expected = nextSeq(seq)
      for (let next = this.#pending.get(this.#expected); next !== undefined; next = this.#pending.get(this.#expected)) {
        this.#pending.delete(this.#expected)
        ready.push(next)
        this.#expected = nextSeq(this.#expected)
      }
      // [tck-id-operational-behavior-host-reordering-success] the gap closed: stop the timer.
      if (this.#pending.size === 0) this.#stopTimer()
      return { verdict: 'deliver', ready }
    }
    if (ahead >= SEQ_AHEAD_WINDOW || this.#pending.has(seq)) return { verdict: 'duplicate', ready: [] }
    this.#pending.set(seq, item)
    // [tck-id-operational-behavior-host-reordering-start] the window starts at the first out-of-order message.
    this.#timer ??= this.#timers.setTimeout(() => {
      this.#timer = undefined
      const missing = this.#expected
      this.#pending.clear()
      this.#init.onTimeout(missing)
    }, this.#init.timeoutMs)
    return { verdict: 'held', ready: [] }
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return
    this.#timers.clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
