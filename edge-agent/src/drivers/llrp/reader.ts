/**
 * One configured reader: keeps a session up (reconnecting with backoff), turns its reports into
 * stock readings and tells the agent whether the reader is online. After a reader reboot the new
 * session reinstalls the ROSpec, since a rebooted reader has none ("Reader Operations").
 */
import type { LlrpDeviceConfig } from '@rhn/protocols'
import { ppeMetricName } from '@rhn/protocols'
import type { Reading } from '../../reading.js'
import type { DriverComponents } from '../types.js'
import type { TagSeen } from './messages.js'
import { LlrpSession } from './session.js'
import { StockTracker } from './stock.js'

/** Protocol timings shared by every reader of a driver. */
export interface LlrpTuning {
  /** Inventory round (AISpec Duration), ms. */
  roundMs: number
  /** KEEPALIVE period asked of the reader, ms. */
  keepaliveMs: number
  /** ROSpecID the driver installs. */
  roSpecId: number
}

/** The state of one reader for `/healthz`. */
export interface ReaderHealth {
  device: string
  online: boolean
  since: number
  error?: string
}

/** Keeps one reader connected and its cabinet's stock up to date. */
export class LlrpReaderLink {
  readonly stock: StockTracker
  private session: LlrpSession | undefined
  private retry: NodeJS.Timeout | undefined
  private failures = 0
  private running = false
  private reporting = false
  private state: ReaderHealth
  private announced: boolean | undefined

  constructor(
    private readonly cfg: LlrpDeviceConfig,
    private readonly c: DriverComponents,
    private readonly tuning: LlrpTuning,
  ) {
    this.stock = new StockTracker(cfg.absenceMs)
    this.state = { device: cfg.id, online: false, since: c.now() }
  }

  /** Health as `/healthz` shows it. */
  health(): ReaderHealth {
    return { ...this.state }
  }

  /** Starts connecting; never throws (an unreachable reader is retried, not an error). */
  start(): void {
    if (this.running) return
    this.running = true
    this.connect()
  }

  /** Closes the session and cancels any retry; idempotent. */
  stop(): void {
    this.running = false
    clearTimeout(this.retry)
    this.retry = undefined
    this.session?.close('driver stopped')
    this.session = undefined
  }

  private connect(): void {
    this.retry = undefined
    if (!this.running) return
    const session: LlrpSession = new LlrpSession({
      host: this.cfg.host,
      port: this.cfg.port,
      timeoutMs: this.cfg.timeoutMs,
      keepaliveMs: this.tuning.keepaliveMs,
      roSpec: { id: this.tuning.roSpecId, antennas: this.cfg.antennas, roundMs: this.tuning.roundMs },
      onReport: (tags) => this.onReport(session, tags),
      onClose: (reason, garbage) => this.onClose(session, reason, garbage),
    })
    this.session = session
    session.open().then(
      () => this.c.logger.info({ device: this.cfg.id, roSpecId: this.tuning.roSpecId }, 'llrp ROSpec installed'),
      (err: unknown) => session.close(err instanceof Error ? err.message : String(err)),
    )
  }

  private onReport(session: LlrpSession, tags: TagSeen[]): void {
    if (session !== this.session) return
    const now = this.c.now()
    if (!this.reporting) {
      this.reporting = true
      this.failures = 0
      this.stock.resume()
      this.setState(true)
    }
    const wanted = this.cfg.antennas
    const inCabinet = wanted.length === 0 ? tags : tags.filter((t) => wanted.includes(t.antenna))
    const change = this.stock.observe(inCabinet, now)
    const counts = this.stock.snapshot()
    const device = this.cfg.id
    const readings: Reading[] = []
    for (const gtin of change.gtins) {
      const c = counts.get(gtin)
      if (c === undefined) continue
      readings.push({ device, metric: ppeMetricName('Stock', gtin), value: c.stock, timestamp: now })
      readings.push({ device, metric: ppeMetricName('Taken', gtin), value: c.taken, timestamp: now })
      readings.push({ device, metric: ppeMetricName('Restocked', gtin), value: c.restocked, timestamp: now })
    }
    readings.push({ device, metric: 'PPE/Reads', value: this.stock.reads, timestamp: now })
    this.c.emit(readings)
  }

  private onClose(session: LlrpSession, reason: string, garbage: boolean): void {
    if (session !== this.session) return
    this.session = undefined
    this.reporting = false
    if (!this.running) return
    if (garbage) {
      this.c.countError(this.cfg.id, 'garbage-frame')
      this.c.logger.warn({ device: this.cfg.id, err: reason }, 'llrp garbage frame from the reader: connection reset')
    } else this.c.logger.info({ device: this.cfg.id, reason }, 'llrp session ended')
    this.setState(false, `llrp reader ${this.cfg.id}: ${reason}`)
    const { minMs, maxMs, factor, jitter } = this.cfg.reconnect
    const base = Math.min(maxMs, minMs * factor ** this.failures++)
    // Jitter de-synchronises a fleet of agents after a site-wide outage.
    const delay = Math.max(0, base * (1 + jitter * (2 * Math.random() - 1)))
    this.retry = setTimeout(() => this.connect(), delay)
  }

  /** Tells the agent on every change (and the first time); a repeated offline reason only updates health. */
  private setState(online: boolean, error?: string): void {
    if (this.announced === online) {
      this.state = { ...this.state, ...(error === undefined ? {} : { error }) }
      return
    }
    this.announced = online
    this.state = { device: this.cfg.id, online, since: this.c.now(), ...(error === undefined ? {} : { error }) }
    this.c.deviceState(this.cfg.id, online, error)
  }
}
