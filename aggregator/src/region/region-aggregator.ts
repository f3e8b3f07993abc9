/**
 * `RegionAggregator`: `rhn-aggregator run` in region mode (issue 7). Wires the registry (watched),
 * the store, the checkpoint (state + cursor), the twin, the ledger feed (its only input: no broker,
 * no hospital database), the recommender and the API/page. Same life cycle as the hospital's
 * `Aggregator`: `start`/`stop` idempotent, `url`, `health()`.
 */
import { LedgerClient, LedgerClientError } from '@rhn/ledger'
import type { AggregatorConfig } from '@rhn/protocols'
import { loadApiTokens, readSecret, resolveStorePaths } from '../config-files.js'
import { AggregatorError } from '../errors.js'
import { rebalance as defaultRebalance, type RebalanceInput, type RebalanceResult, type RecommendedRequest } from '../rebalance/index.js'
import { RegistryWatcher } from '../registry-watch.js'
import { AggregatorLifecycle, type AggregatorLifecycleInit } from '../service-lifecycle.js'
import type { HistoryBackfill } from './backfill.js'
import { CheckpointWriter, checkpointPathFor, loadCheckpoint } from './checkpoint.js'
import { type ConfirmedSource, LedgerFeed } from './feed.js'
import { type RegionHealth, type RegionHealthInput, regionHealth, regionMetrics } from './health.js'
import { Recommender } from './recommender.js'
import { RegionTwin } from './region-twin.js'
import { ViewStart } from './view-start.js'
import type { DelegateSubmit } from './routes.js'
import { createRegionServer } from './server.js'

/** Options of {@link RegionAggregator}; only `config` is required. */
export interface RegionAggregatorInit extends AggregatorLifecycleInit {
  /** A validated config with `mode: region` (`parseAggregatorConfig`). */
  config: AggregatorConfig
  /** The node to read confirmed transactions from (default: a `LedgerClient` of `ledger.nodeUrl`). */
  ledger?: ConfirmedSource
  /** The solver (default R-C's `rebalance`). */
  rebalance?: (input: RebalanceInput) => Promise<RebalanceResult>
  /** Checkpoint file (default: beside the store, see `checkpointPathFor`). */
  checkpointFile?: string
  /** Tunables for tests. */
  heartbeatMs?: number
  solveDebounceMs?: number
  registryDebounceMs?: number
  checkpointIntervalMs?: number
  /** Transactions per page asked of the node (default `DEFAULT_PAGE_LIMIT`, 1,000). */
  pageLimit?: number
}

/** SSE heartbeat in region mode, ms (the hospital API's 15 s). */
const REGION_HEARTBEAT_MS = 15_000

interface Parts {
  twin: RegionTwin
  feed: LedgerFeed
  checkpoint: CheckpointWriter
  recommender: Recommender
  watcher: RegistryWatcher
  viewStart: ViewStart
}

/**
 * The regional aggregator; see the module comment. Several may run in one process. `start()` loads
 * registry, store and checkpoint, starts the API, the feed and the recommender; `stop()` stops feed,
 * recommender, API and registry watch, writes the checkpoint and closes the store. Both idempotent.
 */
export class RegionAggregator extends AggregatorLifecycle {
  readonly #init: RegionAggregatorInit
  readonly #parts: Partial<Parts> = {}
  readonly #checkpointFile: string | undefined

  /** Checks the mode and the ledger link; no I/O until {@link start}. */
  constructor(init: RegionAggregatorInit) {
    if (init.config.mode !== 'region') throw new AggregatorError('RHN_AGG_CONFIG_INVALID', 'mode: RegionAggregator needs mode: region')
    if (init.config.ledger === undefined) throw new AggregatorError('RHN_AGG_CONFIG_INVALID', 'ledger: region mode requires ledger.nodeUrl (confirmed blocks are its only input)')
    super('the region aggregator', init)
    this.#init = init
    const baseDir = init.baseDir ?? process.cwd()
    this.#checkpointFile = init.checkpointFile ?? checkpointPathFor(resolveStorePaths(init.config.store, baseDir))
  }

  /** The region twin, once started. */
  get twin(): RegionTwin | undefined {
    return this.#parts.twin
  }

  /** The ledger feed, once started. */
  get feed(): LedgerFeed | undefined {
    return this.#parts.feed
  }

  /** The history backfill behind a seeded view, while one runs or ran. */
  get backfill(): HistoryBackfill | undefined {
    return this.#parts.viewStart?.backfill
  }

  /** The recommender, once started. */
  get recommender(): Recommender | undefined {
    return this.#parts.recommender
  }

  /** Body of `/healthz`. */
  health(): RegionHealth | { status: 'starting' } {
    const input = this.#healthInput()
    return input === undefined ? { status: 'starting' } : regionHealth(input)
  }

  /** Prometheus text of `/metrics`. */
  metrics(): string {
    const input = this.#healthInput()
    return input === undefined ? '' : regionMetrics(input)
  }

  #healthInput(): RegionHealthInput | undefined {
    const { twin, feed, recommender, watcher, checkpoint } = this.#parts
    const store = this.store
    if (store === undefined || twin === undefined || feed === undefined || recommender === undefined || watcher === undefined || checkpoint === undefined) return undefined
    const caughtUpAt = feed.status().caughtUpAt
    const seededAt = this.#parts.viewStart?.seededAt
    return {
      view: { ready: caughtUpAt !== undefined, ...(caughtUpAt === undefined ? {} : { readyAt: caughtUpAt }), ...(seededAt === undefined ? {} : { seededAt }) },
      // Without a backfill the history is written as the feed is read: complete once the view is.
      history: this.#parts.viewStart?.backfill?.status() ?? { backfilled: caughtUpAt === undefined ? 0 : 1, done: caughtUpAt !== undefined },
      uptimeS: this.uptimeS(),
      ledger: feed.status(),
      storeName: store.name,
      store: store.stats(),
      region: twin.region(),
      recommendations: recommender.view(),
      checkpoint: { file: this.#checkpointFile ?? null, saves: checkpoint.saves },
      registry: watcher.status(),
      storedPoints: twin.storedPoints,
      solves: recommender.solves,
      now: this.now(),
    }
  }

