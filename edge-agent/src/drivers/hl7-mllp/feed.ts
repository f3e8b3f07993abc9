/**
 * One configured ADT feed: its listener, its pseudonymisation key, its census, and the readings and
 * ACKs that follow from each message. Patient flow goes out as counts on the feed device (`id`: the
 * whole hospital) and on each mapped unit's device (the catalogue's "the feed's device is the unit").
 */
import { type Hl7MllpDeviceConfig, METRICS, PATIENT_FLOW_MEASURES, patientFlowMetricName } from '@rhn/protocols'
import type { DeviceDescriptor, Reading } from '../../reading.js'
import type { DriverComponents } from '../types.js'
import { buildAck } from './ack.js'
import { type AckHeader, type AdtProblem, HL7_ERROR, readAdt, readHeader } from './adt.js'
import { Census, FLOW_SEVERITIES, type UnitCounts } from './census.js'
import { splitEr7 } from '@rhn/protocols'
import { MllpListener } from './listener.js'
import { Pseudonymiser } from './pseudonym.js'

/** 60 s: how often local midnight is checked when no message arrives, so daily counters reset on time. */
export const DAY_CHECK_MS = 60_000
/** Control ids remembered per feed: a resend after a lost ACK is acknowledged, not counted twice (§2.9.2). */
export const DEDUPE_WINDOW = 1_000

const FLOW_METRICS = METRICS.filter((m) => m.kinds.includes('patient-flow')).map((m) => ({ name: m.name, datatype: m.datatype, ...(m.unit === undefined ? {} : { unit: m.unit }) }))

/** A control id as logs may show it: printable message-id characters only, else a placeholder. */
const loggable = (id: string | undefined): string => (id !== undefined && /^[\w.-]{1,40}$/.test(id) ? id : '[not shown]')

/** Health of one feed. */
export interface FeedHealth {
  device: string
  online: boolean
  since: number
  error?: string
}

/** One ADT feed of the `hl7-mllp` driver. */
export class AdtFeed {
  private readonly census: Census
  private readonly listener: MllpListener
  private readonly unitDevices: readonly string[]
  private readonly recent: string[] = []
  private readonly recentSet = new Set<string>()
  private pseudonymiser: Pseudonymiser | undefined
  private dayTimer: NodeJS.Timeout | undefined
  private ackSeq = 0
  private state: FeedHealth

  constructor(
    private readonly cfg: Hl7MllpDeviceConfig,
    private readonly c: DriverComponents,
    private readonly baseDir: string,
  ) {
    this.census = new Census(cfg.unitMap, c.now())
    this.unitDevices = cfg.unitDevices ? [...new Set(Object.values(cfg.unitMap))].sort() : []
    this.state = { device: cfg.id, online: false, since: c.now() }
    this.listener = new MllpListener({
      device: cfg.id,
      host: cfg.listen.host,
      port: cfg.listen.port,
      maxMessageBytes: cfg.maxMessageBytes,
      logger: c.logger,
      onMessage: (body) => this.onMessage(body),
      onOversize: (head, bytes) => this.onOversize(head, bytes),
      onStreamError: (kind) => c.countError(cfg.id, kind),
    })
  }

  /** The feed device and, with `unitDevices`, one device per mapped unit, each with every patient-flow metric. */
  devices(): DeviceDescriptor[] {
    return [this.cfg.id, ...this.unitDevices].map((id) => ({ id, metrics: FLOW_METRICS }))
  }

  /** Health for `/healthz`. */
  health(): FeedHealth {
    return { ...this.state }
  }

  /** The bound port (useful with `listen.port: 0`). */
  get port(): number {
    return this.listener.port
  }

  /** Reads the key, listens, and emits zero counts so every device has values from the start. */
  async start(): Promise<void> {
    this.pseudonymiser = await Pseudonymiser.fromFile(this.cfg.id, this.cfg.hmacKeyFile, this.baseDir)
    await this.listener.listen()
    this.state = { device: this.cfg.id, online: true, since: this.c.now() }
    this.c.deviceState(this.cfg.id, true)
    this.c.logger.info({ device: this.cfg.id, host: this.cfg.listen.host, port: this.listener.port }, 'hl7 listening')
    this.emit(this.unitDevices)
    this.dayTimer = setInterval(() => this.census.rollDay(this.c.now()) && this.emit(this.unitDevices), DAY_CHECK_MS)
    this.dayTimer.unref()
  }

  /** Closes the listener and timer; idempotent. */
  async stop(): Promise<void> {
    clearInterval(this.dayTimer)
    this.dayTimer = undefined
    await this.listener.close()
    this.pseudonymiser = undefined
  }

