/**
 * The data path: drains the outbox into DDATA and acknowledges a batch only when the broker took
 * every message of it (issue 4, "No data lost").
 *
 * Two lanes per session. The boundary is the session start (first NBIRTH of the MQTT connection):
 * - live: batches enqueued after it, read from the newest cursor, sent as fast as the in-flight
 *   window allows, and first to get a free slot, so live data keeps flowing during a replay;
 * - replay: batches enqueued before it (the outage backlog, or what a crash left), read from the
 *   oldest unacknowledged one, flagged `is_historical`, paced at `replayRateMsgsPerS`.
 * A batch that fails (session lost) stays in the outbox and is replayed in the next session.
 */
import type { Logger } from 'pino'
import type { Outbox, OutboxBatch } from '../outbox/types.js'
import type { DataMessage } from './payloads.js'

/** What the publisher needs from the edge node. */
export interface OutboxPublisherInit {
  outbox: Outbox
  logger: Logger
  replayRateMsgsPerS: number
  maxInflightMessages: number
  pollIntervalMs: number
  /** DDATA messages for a batch; `skipped` readings cannot be sent (counted by the edge node). */
  prepare(batch: OutboxBatch, historical: boolean): DataMessage[]
  /** Numbers and publishes one message; resolves on PUBACK, rejects when the session is gone. */
  send(message: DataMessage): Promise<void>
  /** Called when batch `id` was acknowledged. */
  onAcked(id: number, historical: boolean): void
}

/**
 * Batches read per outbox call. A page costs little memory (batches decode their readings only when
 * dispatched, see #dispatch), and each call replaying from disk opens, reads and closes the segment:
 * 8-batch pages spent ~11% of the replay's CPU in those calls, 64-batch pages under 1% (--cpu-prof).
 */
const PAGE_BATCHES = 64
/** Batches read per call while looking for the replay boundary: large, it only reads. */
const SCAN_BATCHES = 1_000

/** A lane's priority and its guess of the next batch's message count (its previous batch's). */
interface Lane {
  live: boolean
  estimate: number
}

/** Replay pacing: wait for the next slot of the rate, then book `messages` of it. */
interface Pace {
  wait(): Promise<void>
  book(messages: number): void
}

interface Run {
  start: number
  abort: AbortController
  boundary?: number
}

function sleep(ms: number, signal: AbortSignal, wakers?: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      wakers?.delete(done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    wakers?.add(done)
  })
}

/** Counting semaphore over in-flight messages; live waiters go before replay waiters. */
class InflightWindow {
  #free: number
  readonly #max: number
  readonly #live: { n: number; go: () => void }[] = []
  readonly #replay: { n: number; go: () => void }[] = []

  constructor(max: number) {
    this.#free = this.#max = max
  }

