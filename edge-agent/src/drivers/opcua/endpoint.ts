import { resolve } from 'node:path'
import type { OpcuaDeviceConfig } from '@rhn/protocols'
import type { ClientSession, DataValue, OPCUACertificateManager, OPCUAClient, StatusCode } from 'node-opcua'
import type { Logger } from 'pino'
import type { Reading, ReadingValue } from '../../reading.js'
import type { DriverComponents } from '../types.js'
import { bindingsFor, type NodeBinding } from './bindings.js'
import { backoffDelay, type DeviceHealth } from '../device-health.js'
import { poll, subscribe, type Monitor, type MonitorSink } from './monitor.js'
import { createClient, explainFailure, userIdentity } from './security.js'

/** What an endpoint needs from its driver. */
export interface EndpointContext {
  readonly components: DriverComponents
  readonly states: DeviceHealth
  readonly log: Logger
  readonly baseDir: string
  readonly random: () => number
}

/** One connection attempt's resources, torn down whole. */
interface Attempt {
  client: OPCUAClient
  certificates: OPCUACertificateManager
  session?: ClientSession
  monitor?: Monitor
  /** Settles `lost` with a reason. */
  signal: (reason: string) => void
}

/**
 * One OPC UA server as the entries that share a session see it. Each (re)connection builds everything
 * from scratch: a new client, secure channel, session, namespace lookup, subscription and every
 * monitored item. node-opcua's transparent reconnection is off, since after a server restart it
 * would try to reactivate a session and transfer subscriptions the new server never had.
 */
export class OpcuaEndpoint {
  readonly url: string
  private readonly first: OpcuaDeviceConfig
  private readonly pkiDir: string
  private readonly devices: readonly string[]
  private current: Attempt | undefined
  private stopped = false
  private wake: (() => void) | undefined
  private loop: Promise<void> | undefined
  /** Bad variables per device: a device is online when it has none. */
  private readonly bad = new Map<string, Set<string>>()
  private pending: Reading[] = []
  private flushing: NodeJS.Immediate | undefined
  /** Sessions built so far (1 after the first connect; more after rebuilds). */
  sessionsBuilt = 0

  constructor(
    private readonly configs: readonly OpcuaDeviceConfig[],
    private readonly ctx: EndpointContext,
  ) {
    this.first = configs[0] as OpcuaDeviceConfig
    this.url = this.first.endpointUrl
    this.pkiDir = resolve(ctx.baseDir, this.first.pkiDir)
    this.devices = configs.map((c) => c.id)
  }

  /** Starts the connect loop; resolves after the first attempt succeeded or failed. */
  start(): Promise<void> {
    return new Promise((done) => {
      this.loop = this.run(done)
    })
  }

