/**
 * `Aggregator`: one hospital's twin service (issue 5), wiring the parts together — registry file
 * (watched), telemetry store, twin rebuilt from the store, Sparkplug host, API server with
 * `/healthz` and `/metrics`. Host events flow `host ▸ twin.apply ▸ store.write`; the store dedupes
 * (the same device, metric and timestamp is stored once), so replays and rebirths are harmless.
 */
import type { AggregatorConfig, Registry } from '@rhn/protocols'
import { createApiServer } from './api/index.js'
import { hostMqttInit, loadApiTokens } from './config-files.js'
import { AggregatorError } from './errors.js'
import { type AggregatorHealth, healthOf } from './health.js'
import { type HostEvent, SparkplugHost, type SparkplugHostInit } from './host/index.js'
import { type AggregatorCounters, aggregatorFamilies, renderFamilies } from './metrics.js'
import { rebuildTwin } from './rebuild.js'
import { type HospitalLedgerSide, type LedgerLinkHealth, startHospitalLedgerSide } from './ledger-link/index.js'
import { RegistryWatcher, type RegistryFileStatus } from './registry-watch.js'
import { AggregatorLifecycle, type AggregatorLifecycleInit } from './service-lifecycle.js'
import { SystemAlarmView } from './system-alarms.js'
import { Twin } from './twin/index.js'

/** Priority of the "registry file refused" alarm: the twin still runs on the last good registry, but edits are not taking effect. */
export const REGISTRY_ALARM_PRIORITY = 'medium'

/** Options of {@link Aggregator}; only `config` is required. */
export interface AggregatorInit extends AggregatorLifecycleInit {
  /** A validated config (`parseAggregatorConfig`). */
  config: AggregatorConfig
  /** Host tunables for tests (rebirth rate limit, stop timeout, mqtt.js factory, jitter source). */
  host?: Pick<SparkplugHostInit, 'rebirthIntervalMs' | 'stopTimeoutMs' | 'connect' | 'random'>
  /** Registry file debounce, ms. */
  registryDebounceMs?: number
  /** Twin staleness check period, ms. */
  staleCheckMs?: number
  /** SSE heartbeat period, ms. */
  heartbeatMs?: number
  /** Escalation re-evaluation debounce and ledger link retry delays, ms (tests). */
  ledger?: { evaluateDebounceMs?: number; retryInitialMs?: number; retryMaxMs?: number }
}

interface Running {
  registry: Registry
  twin: Twin
  view: SystemAlarmView
  host: SparkplugHost
  watcher: RegistryWatcher
  ledger: HospitalLedgerSide
}

/**
 * The aggregator of one hospital; see the module comment. Several may run in one process.
 * `start()` loads the registry, opens the store, rebuilds the twin from it, starts the host (connecting
 * in the background: the API answers while the broker is down) and the API; `stop()` stops the registry
 * watch, the host (offline STATE), the API (open streams too) and the store (flushed). Both idempotent.
 */
export class Aggregator extends AggregatorLifecycle {
  readonly #init: AggregatorInit
  readonly #counters: AggregatorCounters = { twinUpdates: 0, twinValues: 0, storePoints: 0, ingestErrors: 0 }
  readonly #parts: Partial<Running> = {}

  /** Checks the mode; no I/O until {@link start}. */
  constructor(init: AggregatorInit) {
    if (init.config.mode === 'region') throw new AggregatorError('RHN_AGG_CONFIG_INVALID', 'mode: region mode is not available yet (issue 7); use mode: hospital')
    if (init.config.hospitalId === undefined || init.config.mqtt === undefined) throw new AggregatorError('RHN_AGG_CONFIG_INVALID', 'hospital mode requires hospitalId and mqtt')
    super('the aggregator', init)
    this.#init = init
  }

  /** The twin as the API serves it (with the aggregator's own alarms). */
  get twin(): SystemAlarmView | undefined {
    return this.#parts.view
  }

  /** The Sparkplug host, once started. */
  get host(): SparkplugHost | undefined {
    return this.#parts.host
  }

  /** Issue 7: escalation levels and the ledger link, once started. */
  get ledger(): HospitalLedgerSide | undefined {
    return this.#parts.ledger
  }

  /** Body of `/healthz`: host, store, edge nodes, registry file, alarms, escalation, ledger link; free of secrets. */
  health(): (AggregatorHealth & { escalation?: { level: number; reason: string }; ledger?: LedgerLinkHealth | null }) | { status: 'starting' } {
    const { host, watcher, view, twin } = this.#parts
    const store = this.store
    if (host === undefined || store === undefined || watcher === undefined || view === undefined || twin === undefined) return { status: 'starting' }
    const { config } = this.#init
    const base = healthOf({
      hospital: config.hospitalId!,
      uptimeS: this.uptimeS(),
      mqtt: { url: config.mqtt!.url, hostId: config.sparkplug.hostId },
      host: host.stats(),
      nodes: host.nodes(),
      storeName: store.name,
      store: store.stats(),
      rollup: twin.tree().rollup,
      systemAlarms: view.active,
      registry: watcher.status(),
    })
    const side = this.#parts.ledger
    if (side === undefined) return base
    const e = side.monitor.current().hospital
    return { ...base, escalation: { level: e.level, reason: e.reason }, ledger: side.health() }
  }

