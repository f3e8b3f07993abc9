import { performance } from 'node:perf_hooks'
import type { ModbusDeviceConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { DeviceDescriptor, Reading } from '../../reading.js'
import type { Driver, DriverComponents, DriverFactory } from '../types.js'
import { ModbusTcpClient } from './client.js'
import { GATEWAY_EXCEPTIONS, ModbusFault, parseReadResponse, readRequestPdu } from './frame.js'
import { backoffDelay, DeviceHealth } from '../device-health.js'
import { decodeResponse, planEntry, type EntryPlan, type UnitPlan } from './plan.js'

/** What the Modbus driver needs beyond {@link DriverComponents}. */
export interface ModbusDriverComponents extends DriverComponents {
  /** Jitter source for backoff, [0, 1); default `Math.random` (pass a seeded one for deterministic runs). */
  random?: () => number
}

/** One TCP connection per host:port, shared by every unit id (and config entry) behind it. */
interface Link {
  readonly client: ModbusTcpClient
  readonly where: string
  connecting: Promise<boolean> | undefined
  /** Failed connects/losses in a row, for backoff. */
  attempt: number
  /** Monotonic ms before which no reconnect is tried. */
  retryAt: number
  lastError: string
}

/** Per-device backoff after a timeout or a gateway exception. */
interface UnitBackoff {
  attempt: number
  retryAt: number
}

/**
 * Polls Modbus TCP devices: per config entry a poll loop at `pollIntervalMs`; per unit id the
 * coalesced reads of its map; one connection per host:port with requests serialized; per-device
 * timeouts and exponential backoff. A unit that times out or whose gateway answers 0x0A/0x0B goes
 * offline (DDEATH) and comes back when it answers; bad frames are counted and logged, naming the device.
 */
class ModbusDriver implements Driver {
  readonly name = 'modbus'
  private readonly plans: readonly EntryPlan[]
  private readonly log: Logger
  private readonly states: DeviceHealth
  private readonly random: () => number
  private readonly links = new Map<string, Link>()
  private readonly backoffs = new Map<string, UnitBackoff>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly inFlight = new Set<Promise<void>>()
  private started = false
  private stopped = false

  constructor(
    configs: readonly ModbusDeviceConfig[],
    private readonly components: ModbusDriverComponents,
  ) {
    this.plans = configs.filter((c) => c.enabled).map((c) => planEntry(c))
    this.log = components.logger.child({ driver: 'modbus' })
    this.random = components.random ?? Math.random
    this.states = new DeviceHealth(components, this.plans.flatMap((p) => p.units.map((u) => u.device)))
  }

  devices(): readonly DeviceDescriptor[] {
    return this.plans.flatMap((p) => p.descriptors)
  }

  health(): readonly { device: string; online: boolean; since: number; error?: string }[] {
    return this.states.list()
  }

  start(signal?: AbortSignal): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve()
    this.started = true
    signal?.addEventListener('abort', () => void this.stop(), { once: true })
    for (const plan of this.plans) this.schedule(plan, 0)
    return Promise.resolve()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const link of this.links.values()) link.client.close()
    await Promise.allSettled([...this.inFlight])
  }

  private schedule(plan: EntryPlan, delayMs: number): void {
    if (this.stopped) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      const started = performance.now()
      const run = this.poll(plan)
        .catch((err: unknown) => this.log.error({ entry: plan.config.id, err: String(err) }, 'modbus poll failed'))
        .finally(() => {
          this.inFlight.delete(run)
          this.schedule(plan, Math.max(0, plan.config.pollIntervalMs - (performance.now() - started)))
        })
      this.inFlight.add(run)
    }, delayMs)
    this.timers.add(timer)
  }

  private async poll(plan: EntryPlan): Promise<void> {
    const link = this.linkOf(plan.config)
    if (!(await this.ensureConnected(link, plan))) {
      for (const unit of plan.units) this.states.set(unit.device, false, `${unit.device} (unit ${unit.unitId} at ${link.where}): ${link.lastError}`)
      return
    }
    for (const unit of plan.units) {
      if (this.stopped) return
      const backoff = this.backoffs.get(unit.device)
      if (backoff !== undefined && performance.now() < backoff.retryAt) continue
      await this.pollUnit(plan, unit, link)
    }
  }

  /** Reads every request of one unit; emits what decoded; decides whether the unit is online. */
  private async pollUnit(plan: EntryPlan, unit: UnitPlan, link: Link): Promise<void> {
    const { device, unitId } = unit
    const where = `${device} (unit ${unitId} at ${link.where})`
    const readings: Reading[] = []
    try {
      for (const request of unit.requests) {
        try {
          const pdu = await link.client.request(unitId, readRequestPdu(request.table, request.address, request.count), plan.config.timeoutMs)
          const decoded = decodeResponse(device, request, parseReadResponse(pdu, request.table, request.count), this.components.now())
          readings.push(...decoded.readings)
          for (const p of decoded.problems) this.fault(device, 'bad-value', { unitId, metric: p.metric }, `${where}: ${p.metric}: ${p.message}`)
        } catch (err) {
          if (!(err instanceof ModbusFault)) throw err
          const at = { unitId, table: request.table, address: request.address, count: request.count }
          this.fault(device, err.kind, at, `${where}: ${request.table} ${request.address}+${request.count}: ${err.message}`)
          const silent = err.kind === 'timeout' || (err.kind === 'exception' && GATEWAY_EXCEPTIONS.has(err.exceptionCode ?? -1))
          if (silent) {
            this.goneQuiet(plan, unit, `${where}: ${err.message}`)
            return
          }
          // It answered, badly: the device is there; other requests and devices carry on.
        }
      }
    } catch (err) {
      // The connection dropped mid-poll: every unit behind it is unreachable until it is back.
      this.states.set(device, false, `${where}: ${(err as Error).message}`)
      return
    } finally {
      if (readings.length > 0) this.components.emit(readings)
    }
    this.backoffs.delete(device)
    this.states.set(device, true)
  }

  /** A unit timed out or its gateway says it is absent: offline, and back off before asking again. */
  private goneQuiet(plan: EntryPlan, unit: UnitPlan, reason: string): void {
    const b = this.backoffs.get(unit.device) ?? { attempt: 0, retryAt: 0 }
    b.retryAt = performance.now() + backoffDelay(plan.config.backoff, b.attempt, this.random)
    b.attempt += 1
    this.backoffs.set(unit.device, b)
    this.states.set(unit.device, false, reason)
  }

  private fault(device: string, kind: string, fields: object, message: string): void {
    this.components.countError(device, kind)
    this.log.warn({ device, kind, ...fields }, message)
  }

  private linkOf(config: ModbusDeviceConfig): Link {
    const key = `${config.host}:${config.port}`
    let link = this.links.get(key)
    if (link === undefined) {
      const client = new ModbusTcpClient(config.host, config.port)
      const created: Link = { client, where: `modbus://${key}`, connecting: undefined, attempt: 0, retryAt: 0, lastError: 'not connected yet' }
      client.onClose((err) => {
        created.lastError = err.message
        created.retryAt = performance.now() + backoffDelay(config.backoff, created.attempt, this.random)
        created.attempt += 1
        this.log.warn({ endpoint: created.where, err: err.message }, 'modbus connection lost; backing off')
      })
      this.links.set(key, created)
      link = created
    }
    return link
  }

  /** Connects the link unless it is connected or backing off; true when it is usable now. */
  private ensureConnected(link: Link, plan: EntryPlan): Promise<boolean> {
    if (link.client.connected) return Promise.resolve(true)
    if (this.stopped || performance.now() < link.retryAt) return Promise.resolve(false)
    link.connecting ??= link.client
      .connect(plan.config.timeoutMs)
      .then(() => {
        if (this.stopped) link.client.close()
        else this.log.info({ endpoint: link.where, afterAttempts: link.attempt }, 'modbus connected')
        link.attempt = 0
        return !this.stopped
      })
      .catch((err: Error) => {
        link.lastError = err.message
        const delay = backoffDelay(plan.config.backoff, link.attempt, this.random)
        link.retryAt = performance.now() + delay
        link.attempt += 1
        for (const unit of plan.units) this.components.countError(unit.device, 'unreachable')
        this.log.warn({ endpoint: link.where, devices: plan.units.map((u) => u.device), retryInMs: delay, err: err.message }, 'modbus connect failed')
        return false
      })
      .finally(() => (link.connecting = undefined))
    return link.connecting
  }
}

/**
 * The Modbus TCP driver plugin. Validates every entry's register map at construction (no I/O).
 * @throws EdgeError `RHN_EDGE_CONFIG_INVALID` naming the entry whose inline map is invalid.
 */
export const createModbusDriver: DriverFactory<ModbusDeviceConfig> = (configs, components) => new ModbusDriver(configs, components)