  acquire(wanted: number, live: boolean): Promise<number> {
    const n = Math.min(wanted, this.#max)
    if (this.#live.length === 0 && (live || this.#replay.length === 0) && this.#free >= n) {
      this.#free -= n
      return Promise.resolve(n)
    }
    return new Promise((resolve) => (live ? this.#live : this.#replay).push({ n, go: () => resolve(n) }))
  }

  release(n: number): void {
    this.#free += n
    for (const queue of [this.#live, this.#replay]) {
      while (queue.length > 0 && this.#free >= (queue[0]?.n ?? 0)) {
        const next = queue.shift()!
        this.#free -= next.n
        next.go()
      }
      if (queue.length > 0) return
    }
  }
}

/** Drains the outbox for one MQTT session at a time; see the file comment. */
export class OutboxPublisher {
  readonly #init: OutboxPublisherInit
  readonly #window: InflightWindow
  readonly #wakers = new Set<() => void>()
  #liveCursor = 0
  #run: Run | undefined
  #lanes: Promise<void>[] = []

  constructor(init: OutboxPublisherInit) {
    this.#init = init
    this.#window = new InflightWindow(init.maxInflightMessages)
  }

  /** Starts the lanes for a session born at `start` (ms since 1970). */
  resume(start: number): void {
    if (this.#run !== undefined) return
    const run: Run = { start, abort: new AbortController() }
    this.#run = run
    this.#lanes = [this.#runLanes(run).catch((err: unknown) => this.#init.logger.error({ err }, 'outbox publisher failed'))]
  }

  /** Stops the lanes (session lost, primary host offline); in-flight messages settle with the session. */
  async pause(): Promise<void> {
    this.#run?.abort.abort()
    this.#run = undefined
    const lanes = this.#lanes
    this.#lanes = []
    await Promise.all(lanes)
  }

  /** Wakes an idle live lane: new batches were appended. */
  notify(): void {
    for (const wake of [...this.#wakers]) wake()
  }

  async #runLanes(run: Run): Promise<void> {
    const { outbox } = this.#init
    const signal = run.abort.signal
    // Skip over what was enqueued before the session: the replay lane owns ids up to the boundary.
    for (let found = false; !found && !signal.aborted; ) {
      const page = await outbox.read(this.#liveCursor, SCAN_BATCHES)
      for (const b of page) {
        if (b.enqueuedAt >= run.start) {
          found = true
          break
        }
        this.#liveCursor = b.id
      }
      if (page.length < SCAN_BATCHES) found = true
    }
    run.boundary = this.#liveCursor
    await Promise.all([this.#liveLane(run), this.#replayLane(run)])
  }

  async #liveLane(run: Run): Promise<void> {
    const signal = run.abort.signal
    const lane: Lane = { live: true, estimate: 1 }
    while (!signal.aborted) {
      const page = await this.#init.outbox.read(this.#liveCursor, PAGE_BATCHES)
      if (page.length === 0) {
        await sleep(this.#init.pollIntervalMs, signal, this.#wakers)
        continue
      }
      for (const b of page) {
        if (signal.aborted) return
        this.#liveCursor = b.id
        await this.#dispatch(run, b, lane)
      }
    }
  }

  async #replayLane(run: Run): Promise<void> {
    const { outbox, logger, replayRateMsgsPerS } = this.#init
    const signal = run.abort.signal
    const boundary = run.boundary ?? 0
    const msPerMessage = 1_000 / replayRateMsgsPerS
    let cursor = 0
    let nextAt = performance.now()
    let replayed = 0
    const lane: Lane = { live: false, estimate: 1 }
    // Pace at the replay rate: wait for this batch's slot, then book the next one.
    const pace: Pace = {
      wait: async () => {
        const wait = nextAt - performance.now()
        if (wait > 0) await sleep(wait, signal)
      },
      book: (messages) => void (nextAt = Math.max(nextAt, performance.now()) + messages * msPerMessage),
    }
    while (!signal.aborted) {
      const page = (await outbox.read(cursor, PAGE_BATCHES)).filter((b) => b.id <= boundary)
      if (page.length === 0) break
      for (const b of page) {
        if (signal.aborted) return
        cursor = b.id
        replayed += await this.#dispatch(run, b, lane, pace)
      }
    }
    if (!signal.aborted && replayed > 0) logger.info({ messages: replayed }, 'outbox replay finished')
  }

  /**
   * Publishes one batch without waiting for its PUBACKs (the window bounds them); returns its message
   * count. In-flight slots are taken before the batch is prepared, guessing its message count from the
   * lane's previous batch and correcting after: the readings are decoded (outbox batches decode on
   * access) only once they can go out, so they are not held across a wait for PUBACKs, long enough
   * for V8 to promote them to the old generation (issue 4 "Speed": RSS).
   */
  async #dispatch(run: Run, batch: OutboxBatch, lane: Lane, pace?: Pace): Promise<number> {
    const signal = run.abort.signal
    // Never prepare for a dead run: every device looks unborn then, and the batch would be acked unsent.
    if (signal.aborted) return 0
    await pace?.wait()
    let slots = await this.#window.acquire(lane.estimate, lane.live)
    if (signal.aborted) {
      this.#window.release(slots)
      return 0
    }
    const historical = batch.enqueuedAt < run.start
    const id = batch.id
    const messages = this.#init.prepare(batch, historical)
    lane.estimate = Math.max(1, messages.length)
    if (messages.length < slots) {
      this.#window.release(slots - messages.length)
      slots = messages.length
    }
    if (messages.length === 0) {
      // Nothing publishable (every reading skipped and counted): the batch is done.
      this.#init.outbox.ack(id)
      this.#init.onAcked(id, historical)
      return 0
    }
    // A batch of more messages than the whole window gets the whole window (as before).
    if (Math.min(messages.length, this.#init.maxInflightMessages) > slots) {
      // More than guessed: give the slots back (holding some while waiting for more could deadlock the lanes).
      this.#window.release(slots)
      slots = await this.#window.acquire(messages.length, lane.live)
      if (signal.aborted) {
        this.#window.release(slots)
        return 0
      }
    }
    pace?.book(messages.length)
    // Sent in one synchronous pass, so seq numbers follow wire order. Only the id waits for the
    // PUBACKs: the readings were encoded on send and can be collected young.
    const results = messages.map((m) => this.#init.send(m))
    void Promise.allSettled(results).then((settled) => {
      this.#window.release(slots)
      if (settled.every((s) => s.status === 'fulfilled')) {
        this.#init.outbox.ack(id)
        this.#init.onAcked(id, historical)
      }
    })
    return messages.length
  }
}
