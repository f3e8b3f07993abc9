/**
 * The publish queue: `LedgerNetwork.publish` never throws. Gossipsub's `publish` throws
 * `PublishError.NoPeersSubscribedToTopic` while no peer has subscribed yet (at start, or while cut
 * off: STACK.md); those messages wait here and are retried when a peer subscribes and on a short
 * timer. The queue is bounded and drops its oldest message when full (catch-up sync recovers
 * what gossip missed), logging each drop. It is bounded in age too: a block queued through a long
 * cut and relayed after peers' stale limit (10 min, `STALE_BLOCK_AGE_MS`) would count on them as a
 * replay and lower this node's score, while they fetch it by catch-up sync anyway.
 */
import type { Logger } from 'pino'

/** Messages held while no peer is subscribed (default 1024: ~20 s of blocks at one per 50 ms from each of several chains). */
export const DEFAULT_PUBLISH_QUEUE_MAX = 1024
/** Retry period while messages are queued, ms (default 250: short next to gossipsub's 1 s heartbeat). */
export const DEFAULT_PUBLISH_RETRY_MS = 250

/**
 * Oldest message still sent when peers come back, ms (default 5 min: half the peers' 10-min stale
 * limit, a margin for clock drift between members and for the time gossip takes to relay it).
 */
export const DEFAULT_PUBLISH_MAX_AGE_MS = 5 * 60_000

/** Sends one message; resolves when sent, rejects with gossipsub's error otherwise. */
export type PublishFn = (data: Uint8Array) => Promise<unknown>

/** Options of {@link PublishQueue}; every field is optional. */
export interface PublishQueueInit {
  maxQueued?: number
  retryMs?: number
  /** Messages queued longer than this are dropped, not sent, ms (default {@link DEFAULT_PUBLISH_MAX_AGE_MS}). */
  maxAgeMs?: number
  /** Clock, ms (default `Date.now`). */
  now?: () => number
}

interface Queued {
  data: Uint8Array
  /** When it was queued, ms. */
  at: number
}

/** Whether an error from gossipsub's publish means "nobody to send to yet" (retry later). */
export function isNoPeersError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('NoPeersSubscribedToTopic')
}

/** Publishes in order, queueing while no peer is subscribed. */
export class PublishQueue {
  readonly #send: PublishFn
  readonly #logger: Logger
  readonly #maxQueued: number
  readonly #retryMs: number
  readonly #maxAgeMs: number
  readonly #now: () => number
  readonly #queue: Queued[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing = false
  #stopped = false
  #dropped = 0
  #expired = 0

  constructor(send: PublishFn, logger: Logger, init: PublishQueueInit = {}) {
    this.#send = send
    this.#logger = logger
    this.#maxQueued = init.maxQueued ?? DEFAULT_PUBLISH_QUEUE_MAX
    this.#retryMs = init.retryMs ?? DEFAULT_PUBLISH_RETRY_MS
    this.#maxAgeMs = init.maxAgeMs ?? DEFAULT_PUBLISH_MAX_AGE_MS
    this.#now = init.now ?? Date.now
  }

  /** Messages waiting for a subscribed peer. */
  get size(): number {
    return this.#queue.length
  }

  /** Messages dropped (oldest first) because the queue was full. */
  get dropped(): number {
    return this.#dropped
  }

  /** Messages dropped because they waited longer than `maxAgeMs`. */
  get expired(): number {
    return this.#expired
  }

  /** Queues one message and tries to send it (and anything queued before it) now. */
  push(data: Uint8Array): void {
    if (this.#stopped) {
      this.#logger.warn({ bytes: data.length }, 'publish after stop: message dropped')
      return
    }
    this.#queue.push({ data, at: this.#now() })
    while (this.#queue.length > this.#maxQueued) {
      const old = this.#queue.shift()
      this.#dropped++
      this.#logger.warn({ bytes: old?.data.length, maxQueued: this.#maxQueued, dropped: this.#dropped }, 'publish queue full: dropped the oldest message')
    }
    this.flush()
  }

  /** Retries the queue now (call when a peer subscribes to the topic). */
  flush(): void {
    if (this.#flushing || this.#stopped) return
    this.#flushing = true
    void this.#drain().finally(() => {
      this.#flushing = false
      // A message pushed while the last send settled is not left waiting for the timer.
      if (this.#queue.length > 0 && this.#timer === undefined) this.flush()
    })
  }

  /** Stops retrying; queued messages are discarded. */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#queue.length > 0) this.#logger.info({ queued: this.#queue.length }, 'publish queue stopped with unsent messages')
    this.#queue.length = 0
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stopped) {
      const head = this.#queue[0]!
      const age = this.#now() - head.at
      if (age > this.#maxAgeMs) {
        this.#queue.shift()
        this.#expired++
        this.#logger.warn({ bytes: head.data.length, ageMs: age, maxAgeMs: this.#maxAgeMs, expired: this.#expired }, 'publish queue: dropped a message queued too long (peers would take it for a stale replay; catch-up sync delivers it)')
        continue
      }
      const { data } = head
      try {
        await this.#send(data)
      } catch (err) {
        if (isNoPeersError(err)) {
          this.#schedule()
          return
        }
        // Anything else (message too large for a peer's buffer, stopped service) will not get better by retrying.
        this.#logger.error({ err, bytes: data.length }, 'gossip publish failed: message dropped')
      }
      if (this.#queue[0] === head) this.#queue.shift()
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.flush()
    }, this.#retryMs)
  }
}