  private onMessage(body: Buffer): string {
    const pseudonymiser = this.pseudonymiser
    if (pseudonymiser === undefined) return this.reject({ ack: 'AR', hl7Code: HL7_ERROR.ApplicationInternalError, text: 'listener is stopping' })
    let outcome: ReturnType<typeof readAdt>
    try {
      outcome = readAdt(body, (id) => pseudonymiser.pseudonymise(id))
    } catch (err) {
      // A parser fault is ours, not the sender's: AR 207 (§2.9.2.2), logged by error name only.
      this.c.logger.error({ device: this.cfg.id, err: err instanceof Error ? err.name : 'error' }, 'hl7 parser failed')
      return this.reject({ ack: 'AR', hl7Code: HL7_ERROR.ApplicationInternalError, text: 'message could not be read' })
    }
    if (!outcome.ok) return this.reject(outcome.problem)
    const f = outcome.facts
    const key = `${f.header.sendingFacility}\u0000${f.header.controlId}`
    if (this.recentSet.has(key)) {
      this.c.logger.info({ device: this.cfg.id, controlId: loggable(f.header.controlId) }, 'hl7 duplicate message acknowledged, not counted again')
      return this.ack('AA', f.header)
    }
    try {
      if (this.census.rollDay(this.c.now())) this.emit(this.unitDevices)
      this.emit([...this.census.apply(f)])
    } catch (err) {
      // §2.9.2.2: a failure unrelated to the message's content or format is AR.
      this.c.logger.error({ device: this.cfg.id, controlId: loggable(f.header.controlId), err: err instanceof Error ? err.name : 'error' }, 'hl7 processing failed')
      return this.reject({ ack: 'AR', hl7Code: HL7_ERROR.ApplicationInternalError, text: 'message could not be processed', header: f.header })
    }
    this.remember(key)
    this.c.logger.debug({ device: this.cfg.id, controlId: loggable(f.header.controlId), event: f.event, unit: this.census.unitOf(f.pointOfCare) }, 'hl7 ADT processed')
    return this.ack('AA', f.header)
  }

  private onOversize(head: Buffer, bytes: number): string {
    const split = splitEr7(head.toString('utf8'))
    const header = split === undefined ? undefined : readHeader(split)
    return this.reject({
      ack: 'AR',
      hl7Code: HL7_ERROR.ApplicationInternalError,
      text: `message of ${bytes} bytes exceeds maxMessageBytes ${this.cfg.maxMessageBytes}`,
      ...(header === undefined ? {} : { header }),
    })
  }

  /** Counts, logs (device, control id, code, fixed reason: never message content) and answers AE/AR. */
  private reject(p: AdtProblem): string {
    const kind = p.ack === 'AR' ? 'hl7-rejected' : 'hl7-error'
    this.c.countError(this.cfg.id, kind)
    this.c.logger.warn({ device: this.cfg.id, controlId: loggable(p.header?.controlId), ack: p.ack, hl7Code: p.hl7Code, reason: p.text }, 'hl7 message not accepted')
    return this.ack(p.ack, p.header, p)
  }

  private ack(code: 'AA' | 'AE' | 'AR', header: AckHeader | undefined, problem?: AdtProblem): string {
    const now = this.c.now()
    const ackControlId = `${now.toString(36)}${(this.ackSeq++).toString(36)}`.toUpperCase()
    return buildAck({ code, header, ackControlId, now, ...(problem === undefined ? {} : { problem }) })
  }

  private remember(key: string): void {
    this.recent.push(key)
    this.recentSet.add(key)
    if (this.recent.length > DEDUPE_WINDOW) this.recentSet.delete(this.recent.shift()!)
  }

  /** Emits every patient-flow metric of the feed device and of the mapped units among `units` (unassigned counts only in the feed's totals). */
  private emit(units: readonly string[]): void {
    const now = this.c.now()
    const readings: Reading[] = []
    const push = (device: string, counts: UnitCounts): void => {
      for (const m of PATIENT_FLOW_MEASURES) {
        readings.push({ device, metric: patientFlowMetricName(m), value: counts[m].all, timestamp: now })
        for (const s of FLOW_SEVERITIES) readings.push({ device, metric: patientFlowMetricName(m, s), value: counts[m][s], timestamp: now })
      }
    }
    push(this.cfg.id, this.census.totals())
    for (const unit of units.filter((u) => this.unitDevices.includes(u))) push(unit, this.census.countsOf(unit))
    this.c.emit(readings)
  }
}
