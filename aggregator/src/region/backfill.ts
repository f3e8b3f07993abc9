/**
 * History behind a seeded view (issue 7 "Speed"): once the view is served from the ledger's state at
 * cursor `to` (`seed.ts`), the store's points for cursors 1…`to` are written here in the background,
 * by replaying the feed into a shadow state (the live one is never touched) and making each snapshot's
 * points as the live twin does (`SnapshotPoints`), so the history equals what a replay would write.
 *
 * Every snapshot's points are written, as the live twin writes them: history read back after a rebuild
 * is the same series a region that ran all along holds (regular samples, so `every`/`agg` buckets and
 * means are right), not a change-only subset. That makes the backfill the slow part of a rebuild; it
 * runs behind a view that is already exact, and reports its progress. Points go to the store in large
 * batches (the store commits one transaction per batch), and the store is flushed every
 * {@link FLUSH_EVERY_POINTS} points, which also bounds the memory a fast reader can fill ahead of SQLite.
 */
import type { ConfirmedPage, EscalationConfig, Registry } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { TelemetryPoint, TelemetryStore } from '../store/types.js'
import { DEFAULT_PAGE_LIMIT, MAX_RETRY_MS, type ConfirmedSource } from './feed.js'
import { SnapshotPoints } from './snapshot-points.js'
import { applyConfirmed, emptyRegionState } from './state.js'

/** Points handed to the store between flushes (50,000: a few SQLite transactions, tens of MB at most in memory). */
export const FLUSH_EVERY_POINTS = 50_000

/** What the backfill needs. */
export interface HistoryBackfillComponents {
  source: ConfirmedSource
  store: TelemetryStore
  /** The registry in force (the region id names the region's series). */
  registry: () => Registry
  thresholds: EscalationConfig
  logger: Logger
}

/** Tunables; `to` is required. */
export interface HistoryBackfillInit {
  /** The last cursor to write history for (the seed's cursor; the live twin writes what follows). */
  to: number
  pageLimit?: number
  now?: () => number
  /** Called once every point up to `to` is in the store. */
  onDone?: () => void
}

/** Progress, for `/healthz` (`history`) and the log. */
export interface BackfillStatus {
  /** Share of cursors 1…`to` whose history is written, 0–1. */
  backfilled: number
  to: number
  cursor: number
  done: boolean
  /** Points handed to the store. */
  written: number
  startedAt: number
  finishedAt?: number
}

/** The background writer of history up to a cursor; `start` once, `stop` aborts. */
export class HistoryBackfill {
  readonly #c: HistoryBackfillComponents
  readonly #init: HistoryBackfillInit
  readonly #now: () => number
  readonly #abort = new AbortController()
  #written = 0
  #cursor = 0
  #loop: Promise<void> | undefined
  #startedAt = 0
  #finishedAt: number | undefined

  constructor(c: HistoryBackfillComponents, init: HistoryBackfillInit) {
    this.#c = c
    this.#init = init
    this.#now = init.now ?? Date.now
  }

  /** Progress. */
  status(): BackfillStatus {
    const to = this.#init.to
    const done = this.#finishedAt !== undefined
    return {
      backfilled: done || to === 0 ? 1 : Math.min(1, this.#cursor / to),
      to,
      cursor: this.#cursor,
      done,
      written: this.#written,
      startedAt: this.#startedAt,
      ...(this.#finishedAt === undefined ? {} : { finishedAt: this.#finishedAt }),
    }
  }

  /** Starts writing (idempotent). */
  start(): void {
    this.#startedAt ||= this.#now()
    this.#loop ??= this.#run().catch((err: unknown) => {
      if (!this.#abort.signal.aborted) this.#c.logger.error({ err: String(err) }, 'history backfill failed; it starts again with the next start')
    })
  }

  /** Stops after the page in hand; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#loop
  }

  /** The page after `after`, retried while the node cannot be reached; undefined once stopped (never rejects). */
  async #page(after: number, limit: number, to: number): Promise<ConfirmedPage | undefined> {
    const signal = this.#abort.signal
    let retryMs = 250
    while (!signal.aborted) {
      try {
        return await this.#c.source.confirmed(after, Math.min(limit, to - after), signal)
      } catch (err) {
        if (signal.aborted) break
        this.#c.logger.warn({ err: err instanceof Error ? err.message : String(err), cursor: after }, 'history backfill: page not read; retrying')
        await new Promise((r) => setTimeout(r, retryMs))
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2)
      }
    }
    return undefined
  }

  async #run(): Promise<void> {
    const { source, store, logger } = this.#c
    const signal = this.#abort.signal
    const to = this.#init.to
    const limit = this.#init.pageLimit ?? DEFAULT_PAGE_LIMIT
    const shadow = emptyRegionState(source.url)
    const points = new SnapshotPoints(this.#c.thresholds)
    let sinceFlush = 0
    let nextLog = 0.1
    logger.info({ to }, 'history backfill started')
    // The next page is asked for while this one is folded and written: reading overlaps the work.
    let ahead: Promise<ConfirmedPage | undefined> | undefined = this.#page(0, limit, to)
    while (this.#cursor < to && !signal.aborted && ahead !== undefined) {
      const page = await ahead
      if (page === undefined) return
      if (page.items.length === 0) {
        logger.warn({ cursor: this.#cursor, to }, 'history backfill: the node has nothing after the cursor; stopping short')
        break
      }
      const after = Math.min(to, page.next)
      ahead = after < to ? this.#page(after, limit, to) : undefined
      const region = this.#c.registry().region.id
      const batch: TelemetryPoint[] = []
      for (const item of page.items) {
        if (item.cursor > to) break
        for (const ch of applyConfirmed(shadow, [item])) {
          if (ch.type !== 'snapshot') continue
          for (const p of points.of(region, ch.hospital, shadow.hospitals[ch.hospital]!)) batch.push(p)
        }
      }
      this.#cursor = after
      if (batch.length > 0) store.write(batch)
      this.#written += batch.length
      sinceFlush += batch.length
      if (sinceFlush >= FLUSH_EVERY_POINTS) {
        sinceFlush = 0
        // A backend that is down spills to disk (the store's job); the backfill goes on.
        await store.flush().catch(() => undefined)
      }
      if (this.#cursor / to >= nextLog) {
        logger.info({ backfilled: Number((this.#cursor / to).toFixed(2)), cursor: this.#cursor, to, written: this.#written }, 'history backfill progress')
        nextLog = Math.floor((this.#cursor / to) * 10 + 1) / 10
      }
    }
    if (signal.aborted) return
    await store.flush().catch(() => undefined)
    this.#finishedAt = this.#now()
    logger.info({ to, written: this.#written, ms: this.#finishedAt - this.#startedAt }, 'history backfill done')
    this.#init.onDone?.()
  }
}
