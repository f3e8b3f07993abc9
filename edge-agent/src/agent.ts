import { type EdgeConfig, type EdgeDeviceConfig, getMetric, isKnownMetric } from '@rhn/protocols'
import type { Logger } from 'pino'
import { DRIVER_PLUGINS } from './drivers/plugins.js'
import type { Driver, DriverComponents, DriverFactory } from './drivers/types.js'
import { readSecret, resolvePath } from './files.js'
import { HealthServer } from './health/server.js'
import { AgentMetrics } from './metrics.js'
import { DiskOutbox } from './outbox/index.js'
import { TrackedOutbox } from './outbox-tracking.js'
import type { DeviceDescriptor, MetricDescriptor, Reading } from './reading.js'
import { deadbandOverride, ReportByException } from './rbe/index.js'
import { SparkplugEdgeNode } from './sparkplug/index.js'

/** What an agent is built from. */
export interface EdgeAgentInit {
  config: EdgeConfig
  /** Folder relative paths of the config resolve against (the config file's folder). */
  baseDir: string
  logger: Logger
  /** Wall clock, ms (default Date.now). */
  now?: () => number
}

/** Report-by-exception keep-alives are checked this often, ms: maxSilenceMs is minutes, so a second is plenty. */
const KEEPALIVE_SCAN_MS = 1_000

/**
 * `rhn-edge`: drivers ▸ report by exception ▸ durable outbox ▸ Sparkplug B edge node, with health.
 * Every reading is on disk before it is published and leaves the outbox only on the broker's PUBACK.
 */
export class EdgeAgent {
  readonly metrics = new AgentMetrics()
  private readonly now: () => number
  private readonly drivers: Driver[] = []
  private readonly lastValues = new Map<string, Reading>()
  private readonly knownMetrics = new Map<string, Set<string>>()
  private readonly learned = new Map<string, Map<string, MetricDescriptor>>()
  private rbe!: ReportByException
  private outbox!: TrackedOutbox
  private node!: SparkplugEdgeNode
  private health: HealthServer | undefined
  private pending: Reading[] = []
  private flushScheduled = false
  private appendFailures = 0
  private keepalive: NodeJS.Timeout | undefined
  private boundHealthPort = 0
  private started = false

  constructor(private readonly init: EdgeAgentInit) {
    this.now = init.now ?? Date.now
  }

  /** The port `/healthz` and `/metrics` listen on (after start). */
  get healthPort(): number {
    return this.boundHealthPort
  }

