/**
 * The region's only input (issue 7): pages of confirmed transactions from its ledger node, read with
 * `LedgerClient.confirmed(after, limit)` from a cursor. Full pages are read back to back (catch-up);
 * then the node is polled every `pollMs`. The cursor moves only after a page is applied, so a node
 * that goes away mid-page is simply asked again: no gap, no double. While the node cannot be reached
 * the last view stays served and {@link LedgerFeedStatus.unreachableSince} says since when.
 */
import type { ConfirmedPage, ConfirmedTx, LedgerState } from '@rhn/protocols'
import type { Logger } from 'pino'

/** Transactions asked for per page (1,000: a page of snapshots is a few hundred KB of JSON). */
export const DEFAULT_PAGE_LIMIT = 1_000
/** Longest wait between attempts while the node is unreachable, ms (5 s: it is back within one period of a restart). */
export const MAX_RETRY_MS = 5_000

/** The part of `LedgerClient` the feed uses (tests may hand in any node API client). */
export interface ConfirmedSource {
  readonly url: string
  confirmed(after: number, limit?: number, signal?: AbortSignal): Promise<ConfirmedPage>
  /**
   * The node's confirmed state at its cursor (`GET /api/state`); a region without a checkpoint seeds
   * its view from it (`seed.ts`). Optional: without it, or on a 404, the feed is replayed from 0.
   */
  state?(recent: number, signal?: AbortSignal): Promise<LedgerState>
}

/** What the feed needs. */
export interface LedgerFeedComponents {
  source: ConfirmedSource
  /** The cursor to read after (0 = from the start). */
  cursor: () => number
  /** Applies one page in order; the feed asks for the next page after it returns. */
  apply: (items: readonly ConfirmedTx[], next: number) => void
  logger: Logger
}

/** Tunables, every field optional. */
export interface LedgerFeedInit {
  /** Poll period once caught up, ms (config `ledger.pollMs`, default 500). */
  pollMs?: number
  pageLimit?: number
  now?: () => number
  /** Called when reachability changes (for the stream and the page). */
  onStatus?: (status: LedgerFeedStatus) => void
}

/** The feed's state, for `/healthz`, `/metrics` and the page. */
export interface LedgerFeedStatus {
  nodeUrl: string
  reachable: boolean
  /** When the node first failed to answer in the current outage, ms since 1970; absent when reachable. */
  unreachableSince?: number
  lastError?: string
  /** When a page was last read, ms since 1970. */
  lastPollAt?: number
  /** When the feed first read a page short of the limit (it had everything the node confirmed), ms since 1970. */
  caughtUpAt?: number
  cursor: number
  /** Confirmed transactions applied since start, and pages read. */
  txs: number
  pages: number
  failures: number
}

/** Polls one node; `start` once, `stop` ends the loop and any request in flight. */
export class LedgerFeed {
  readonly #c: LedgerFeedComponents
  readonly #pollMs: number
  readonly #limit: number
  readonly #now: () => number
  readonly #onStatus: (s: LedgerFeedStatus) => void
  readonly #abort = new AbortController()
  #status: LedgerFeedStatus
  #loop: Promise<void> | undefined
  #wake: (() => void) | undefined

  constructor(c: LedgerFeedComponents, init: LedgerFeedInit = {}) {
    this.#c = c
    this.#pollMs = init.pollMs ?? 500
    this.#limit = init.pageLimit ?? DEFAULT_PAGE_LIMIT
    this.#now = init.now ?? Date.now
    this.#onStatus = init.onStatus ?? (() => {})
    // Unknown until the first answer: not "unreachable" before anything was tried.
    this.#status = { nodeUrl: c.source.url, reachable: true, cursor: c.cursor(), txs: 0, pages: 0, failures: 0 }
  }

  /** The feed's state. */
  status(): LedgerFeedStatus {
    return { ...this.#status, cursor: this.#c.cursor() }
  }

  /** Notes a failed request to the node (the feed's own, or the seed's before the feed starts): unreachable since now, if it was not already. */
  unreachable(err: unknown): void {
    this.#status.failures += 1
    const message = err instanceof Error ? err.message : String(err)
    if (this.#status.reachable) {
      this.#c.logger.warn({ node: this.#c.source.url, err: message }, 'ledger node unreachable; serving the last view')
      this.#status = { ...this.#status, reachable: false, unreachableSince: this.#now(), lastError: message }
      this.#onStatus(this.status())
    } else this.#status.lastError = message
  }

  /** Notes an answer from the node: reachable again, if it was not. */
  reachable(): void {
    if (this.#status.reachable) return
    this.#c.logger.info({ node: this.#c.source.url, downMs: this.#now() - (this.#status.unreachableSince ?? this.#now()) }, 'ledger node reachable again; resuming from the cursor')
    this.#status = { ...this.#status, reachable: true }
    delete this.#status.unreachableSince
    delete this.#status.lastError
    this.#onStatus(this.status())
  }

  /** Starts polling (idempotent). */
  start(): void {
    this.#loop ??= this.#run()
  }

  /** Asks the node now instead of at the end of the current wait. */
  pollNow(): void {
    this.#wake?.()
  }

  /** Stops polling and aborts a request in flight; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#abort.abort()
    this.#wake?.()
    await this.#loop
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal
    let retryMs = this.#pollMs
    while (!signal.aborted) {
      let full: boolean
      try {
        const page = await this.#c.source.confirmed(this.#c.cursor(), this.#limit, signal)
        this.#c.apply(page.items, page.next)
        full = page.items.length >= this.#limit
        if (!full) this.#status.caughtUpAt ??= this.#now()
        this.#status.txs += page.items.length
        this.#status.pages += 1
        this.#status.lastPollAt = this.#now()
        retryMs = this.#pollMs
        this.reachable()
      } catch (err) {
        if (signal.aborted) break
        this.unreachable(err)
        // Back off gently while it is down, up to MAX_RETRY_MS.
        retryMs = Math.min(MAX_RETRY_MS, Math.max(this.#pollMs, retryMs * 2))
        await this.#sleep(retryMs)
        continue
      }
      if (!full) await this.#sleep(this.#pollMs)
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, ms)
      function finish(): void {
        clearTimeout(timer)
        done()
      }
      this.#wake = finish
    })
  }
}
