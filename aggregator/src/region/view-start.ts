/**
 * How the region's view starts (issue 7 "Speed", rebuild ≤ 10 s): from its checkpoint (the feed pages
 * on from the saved cursor); or, with no checkpoint, from the ledger node's state at its cursor
 * (`seed.ts`: the view is complete at once) with the history up to that cursor written behind it
 * (`backfill.ts`); or, from a node that serves no state, by replaying the feed from cursor 0. A
 * backfill cut short by a stop is written again at the next start (the checkpoint keeps `backfill`).
 */
import type { EscalationConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { TelemetryStore } from '../store/types.js'
import { HistoryBackfill } from './backfill.js'
import type { CheckpointWriter } from './checkpoint.js'
import { type ConfirmedSource, DEFAULT_PAGE_LIMIT, type LedgerFeed } from './feed.js'
import type { RegionTwin } from './region-twin.js'
import { seedFromLedger } from './seed.js'
import type { RegionStateData } from './state.js'

/** What the start needs: the parts the region aggregator made, not started yet (the feed). */
export interface ViewStartComponents {
  source: ConfirmedSource
  /** The live state, shared by the twin, the feed and the checkpoint. */
  state: RegionStateData
  twin: RegionTwin
  store: TelemetryStore
  checkpoint: CheckpointWriter
  feed: LedgerFeed
  thresholds: EscalationConfig
  logger: Logger
  now: () => number
}

/** Starts the feed the right way; see the module comment. */
export class ViewStart {
  readonly #c: ViewStartComponents
  readonly #pageLimit: number | undefined
  readonly #abort = new AbortController()
  #seeding: Promise<void> | undefined
  #seededAt: number | undefined
  #backfill: HistoryBackfill | undefined

  constructor(c: ViewStartComponents, pageLimit?: number) {
    this.#c = c
    this.#pageLimit = pageLimit
  }

  /** The cursor the view was seeded at from the ledger's state, if it was. */
  get seededAt(): number | undefined {
    return this.#seededAt
  }

  /** The history backfill, while one runs or after it ran. */
  get backfill(): HistoryBackfill | undefined {
    return this.#backfill
  }

  /** Seeds (in the background) when there is no checkpoint and the node can serve its state; else starts the feed now. */
  start(): void {
    const { state, source } = this.#c
    if (state.cursor === 0 && source.state !== undefined) this.#seeding = this.#seed()
    else this.#follow()
  }

  /** Stops seeding and the backfill (the feed is the aggregator's to stop). */
  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#seeding
    await this.#backfill?.stop()
  }

  async #seed(): Promise<void> {
    const { state, twin, checkpoint, logger } = this.#c
    const feed = this.#c.feed
    const seeded = await seedFromLedger({
      source: this.#c.source,
      pageLimit: this.#pageLimit ?? DEFAULT_PAGE_LIMIT,
      logger: logger.child({ part: 'seed' }),
      signal: this.#abort.signal,
      // The page and /healthz say "ledger unreachable since …" while the seed waits for the node, as the feed would.
      onFailure: (err) => feed.unreachable(err),
      onAnswer: () => feed.reachable(),
    })
    if (this.#abort.signal.aborted) return
    if (seeded !== undefined && seeded.state.cursor > 0) {
      // Filled in place, in one step: the state object is shared, and the API never sees half a seed.
      Object.assign(state, seeded.state, { backfill: { to: seeded.state.cursor } })
      this.#seededAt = state.cursor
      twin.reseeded()
      checkpoint.touch()
      logger.info({ cursor: state.cursor, hospitals: Object.keys(state.hospitals).length, tailTxs: seeded.tailTxs, ms: Math.round(seeded.ms) }, 'region view seeded from the ledger state; its history follows')
    }
    this.#follow()
  }

  /** Starts the feed from the state's cursor, and the backfill the state still owes. */
  #follow(): void {
    const { state, twin, store, checkpoint, logger } = this.#c
    this.#c.feed.start()
    const to = state.backfill?.to
    if (to === undefined) return
    this.#backfill = new HistoryBackfill(
      { source: this.#c.source, store, registry: () => twin.registry, thresholds: this.#c.thresholds, logger: logger.child({ part: 'backfill' }) },
      {
        to,
        now: this.#c.now,
        ...(this.#pageLimit === undefined ? {} : { pageLimit: this.#pageLimit }),
        onDone: () => {
          delete state.backfill
          checkpoint.touch()
        },
      },
    )
    this.#backfill.start()
  }
}
