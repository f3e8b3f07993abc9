/**
 * `LedgerLink` (issue 7 "From hospital twin to ledger"): the hospital aggregator's link to its ledger
 * node. Two lanes, both through one {@link LedgerClient}:
 *
 * - **Ordered submissions** (escalation changes, requests, offers, decisions, transfers): a bounded
 *   FIFO; each is retried with backoff until the node accepts it, in order, so none is lost while the
 *   node is down (only a full queue refuses new ones, loudly). One the node refuses as invalid (4xx)
 *   is marked `rejected` and the queue moves on: retrying cannot make it valid.
 * - **Capacity snapshots**: published every `snapshotPeriodMs` and on significant change, at most once
 *   per `minIntervalMs`. Only the latest matters: while the node is unreachable there is one pending
 *   snapshot slot, rebuilt from the live twin at each attempt (latest wins); admissions and discharges
 *   are counted since the last accepted snapshot, so no count is lost with the skipped ones.
 *
 * Ordered submissions go first: an escalation change is on the ledger before the snapshot showing it.
 */
import type { CapacitySnapshotTx, SubmittedTxInput } from '@rhn/protocols'
import { pino, type Logger } from 'pino'
import { AggregatorError } from '../errors.js'
import { type BuiltSnapshot, type SignificantChange, significantChange } from './snapshot.js'

/** What the link calls on the node (`LedgerClient` satisfies it). */
export interface LedgerSubmitter {
  submit(tx: SubmittedTxInput, signal?: AbortSignal): Promise<{ txId: string }>
}

/** Timers the link uses; a fake clock in tests. */
export interface LinkTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** What the link needs. */
export interface LedgerLinkComponents {
  client: LedgerSubmitter
  /** Builds a snapshot of the twin now (not committed until the node accepts it). */
  snapshot: () => BuiltSnapshot
  /** Shown in health: where the node is. */
  nodeUrl: string
}

/** Tunables, every field optional; names and defaults follow the config's `ledger` block. */
export interface LedgerLinkInit {
  snapshotPeriodMs?: number
  minIntervalMs?: number
  significantChange?: SignificantChange
  /** Most ordered submissions waiting at once (default {@link DEFAULT_QUEUE_LIMIT}). */
  queueLimit?: number
  /** First retry delay after a failure, ms, doubled per failure (default {@link DEFAULT_RETRY_INITIAL_MS}). */
  retryInitialMs?: number
  /** Longest retry delay, ms (default {@link DEFAULT_RETRY_MAX_MS}). */
  retryMaxMs?: number
  now?: () => number
  timers?: LinkTimers
  logger?: Logger
}

/** 60 s, the config default: the region never shows a figure older than a minute. */
export const DEFAULT_SNAPSHOT_PERIOD_MS = 60_000
/** 500 ms, the config default. */
export const DEFAULT_MIN_INTERVAL_MS = 500
/** 1,000 submissions: hours of escalation changes and operator requests during an outage, a few MB at most. */
export const DEFAULT_QUEUE_LIMIT = 1_000
/** 500 ms: a node restarting on loopback is back within a few retries. */
export const DEFAULT_RETRY_INITIAL_MS = 500
/** 30 s: an outage of hours costs a request every 30 s, and recovery is noticed within 30 s. */
export const DEFAULT_RETRY_MAX_MS = 30_000
/** Settled submissions remembered for the flows list, newest kept. */
export const SUBMISSION_HISTORY = 500

/** One ordered submission and what became of it. */
export interface Submission {
  /** Local sequence number. */
  seq: number
  tx: SubmittedTxInput
  state: 'queued' | 'submitted' | 'rejected'
  queuedAt: number
  attempts: number
  submittedAt?: number
  txId?: string
  /** Why the last attempt failed, or why the node rejected it. */
  error?: string
}

/** The link's state for `/healthz`. */
export interface LedgerLinkHealth {
  nodeUrl: string
  /** `ok` after a success, `retrying` after a failure, `starting` before the first attempt. */
  state: 'starting' | 'ok' | 'retrying'
  consecutiveFailures: number
  lastError: string | null
  lastPublishedAt: number | null
  queued: number
  snapshotPending: boolean
}

/** Counters for `/metrics`. */
export interface LedgerLinkStats {
  snapshotsPublished: number
  snapshotsFailed: number
  submissionsAccepted: number
  submissionsRejected: number
  submissionsFailed: number
  lastPublishedAt: number | null
  queued: number
}

const DEFAULT_TIMERS: LinkTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref()
    return t
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