  /** Closes the session and client and stops retrying; idempotent. */
  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    this.current?.signal('stopping')
    await this.loop
    if (this.flushing !== undefined) clearImmediate(this.flushing)
    this.flush()
  }

  private async run(firstDone: () => void): Promise<void> {
    let attempt = 0
    while (!this.stopped) {
      let lost: Promise<string> | undefined
      try {
        ;({ lost } = await this.connect())
        attempt = 0
      } catch (err) {
        const reason = explainFailure(err, this.url, this.pkiDir)
        if (!this.stopped) this.offline(`connect failed: ${reason}`, 'unreachable')
      }
      firstDone()
      if (lost !== undefined) {
        const reason = await lost
        if (!this.stopped) this.offline(`session lost (${reason}); rebuilding`, 'session-lost')
      }
      await this.teardown()
      if (this.stopped) break
      await this.sleep(backoffDelay(this.first.reconnect, attempt++, this.ctx.random))
    }
    await this.teardown()
    firstDone()
  }

  /** Builds client, session and monitored items; resolves with a promise that settles when they are lost. */
  private async connect(): Promise<{ lost: Promise<string> }> {
    const { client, certificates } = await createClient({ ...this.first, pkiDir: this.pkiDir })
    let signal: (reason: string) => void = () => {}
    const lost = new Promise<string>((r) => (signal = r))
    const attempt: Attempt = { client, certificates, signal }
    this.current = attempt
    if (this.stopped) signal('stopping')
    client.on('connection_lost', () => signal('connection lost'))
    client.on('close', (err?: Error | null) => signal(`connection closed${err ? `: ${err.message}` : ''}`))
    await client.connect(this.url)
    const session = await client.createSession(await userIdentity(this.first, this.ctx.baseDir))
    attempt.session = session
    session.on('session_closed', () => signal('session closed'))
    session.on('keepalive_failure', () => signal('session keep-alive failed'))
    const namespaces = await session.readNamespaceArray()
    const bindings: NodeBinding[] = []
    for (const c of this.configs) {
      try {
        bindings.push(...bindingsFor(c, namespaces))
      } catch (err) {
        this.report(c.id, 'config', (err as Error).message)
        this.ctx.states.set(c.id, false, (err as Error).message)
      }
    }
    this.bad.clear()
    const sink = this.sink(signal)
    try {
      attempt.monitor = await subscribe(session, bindings, this.first, sink)
    } catch (err) {
      this.ctx.log.warn({ endpoint: this.url, err: (err as Error).message }, 'opcua subscriptions not available: polling with Read')
      attempt.monitor = poll(session, bindings, this.first.samplingIntervalMs, sink)
    }
    this.sessionsBuilt += 1
    const m = attempt.monitor
    this.ctx.log.info({ endpoint: this.url, devices: this.devices, items: bindings.length, mode: m.mode, deadbandItems: m.deadbandItems, session: this.sessionsBuilt }, 'opcua session built')
    return { lost }
  }

  private sink(signal: (reason: string) => void): MonitorSink {
    return {
      value: (b, dv) => this.onValue(b, dv),
      itemFailed: (b, status: StatusCode) => this.report(b.device, 'item', `${b.device}: ${b.nodeId} (${b.metric}) not monitored: ${status.name}`),
      lost: signal,
    }
  }

  private onValue(b: NodeBinding, dv: DataValue): void {
    const bad = this.bad.get(b.device) ?? new Set<string>()
    this.bad.set(b.device, bad)
    if (dv.statusCode.isBad()) {
      const reason = `${b.device}: ${dv.statusCode.name} on ${b.nodeId} (${b.metric}): the device does not answer behind the server`
      if (bad.size === 0) this.report(b.device, 'bad-status', reason)
      bad.add(b.nodeId)
      this.ctx.states.set(b.device, false, reason)
      return
    }
    bad.delete(b.nodeId)
    if (bad.size === 0) this.ctx.states.set(b.device, true)
    const value = toReadingValue(dv.value.value)
    if (value === undefined) {
      this.report(b.device, 'bad-value', `${b.device}: ${b.nodeId} (${b.metric}) carries a ${typeof dv.value.value} the catalogue cannot take`)
      return
    }
    const timestamp = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? this.ctx.components.now()
    this.pending.push({ device: b.device, metric: b.metric, value, timestamp })
    // One emit per burst of notifications rather than one per value.
    this.flushing ??= setImmediate(() => this.flush())
  }

  private flush(): void {
    this.flushing = undefined
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.ctx.components.emit(batch)
  }

  private offline(reason: string, kind: string): void {
    for (const d of this.devices) {
      this.report(d, kind, `${d}: ${reason}`)
      this.ctx.states.set(d, false, `${d}: ${reason}`)
    }
  }

  private report(device: string, kind: string, message: string): void {
    this.ctx.components.countError(device, kind)
    this.ctx.log.warn({ device, kind, endpoint: this.url }, message)
  }

  /** Tears the current attempt down; each step bounded, since the peer may be gone. */
  private async teardown(): Promise<void> {
    const a = this.current
    this.current = undefined
    if (a === undefined) return
    const bounded = (p: Promise<unknown>): Promise<unknown> => within(p, this.first.timeoutMs)
    if (a.monitor !== undefined) await bounded(a.monitor.close())
    if (a.session !== undefined) await bounded(a.session.close(true))
    await bounded(a.client.disconnect())
    await bounded(a.certificates.dispose())
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(() => done(), ms)
      this.wake = () => {
        clearTimeout(timer)
        done()
      }
    })
  }
}

/** Settles when `p` does or after `ms`, whichever is first; never rejects. */
function within(p: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer))
}

/** A variant value as a catalogue value: numbers, booleans, strings; LocalizedText as its text. */
function toReadingValue(v: unknown): ReadingValue | undefined {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'object' && v !== null && 'text' in v && typeof v.text === 'string') return v.text
  return undefined
}
