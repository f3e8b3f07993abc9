/**
 * The life cycle the hospital `Aggregator` and the `RegionAggregator` share: `start()` runs the start
 * work once and, when it fails, stops whatever it started before rethrowing; `stop()` runs once, after
 * the start work has settled; the store is opened and the API server listens the same way in both;
 * shutdown steps run in a fixed order and one failing step never keeps the next from running.
 */
import { resolve } from 'node:path'
import type { AggregatorConfig, Registry } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino, type Logger } from 'pino'
import type { ApiToken } from './api/types.js'
import { resolvePath, resolveStorePaths } from './config-files.js'
import { AggregatorError } from './errors.js'
import { loadRegistry } from './registry-watch.js'
import { createStore, type TelemetryStore } from './store/index.js'

/** One shutdown step: its name for the log, and the work (which may do nothing when its part never started). */
export type StopStep = readonly [what: string, work: () => unknown]

/** Folder, logger and clock of an {@link AggregatorLifecycle}; all optional. */
export interface AggregatorLifecycleInit {
  /** Folder that relative paths in the config are relative to: the config file's folder (default: the working directory at start). */
  baseDir?: string
  /** pino logger; silent when absent. */
  logger?: Logger
  /** Wall clock, ms since 1970. */
  now?: () => number
}

/**
 * Base of both aggregators: idempotent `start`/`stop`, the store, the API server's URL and token
 * names. A subclass implements {@link startParts} and {@link stopParts}; several may run in one process.
 */
export abstract class AggregatorLifecycle {
  /** The logger every part gets a child of. */
  protected readonly log: Logger
  /** Wall clock, ms since 1970. */
  protected readonly now: () => number
  /** When the start began (ms), for `uptimeS`. */
  protected startedAt = 0
  readonly #name: string
  readonly #baseDir: string | undefined
  #store: TelemetryStore | undefined
  #api: FastifyInstance | undefined
  #url: string | undefined
  #tokenNames: string[] = []
  #starting: Promise<void> | undefined
  /** The start work alone (without the clean-up on failure), which stop waits for. */
  #run: Promise<void> | undefined
  #stopping: Promise<void> | undefined

  /** `name` is how errors call this aggregator ("the aggregator", "the region aggregator"). */
  protected constructor(name: string, init: AggregatorLifecycleInit) {
    this.#name = name
    this.#baseDir = init.baseDir
    this.log = init.logger ?? pino({ level: 'silent' })
    this.now = init.now ?? Date.now
  }

  /** Runs {@link startParts} once; on failure everything started so far is stopped and the error is thrown. Idempotent. */
  start(): Promise<void> {
    if (this.#stopping !== undefined) return Promise.reject(new AggregatorError('RHN_AGG_CONFIG_INVALID', `${this.#name} was stopped; make a new one`))
    if (this.#starting === undefined) {
      this.startedAt = this.now()
      const run = this.startParts()
      this.#run = run
      this.#starting = run.catch(async (err: unknown) => {
        await this.stop()
        throw err
      })
    }
    return this.#starting
  }

  /** Waits for the start work to settle, then runs {@link stopParts} once. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#run?.catch(() => undefined)
      await this.stopParts()
    })()
    return this.#stopping
  }

  /** The page's base URL (`http://host:port/`) once started. */
  get url(): string | undefined {
    return this.#url
  }

  /** Names of the API tokens accepted, with their roles (never the tokens). */
  get tokenNames(): string[] {
    return [...this.#tokenNames]
  }

  /** The telemetry store, once opened. */
  get store(): TelemetryStore | undefined {
    return this.#store
  }

  /** Folder relative config paths resolve against. */
  protected get baseDir(): string {
    return this.#baseDir ?? process.cwd()
  }

  /** Seconds since the start began. */
  protected uptimeS(): number {
    return Math.round((this.now() - this.startedAt) / 1000)
  }

  /** The start work: every part, in order. Called once by {@link start}. */
  protected abstract startParts(): Promise<void>

  /** The ordered shutdown (see {@link stopInOrder}); called once by {@link stop}, after the start work settled. */
  protected abstract stopParts(): Promise<void>

  /** Reads and checks the registry file named by the config (`registry`), resolved against {@link baseDir}. */
  protected async readRegistry(config: AggregatorConfig): Promise<{ file: string; registry: Registry; text: string }> {
    const file = resolve(resolvePath(this.baseDir, config.registry))
    return { file, ...(await loadRegistry(file)) }
  }

  /** Creates the configured store (relative paths against {@link baseDir}) and opens it; the store step of {@link stopInOrder} closes it. */
  protected async openStore(config: AggregatorConfig): Promise<TelemetryStore> {
    const store = createStore(resolveStorePaths(config.store, this.baseDir), { logger: this.log.child({ part: 'store' }), now: this.now })
    this.#store = store
    await store.init()
    return store
  }

  /** Listens with `api` (its `listen()` knows the configured address) and records the page URL and the token names. */
  protected async serve(api: FastifyInstance, tokens: readonly ApiToken[]): Promise<void> {
    this.#api = api
    const address = new URL(await api.listen())
    // A wildcard listen address is no place to browse to: show loopback.
    if (['0.0.0.0', '[::]'].includes(address.hostname)) address.hostname = '127.0.0.1'
    this.#url = `${address.protocol}//${address.host}/`
    this.#tokenNames = tokens.map((t) => `${t.name} (${t.role})`)
  }

  /** The step closing the API server (open streams too); nothing when it never started. */
  protected apiCloseStep(): StopStep {
    return ['API close', () => this.#api?.close()]
  }

  /** The step closing the store (flushing it first); nothing when it never opened. */
  protected storeCloseStep(): StopStep {
    return ['store close', () => this.#store?.close()]
  }

  /** Runs `steps` one after the other; a failing step is logged and the next still runs. Resolves to the number of failures. */
  protected async stopInOrder(steps: readonly StopStep[]): Promise<number> {
    let failures = 0
    for (const [what, work] of steps) {
      try {
        await work()
      } catch (err) {
        failures += 1
        this.log.warn({ err: String(err) }, `${what} failed at stop`)
      }
    }
    return failures
  }
}