  async #delegates(baseDir: string): Promise<Map<string, DelegateSubmit>> {
    const out = new Map<string, DelegateSubmit>()
    for (const [member, d] of Object.entries(this.#init.config.ledger!.delegates)) {
      const token = await readSecret(baseDir, d.tokenFile, `ledger.delegates.${member}.tokenFile`)
      const client = new LedgerClient({ url: d.nodeUrl, token })
      out.set(member, async (request: RecommendedRequest) => {
        try {
          return { ...(await client.submit(request)), nodeUrl: client.url }
        } catch (err) {
          if (err instanceof LedgerClientError) throw new AggregatorError('RHN_AGG_LEDGER_REJECTED', `${member}'s ledger node ${client.url} refused the request (${err.code ?? err.status}): ${err.message}`, { cause: err })
          throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', `${member}'s ledger node ${client.url} cannot be reached: ${String(err)}`, { cause: err })
        }
      })
    }
    return out
  }

  /** See the class comment. */
  protected async startParts(): Promise<void> {
    const { config } = this.#init
    const link = config.ledger!
    const p = this.#parts
    const { file: registryFile, registry, text } = await this.readRegistry(config)
    if (config.regionId !== undefined && config.regionId !== registry.region.id) {
      throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `regionId: "${config.regionId}" is not the region of the registry ${registryFile} ("${registry.region.id}")`)
    }
    const tokens = await loadApiTokens(config.api, this.baseDir)
    const delegates = await this.#delegates(this.baseDir)
    const source = this.#init.ledger ?? new LedgerClient({ url: link.nodeUrl })

    const store = await this.openStore(config)
    const state = await loadCheckpoint(this.#checkpointFile, source.url, this.log)
    p.checkpoint = new CheckpointWriter(this.#checkpointFile, () => state, this.log.child({ part: 'checkpoint' }), () => store.flush(), this.#init.checkpointIntervalMs)
    const twin = new RegionTwin({ registry, state, thresholds: config.escalation, store, logger: this.log.child({ part: 'region' }), now: this.now })
    p.twin = twin
    this.log.info({ cursor: state.cursor, hospitals: Object.keys(state.hospitals).length, checkpoint: this.#checkpointFile ?? null }, 'region state loaded')

    p.watcher = new RegistryWatcher({
      file: registryFile,
      apply: (r) => twin.setRegistry(r),
      logger: this.log.child({ part: 'registry' }),
      now: this.now,
      ...(this.#init.registryDebounceMs === undefined ? {} : { debounceMs: this.#init.registryDebounceMs }),
    })
    p.watcher.start(text)

    p.recommender = new Recommender({
      twin,
      rebalance: this.#init.rebalance ?? ((input) => defaultRebalance(input)),
      options: config.rebalance,
      logger: this.log.child({ part: 'rebalance' }),
      now: this.now,
      ...(this.#init.solveDebounceMs === undefined ? {} : { debounceMs: this.#init.solveDebounceMs }),
    })

    const api = createRegionServer({
      twin,
      store,
      recommender: p.recommender,
      delegates,
      now: this.now,
      config: { host: config.api.host, port: config.api.port, tokens },
      health: () => this.health(),
      metrics: () => this.metrics(),
      logger: this.log.child({ part: 'api' }),
      heartbeatMs: this.#init.heartbeatMs ?? REGION_HEARTBEAT_MS,
    })
    await this.serve(api, tokens)

    const checkpoint = p.checkpoint
    p.feed = new LedgerFeed(
      {
        source,
        cursor: () => state.cursor,
        apply: (items, next) => {
          const before = state.cursor
          twin.apply(items, next)
          if (state.cursor !== before) checkpoint.touch()
        },
        logger: this.log.child({ part: 'feed' }),
      },
      {
        pollMs: link.pollMs,
        now: this.now,
        ...(this.#init.pageLimit === undefined ? {} : { pageLimit: this.#init.pageLimit }),
        onStatus: (s) => twin.emit({ type: 'ledger', reachable: s.reachable, ...(s.unreachableSince === undefined ? {} : { unreachableSince: s.unreachableSince }), at: this.now() }),
      },
    )
    p.recommender.start((v) => twin.emit({ type: 'recommendations', count: v.recommendations.length, solvedAt: v.solvedAt ?? this.now() }))
    p.viewStart = new ViewStart({ source, state, twin, store, checkpoint, feed: p.feed, thresholds: config.escalation, logger: this.log, now: this.now }, this.#init.pageLimit)
    p.viewStart.start()
    this.log.info({ url: this.url, region: registry.region.id, ledger: source.url, store: store.name, delegates: [...delegates.keys()] }, 'region aggregator started')
  }

  /** See the class comment. */
  protected async stopParts(): Promise<void> {
    const p = this.#parts
    p.watcher?.close()
    // Seeding, backfill and feed first: nothing changes the state once the checkpoint is being written.
    await this.stopInOrder([
      ['view start stop', () => p.viewStart?.stop()],
      ['feed stop', () => p.feed?.stop()],
      ['recommender stop', () => p.recommender?.stop()],
      this.apiCloseStep(),
      ['checkpoint', () => p.checkpoint?.flush()],
      ['checkpoint close', () => p.checkpoint?.close()],
      this.storeCloseStep(),
    ])
    this.log.info('region aggregator stopped')
  }
}