  /** Prometheus text of `/metrics` (the API adds the SSE client gauge). */
  metrics(): string {
    const { host, watcher, view, twin } = this.#parts
    const store = this.store
    if (host === undefined || store === undefined || watcher === undefined || view === undefined || twin === undefined) return ''
    const nodes = host.nodes()
    const online = nodes.filter((n) => n.online).length
    const rollup = twin.tree().rollup
    return renderFamilies(
      aggregatorFamilies({
        host: host.stats(),
        nodes: { online, offline: nodes.length - online },
        store: store.stats(),
        counters: { ...this.#counters },
        registry: watcher.status(),
        alarmsActive: rollup.alarms.active + view.active,
        devices: rollup.devices,
        rssBytes: process.memoryUsage.rss(),
        ...(this.#parts.ledger === undefined ? {} : { escalation: this.#parts.ledger.monitor.current(), ledgerLink: this.#parts.ledger.stats() }),
      }),
    )
  }

  /** See the class comment. */
  protected async startParts(): Promise<void> {
    const { config } = this.#init
    const hospitalId = config.hospitalId!
    const p = this.#parts
    const { file: registryFile, registry, text } = await this.readRegistry(config)
    const hospital = registry.hospitals.find((h) => h.id === hospitalId)
    if (hospital === undefined) throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `hospitalId: "${hospitalId}" is not in the registry ${registryFile}`)
    p.registry = registry
    const tokens = await loadApiTokens(config.api, this.baseDir)
    const mqtt = await hostMqttInit(config.mqtt!, this.baseDir)

    const store = await this.openStore(config)

    const twin = new Twin({
      registry,
      hospitalId,
      config: { staleAfterIntervals: config.twin.staleAfterIntervals, rules: config.alarms.rules },
      now: this.now,
      logger: this.log.child({ part: 'twin' }),
      ...(this.#init.staleCheckMs === undefined ? {} : { staleCheckMs: this.#init.staleCheckMs }),
    })
    p.twin = twin
    p.view = new SystemAlarmView(twin, this.now)
    const rebuilt = await rebuildTwin(twin, store, registry, hospitalId, this.now())
    this.log.info({ ...rebuilt, store: store.name }, 'twin rebuilt from the store')
    twin.start()

    p.watcher = new RegistryWatcher({
      file: registryFile,
      apply: (r) => twin.setRegistry(r),
      onStatus: (s) => this.#registryStatus(s, hospitalId),
      logger: this.log.child({ part: 'registry' }),
      now: this.now,
      ...(this.#init.registryDebounceMs === undefined ? {} : { debounceMs: this.#init.registryDebounceMs }),
    })
    p.watcher.start(text)

    const host = new SparkplugHost({
      hostId: config.sparkplug.hostId,
      groups: config.sparkplug.groups.length > 0 ? config.sparkplug.groups : [hospitalId],
      mqtt,
      reorderTimeoutMs: config.sparkplug.reorderTimeoutMs,
      logger: this.log.child({ part: 'host' }),
      now: this.now,
      ...this.#init.host,
    })
    p.host = host
    host.onEvent((e) => this.#ingest(e))
    // Connects in the background; once online, every gateway of the registry is asked for a rebirth so
    // the twin gets fresh births instead of waiting for the next data (after a restart the nodes still
    // think they are in session). After a reconnect the host asks every node it knows by itself.
    host.start().then(
      () => {
        for (const gw of hospital.gateways) host.requestRebirth(hospitalId, gw.id)
        this.log.info({ gateways: hospital.gateways.map((g) => g.id) }, 'rebirth requested from every registry gateway')
      },
      (err: unknown) => this.log.debug({ err: String(err) }, 'host stopped before it came online'),
    )

    p.ledger = await startHospitalLedgerSide({
      config,
      hospitalId,
      baseDir: this.baseDir,
      twin: p.view,
      alarms: p.view,
      now: this.now,
      logger: this.log.child({ part: 'escalation' }),
      ...this.#init.ledger,
    })

    const api = createApiServer({
      escalation: p.ledger.monitor,
      ledger: p.ledger.routes,
      twin: p.view,
      store,
      config: { host: config.api.host, port: config.api.port, tokens },
      health: () => this.health(),
      metrics: () => this.metrics(),
      hospital: { id: hospital.id, name: hospital.name },
      logger: this.log.child({ part: 'api' }),
      now: this.now,
      ...(this.#init.heartbeatMs === undefined ? {} : { heartbeatMs: this.#init.heartbeatMs }),
    })
    await this.serve(api, tokens)
    this.log.info({ url: this.url, hospital: hospitalId, store: store.name, broker: mqtt.url }, 'aggregator started')
  }

  #ingest(e: HostEvent): void {
    const { twin } = this.#parts
    const store = this.store
    if (twin === undefined || store === undefined) return
    try {
      this.#counters.twinUpdates += 1
      if (e.type === 'device-data' || e.type === 'device-birth') this.#counters.twinValues += e.metrics.length
      const points = twin.apply(e)
      if (points.length > 0) {
        this.#counters.storePoints += points.length
        store.write(points)
      }
    } catch (err) {
      this.#counters.ingestErrors += 1
      this.log.error({ event: e.type, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'host event not ingested')
    }
  }

  #registryStatus(s: RegistryFileStatus, hospitalId: string): void {
    const key = `${hospitalId}/registry`
    if (s.error === undefined) this.#parts.view?.clear(key, this.now())
    else this.#parts.view?.raise({ key, asset: hospitalId, priority: REGISTRY_ALARM_PRIORITY, message: `Registry file refused, the last good registry stays in force: ${s.error.message}`, at: s.error.at })
  }

  /** See the class comment. */
  protected async stopParts(): Promise<void> {
    const p = this.#parts
    p.watcher?.close()
    p.ledger?.close()
    p.twin?.close()
    // The host first: no event arrives once the store is closing.
    const failures = await this.stopInOrder([['host stop', () => p.host?.stop()], this.apiCloseStep(), this.storeCloseStep()])
    this.log.info({ failures }, 'aggregator stopped')
  }
}