/** A node answer that retrying cannot change (the tx is invalid or not ours). 401/408/429/5xx are retried. */
function isRejection(err: unknown): err is Error & { status: number; code?: string } {
  const status = (err as { status?: unknown }).status
  return typeof status === 'number' && status >= 400 && status < 500 && ![401, 408, 429].includes(status)
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** See the module comment. */
export class LedgerLink {
  readonly #c: LedgerLinkComponents
  readonly #log: Logger
  readonly #now: () => number
  readonly #timers: LinkTimers
  readonly #periodMs: number
  readonly #minIntervalMs: number
  readonly #significant: SignificantChange
  readonly #queueLimit: number
  readonly #retryInitialMs: number
  readonly #retryMaxMs: number
  readonly #queue: Submission[] = []
  readonly #history: Submission[] = []
  readonly #waiters = new Set<() => void>()
  readonly #stats: LedgerLinkStats = { snapshotsPublished: 0, snapshotsFailed: 0, submissionsAccepted: 0, submissionsRejected: 0, submissionsFailed: 0, lastPublishedAt: null, queued: 0 }
  #lastPublished: CapacitySnapshotTx | undefined
  #lastAttemptAt = -Infinity
  #snapshotDue = false
  #failures = 0
  #lastError: string | null = null
  #state: LedgerLinkHealth['state'] = 'starting'
  #seq = 0
  #busy = false
  #again = false
  #started = false
  #closed = false
  #wake: { handle: unknown; at: number } | undefined
  #period: unknown

  constructor(components: LedgerLinkComponents, init: LedgerLinkInit = {}) {
    this.#c = components
    this.#log = init.logger ?? pino({ level: 'silent' })
    this.#now = init.now ?? Date.now
    this.#timers = init.timers ?? DEFAULT_TIMERS
    this.#periodMs = init.snapshotPeriodMs ?? DEFAULT_SNAPSHOT_PERIOD_MS
    this.#minIntervalMs = init.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS
    this.#significant = init.significantChange ?? { bedsDelta: 1, ventilatorsDelta: 1, ppeDaysOfSupplyDelta: 1 }
    this.#queueLimit = init.queueLimit ?? DEFAULT_QUEUE_LIMIT
    this.#retryInitialMs = init.retryInitialMs ?? DEFAULT_RETRY_INITIAL_MS
    this.#retryMaxMs = init.retryMaxMs ?? DEFAULT_RETRY_MAX_MS
  }

  /** Publishes a first snapshot now, then on the period and on significant change. */
  start(): void {
    if (this.#started || this.#closed) return
    this.#started = true
    this.#snapshotDue = true
    this.#kick()
  }

  /** Stops every timer; queued submissions stay in memory (reported by `submissions()`), nothing more is sent. */
  close(): void {
    this.#closed = true
    if (this.#wake !== undefined) this.#timers.clearTimeout(this.#wake.handle)
    if (this.#period !== undefined) this.#timers.clearTimeout(this.#period)
    this.#wake = undefined
    this.#period = undefined
    for (const w of this.#waiters) w()
  }

  /**
   * Queues an ordered submission; it is sent as soon as the ones before it are accepted.
   * @throws AggregatorError `RHN_AGG_LEDGER_UNAVAILABLE` when the queue is full or the link is closed.
   */
  enqueue(tx: SubmittedTxInput): Submission {
    if (this.#closed) throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', 'ledger link: closed (the aggregator is stopping)')
    if (this.#queue.length >= this.#queueLimit) {
      throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', `ledger link: ${this.#queue.length} submissions already wait for ${this.#c.nodeUrl} (${this.#lastError ?? 'node slow'}); try again later`)
    }
    const s: Submission = { seq: ++this.#seq, tx, state: 'queued', queuedAt: this.#now(), attempts: 0 }
    this.#queue.push(s)
    this.#remember(s)
    this.#kick()
    return s
  }

  /** Resolves with `s` once it left the queue (submitted or rejected), or after `timeoutMs` (still queued). */
  settled(s: Submission, timeoutMs: number): Promise<Submission> {
    if (s.state !== 'queued' || this.#closed) return Promise.resolve(s)
    return new Promise((resolve) => {
      const done = (): void => {
        if (s.state === 'queued' && !this.#closed && !timedOut) return
        this.#waiters.delete(done)
        clearTimeout(timer)
        resolve(s)
      }
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        done()
      }, timeoutMs)
      this.#waiters.add(done)
    })
  }

  /** The twin changed: publish a snapshot soon if the change is significant against the last published one. */
  check(): void {
    if (!this.#started || this.#closed || this.#snapshotDue) return
    const why = significantChange(this.#lastPublished, this.#c.snapshot().tx, this.#significant)
    if (why === undefined) return
    this.#log.debug({ why }, 'significant change: snapshot due')
    this.#snapshotDue = true
    this.#kick()
  }

  /** Ordered submissions, oldest first: the queue and the last {@link SUBMISSION_HISTORY} settled ones. */
  submissions(): Submission[] {
    return this.#history.map((s) => ({ ...s }))
  }

  /** The last snapshot the node accepted. */
  get lastPublished(): CapacitySnapshotTx | undefined {
    return this.#lastPublished
  }

  /** For `/healthz`. */
  health(): LedgerLinkHealth {
    return {
      nodeUrl: this.#c.nodeUrl,
      state: this.#state,
      consecutiveFailures: this.#failures,
      lastError: this.#lastError,
      lastPublishedAt: this.#stats.lastPublishedAt,
      queued: this.#queue.length,
      snapshotPending: this.#snapshotDue,
    }
  }

  /** For `/metrics`. */
  stats(): LedgerLinkStats {
    return { ...this.#stats, queued: this.#queue.length }
  }

  #remember(s: Submission): void {
    this.#history.push(s)
    while (this.#history.length > SUBMISSION_HISTORY + this.#queue.length) {
      const i = this.#history.findIndex((h) => h.state !== 'queued')
      if (i < 0) break
      this.#history.splice(i, 1)
    }
  }

  /** Runs the pump now unless it is waiting out a retry delay (a new item must not cut a backoff short). */
  #kick(): void {
    if (this.#closed || !this.#started) return
    if (this.#failures > 0 && this.#wake !== undefined) return
    void this.#pump()
  }

  #schedule(ms: number): void {
    const at = this.#now() + ms
    if (this.#wake !== undefined) {
      if (this.#wake.at <= at) return
      this.#timers.clearTimeout(this.#wake.handle)
    }
    const handle = this.#timers.setTimeout(() => {
      this.#wake = undefined
      void this.#pump()
    }, ms)
    this.#wake = { handle, at }
  }

  #armPeriod(): void {
    if (this.#period !== undefined) this.#timers.clearTimeout(this.#period)
    this.#period = this.#timers.setTimeout(() => {
      this.#period = undefined
      this.#snapshotDue = true
      this.#kick()
    }, this.#periodMs)
  }

  #failed(err: unknown, what: string): void {
    this.#failures += 1
    this.#state = 'retrying'
    this.#lastError = `${what}: ${errorText(err)}`
    const delay = Math.min(this.#retryMaxMs, this.#retryInitialMs * 2 ** Math.min(30, this.#failures - 1))
    this.#log.warn({ err: errorText(err), failures: this.#failures, retryInMs: delay, node: this.#c.nodeUrl }, `ledger node did not take the ${what}; retrying`)
    this.#schedule(delay)
  }

  #succeeded(): void {
    this.#failures = 0
    this.#state = 'ok'
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w()
  }

  async #pump(): Promise<void> {
    if (this.#busy) {
      this.#again = true
      return
    }
    this.#busy = true
    try {
      do {
        this.#again = false
        if (!(await this.#drainQueue())) return
        if (!(await this.#publishSnapshot())) return
      } while (this.#again && !this.#closed)
    } finally {
      this.#busy = false
    }
  }

  /** Sends queued submissions in order; false when it stopped on a failure (retry scheduled). */
  async #drainQueue(): Promise<boolean> {
    while (!this.#closed) {
      const head = this.#queue[0]
      if (head === undefined) return true
      head.attempts += 1
      try {
        const { txId } = await this.#c.client.submit(head.tx)
        Object.assign(head, { state: 'submitted', txId, submittedAt: this.#now() })
        delete head.error
        this.#stats.submissionsAccepted += 1
        this.#succeeded()
      } catch (err) {
        if (!isRejection(err)) {
          head.error = errorText(err)
          this.#stats.submissionsFailed += 1
          this.#failed(err, `${head.tx.kind} submission`)
          return false
        }
        Object.assign(head, { state: 'rejected', error: errorText(err) })
        this.#stats.submissionsRejected += 1
        this.#succeeded()
        this.#log.error({ kind: head.tx.kind, err: errorText(err) }, 'ledger node rejected a submission; it is dropped')
      }
      this.#queue.shift()
      this.#notify()
    }
    return false
  }

  /** Publishes the due snapshot (respecting the min interval); false when it stopped (waiting or failed). */
  async #publishSnapshot(): Promise<boolean> {
    if (!this.#snapshotDue || this.#closed) return true
    const wait = this.#lastAttemptAt + this.#minIntervalMs - this.#now()
    if (wait > 0) {
      this.#schedule(wait)
      return false
    }
    this.#lastAttemptAt = this.#now()
    const built = this.#c.snapshot()
    try {
      await this.#c.client.submit(built.tx)
      built.commit()
      this.#lastPublished = built.tx
      this.#snapshotDue = false
      this.#stats.snapshotsPublished += 1
      this.#stats.lastPublishedAt = this.#now()
      this.#succeeded()
      this.#armPeriod()
      return true
    } catch (err) {
      this.#stats.snapshotsFailed += 1
      if (isRejection(err)) {
        // A refused snapshot would be refused again as it is: wait for the period, say why.
        this.#snapshotDue = false
        this.#lastError = `capacity snapshot rejected: ${errorText(err)}`
        this.#log.error({ err: errorText(err) }, 'ledger node rejected a capacity snapshot')
        this.#armPeriod()
        return true
      }
      this.#failed(err, 'capacity snapshot')
      return false
    }
  }
}