  /** Opens the outbox, connects to the broker and starts every driver. */
  async start(): Promise<void> {
    const { config, baseDir, logger } = this.init
    this.started = true
    const disk = await DiskOutbox.open({
      dir: resolvePath(baseDir, config.outbox.dir),
      maxBytes: config.outbox.maxBytes,
      segmentBytes: config.outbox.segmentBytes,
      policy: config.outbox.policy,
      logger: logger.child({ component: 'outbox' }),
      now: this.now,
    })
    this.outbox = new TrackedOutbox(disk)
    const deviceConfigs = new Map<string, EdgeDeviceConfig>(config.devices.map((d) => [d.id, d]))
    this.rbe = new ReportByException(
      { defaults: config.rbe, optionsFor: (device) => { const d = deviceConfigs.get(device); return d?.driver === 'opcua' ? deadbandOverride(d.deadband) : undefined } },
      { now: this.now },
    )
    const components: DriverComponents = {
      logger,
      now: this.now,
      emit: (readings) => this.onReadings(readings),
      deviceState: (device, online, error) => this.onDeviceState(device, online, error),
      countError: (device, kind) => this.metrics.driverErrors.inc({ device, kind }),
    }
    const byPlugin = new Map<string, EdgeDeviceConfig[]>()
    for (const d of config.devices.filter((x) => x.enabled)) byPlugin.set(d.driver, [...(byPlugin.get(d.driver) ?? []), d])
    for (const [plugin, configs] of byPlugin) {
      const factory = (await DRIVER_PLUGINS[plugin as EdgeDeviceConfig['driver']]()) as DriverFactory
      this.drivers.push(factory(configs, { ...components, logger: logger.child({ driver: plugin }) }, baseDir))
    }
    const password = config.mqtt.password ?? (config.mqtt.passwordFile === undefined ? undefined : await readSecret(baseDir, config.mqtt.passwordFile, 'mqtt.passwordFile'))
    const tls = config.mqtt.tls
    this.node = new SparkplugEdgeNode({
      gateway: config.gateway,
      mqtt: {
        url: config.mqtt.url,
        ...(config.mqtt.clientId === undefined ? {} : { clientId: config.mqtt.clientId }),
        ...(config.mqtt.username === undefined ? {} : { username: config.mqtt.username }),
        ...(password === undefined ? {} : { password }),
        ...(tls === undefined
          ? {}
          : { tls: Object.fromEntries(Object.entries({ ca: tls.ca, cert: tls.cert, key: tls.key }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, resolvePath(baseDir, v!)])) }),
        keepaliveS: config.mqtt.keepaliveS,
        connectTimeoutMs: config.mqtt.connectTimeoutMs,
        reconnect: config.mqtt.reconnect,
      },
      sparkplug: { ...(config.sparkplug.primaryHostId === undefined ? {} : { primaryHostId: config.sparkplug.primaryHostId }), strict: config.sparkplug.strict, bdSeqFile: resolvePath(baseDir, config.sparkplug.bdSeqFile) },
      replayRateMsgsPerS: config.outbox.replayRateMsgsPerS,
      outbox: this.outbox,
      devices: () => this.devices(),
      declareMetric: (device, metric) => this.learn({ device, metric }),
      lastValue: (device, metric) => this.lastValues.get(`${device}\u0000${metric}`),
      logger: logger.child({ component: 'sparkplug' }),
      now: this.now,
    })
    for (const d of this.devices()) this.knownMetrics.set(d.id, new Set(d.metrics.map((m) => m.name)))
    this.health = new HealthServer({ health: () => this.healthReport(), metrics: () => this.metrics.render(this) }, config.health.host, config.health.port)
    this.boundHealthPort = await this.health.start()
    await this.node.start()
    await Promise.all(this.drivers.map((d) => d.start()))
    this.keepalive = setInterval(() => this.append(this.rbe.due()), KEEPALIVE_SCAN_MS)
    logger.info({ devices: config.devices.length, drivers: this.drivers.map((d) => d.name), health: this.boundHealthPort }, 'rhn-edge started')
  }

  /** Stops drivers first (no new readings), then flushes to the outbox, then the edge node (clean NDEATH). Idempotent. */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    if (this.keepalive !== undefined) clearInterval(this.keepalive)
    await Promise.allSettled(this.drivers.map((d) => d.stop()))
    await this.flush()
    await this.node?.stop()
    await this.outbox?.close()
    await this.health?.stop()
  }

  /**
   * Every device of every driver, for births, plus metrics a device reported that its driver had not
   * declared yet (e.g. a GTIN a cabinet saw first): those come from the catalogue, so the DBIRTH
   * announces them before their first DDATA.
   */
  devices(): DeviceDescriptor[] {
    return this.drivers.flatMap((d) => d.devices()).map((d) => {
      const extra = this.learned.get(d.id)
      if (extra === undefined) return d
      const names = new Set(d.metrics.map((m) => m.name))
      return { ...d, metrics: [...d.metrics, ...[...extra.values()].filter((m) => !names.has(m.name))] }
    })
  }

  /** Each driver's devices, the broker and the outbox, for `/healthz`. */
  healthReport(): { ok: boolean } & Record<string, unknown> {
    const node = this.node?.metrics()
    const outbox = this.outbox?.stats()
    const drivers = this.drivers.map((d) => ({ driver: d.name, devices: d.health() }))
    const devicesOnline = drivers.every((d) => d.devices.every((x) => x.online))
    return {
      ok: this.appendFailures === 0,
      status: node?.connected === 1 && devicesOnline ? 'ok' : 'degraded',
      gateway: this.init.config.gateway,
      broker: { url: this.init.config.mqtt.url, connected: node?.connected === 1, primaryHostOnline: node?.primaryHostOnline === 1, reconnects: node?.reconnects ?? 0 },
      outbox,
      drivers,
    }
  }

  /** Counters of the parts, for `/metrics`. */
  parts(): { node: ReturnType<SparkplugEdgeNode['metrics']> | undefined; outbox: ReturnType<TrackedOutbox['stats']> | undefined; drivers: readonly Driver[] } {
    return { node: this.node?.metrics(), outbox: this.outbox?.stats(), drivers: this.drivers }
  }

  private onReadings(readings: readonly Reading[]): void {
    this.metrics.readings.inc({}, readings.length)
    for (const r of readings) {
      this.lastValues.set(`${r.device}\u0000${r.metric}`, r)
      const known = this.knownMetrics.get(r.device)
      if (known !== undefined && !known.has(r.metric)) {
        // A new metric (e.g. a GTIN the cabinet had not seen): declare it and re-birth the device before its data.
        this.learn(r)
        known.add(r.metric)
        this.node.deviceRebirth(r.device)
      }
    }
    this.append(this.rbe.filter(readings))
  }

  /** Declares a catalogue metric for a device that its driver has not announced; false for unknown names. */
  private learn(r: { device: string; metric: string }): boolean {
    if (!isKnownMetric(r.metric)) return false
    const def = getMetric(r.metric)
    const metrics = this.learned.get(r.device) ?? new Map<string, MetricDescriptor>()
    metrics.set(r.metric, {
      name: r.metric,
      datatype: def.datatype,
      ...(def.unit === undefined ? {} : { unit: def.unit }),
      ...(def.mdc === undefined ? {} : { mdcCode: def.mdc.code, mdcRefId: def.mdc.refId }),
    })
    this.learned.set(r.device, metrics)
    this.knownMetrics.get(r.device)?.add(r.metric)
    return true
  }

  /** Queues readings for the outbox; appends once per tick so concurrent drivers share one write and fsync. */
  private append(readings: readonly Reading[]): void {
    if (readings.length === 0) return
    for (const r of readings) this.pending.push(r)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => void this.flush())
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    // Only the count waits for the fsync: the outbox encoded the readings, so they can be collected young.
    const readings = batch.length
    try {
      const id = await this.outbox.append(batch)
      this.metrics.queued.inc({}, readings)
      this.init.logger.debug({ batch: id, readings }, 'queued')
      this.node.notify()
    } catch (err) {
      this.appendFailures++
      this.init.logger.error({ err: String(err), readings }, 'outbox refused readings')
    }
  }

  private onDeviceState(device: string, online: boolean, error?: string): void {
    this.metrics.deviceOnline.set(device, online)
    if (online) {
      this.outbox.cancelAfterDrained(device)
      this.node.deviceOnline(device)
      return
    }
    this.init.logger.warn({ device, error }, 'device offline')
    // DDEATH only after the device's readings already in the outbox went out: no DATA may follow a
    // DDEATH on the wire, and none of those readings may be lost.
    void this.flush().then(() => this.outbox.afterDrained(device, () => {
      this.rbe.forget(device)
      this.node.deviceOffline(device, error)
    }))
  }
}
