/**
 * The reader's protocol logic, apart from sockets: answers each client message, keeps the ROSpecs and
 * the reader configuration, runs inventory rounds and keepalives on the simulation clock. The server
 * (`server.ts`) owns the TCP side and feeds frames in.
 */
import type { Clock, TimerHandle } from '../../clock.js'
import type { SimComponent } from '../../hospital/component.js'
import type { Rng } from '../../rng.js'
import { inventoryRound, isEpc96Hex, type TagRead } from './inventory.js'
import * as m from './messages.js'
import { RoSpecRun, type RunHost } from './rospec-run.js'
import { DEFAULT_REPORT_SPEC, LlrpStatusError, parseRoSpec, parseSetReaderConfig, type ReportSpec, type RoSpec } from './rospec.js'
import { DEFAULT_ROUND_MS, type LlrpLogger, type TagSource } from './types.js'
import { llrp } from '@rhn/protocols'
const { ConnectionAttempt, LLRP_VERSION, LlrpFramingError, Msg, Param, RoSpecState, Status, encodeMessage, tlv, u8, u8v } = llrp
type Frame = llrp.Frame

/** Most ROSpecs a client may install (advertised in LLRPCapabilities.MaxNumROSpecs). */
export const MAX_ROSPECS = 8

/** What the reader logic needs from the server around it. */
export interface ReaderHost {
  clock: Clock
  component: SimComponent
  tags: TagSource
  rng: Rng
  antennas: number
  missRate: number
  reportIntervalMs: number | undefined
  logger: LlrpLogger | undefined
  /** Writes a frame to the connected client; dropped when none is connected (the reader has no report buffer). */
  send(frame: Buffer): void
  /** Closes the client connection gracefully (after CLOSE_CONNECTION_RESPONSE). */
  closeConnection(): void
}

/** Request type ▸ response type, for messages answered with an LLRPStatus only. */
const STATUS_REPLY: Readonly<Record<number, number>> = {
  [Msg.ADD_ROSPEC]: Msg.ADD_ROSPEC_RESPONSE,
  [Msg.DELETE_ROSPEC]: Msg.DELETE_ROSPEC_RESPONSE,
  [Msg.START_ROSPEC]: Msg.START_ROSPEC_RESPONSE,
  [Msg.STOP_ROSPEC]: Msg.STOP_ROSPEC_RESPONSE,
  [Msg.ENABLE_ROSPEC]: Msg.ENABLE_ROSPEC_RESPONSE,
  [Msg.DISABLE_ROSPEC]: Msg.DISABLE_ROSPEC_RESPONSE,
  [Msg.SET_READER_CONFIG]: Msg.SET_READER_CONFIG_RESPONSE,
  [Msg.CLOSE_CONNECTION]: Msg.CLOSE_CONNECTION_RESPONSE,
  [Msg.GET_ROSPECS]: Msg.GET_ROSPECS_RESPONSE,
  [Msg.GET_READER_CAPABILITIES]: Msg.GET_READER_CAPABILITIES_RESPONSE,
  [Msg.GET_READER_CONFIG]: Msg.GET_READER_CONFIG_RESPONSE,
}

/** Model number the simulated reader reports. */
const SIM_MODEL = 1
const SIM_FIRMWARE = 'rhn-sim-llrp 0.1.0'

/** A simulated LLRP reader's state machine; one per reader, surviving reconnects until a power cycle. */
export class LlrpReaderCore {
  private readonly runs = new Map<number, RoSpecRun>()
  private readerReport: ReportSpec = DEFAULT_REPORT_SPEC
  private keepaliveMs = 0
  private keepaliveTimer: TimerHandle | undefined
  private nextId = 1
  private readonly badEpcs = new Set<string>()
  private readonly runHost: RunHost

  constructor(private readonly host: ReaderHost) {
    this.runHost = {
      clock: host.clock,
      roundMs: (spec) => host.reportIntervalMs ?? (spec.aiSpecDurationMs || DEFAULT_ROUND_MS),
      reportSpec: (spec) => spec.report ?? this.readerReport,
      inventory: (spec) => this.inventory(spec),
      report: (spec, reads) => host.send(m.roAccessReport(this.id(), spec.id, reads, (spec.report ?? this.readerReport).selector)),
    }
  }

  /** A client connected: announce it ("Reader Event Notification": ConnectionAttemptEvent Success first). */
  onConnect(): void {
    this.host.send(m.readerEvent(this.id(), this.nowUs(), m.connectionAttemptEvent(ConnectionAttempt.Success)))
    this.armKeepalive()
  }

  /** The client went away: keepalives stop; ROSpecs keep running, their reports are dropped until a client returns. */
  onDisconnect(): void {
    this.keepaliveTimer?.cancel()
    this.keepaliveTimer = undefined
  }

  /** The ConnectionCloseEvent a reader sends before it closes the connection itself. */
  closingNotice(): Buffer {
    return m.readerEvent(this.id(), this.nowUs(), m.connectionCloseEvent())
  }

  /** Power cycle (or stop): every ROSpec, setting and timer is gone, as on a rebooted reader. */
  reset(): void {
    for (const run of this.runs.values()) run.dispose()
    this.runs.clear()
    this.readerReport = DEFAULT_REPORT_SPEC
    this.keepaliveMs = 0
    this.onDisconnect()
  }

  /** ROSpecs installed now (for tests and logs). */
  roSpecs(): { id: number; state: number }[] {
    return [...this.runs.values()].map((r) => ({ id: r.spec.id, state: r.state }))
  }

  /** Handles one client message. */
  handle(frame: Frame): void {
    if (frame.version !== LLRP_VERSION) {
      this.host.send(m.errorMessage(frame.id, Status.UnsupportedVersion, `LLRP version ${frame.version} not supported; this reader speaks 1`))
      return
    }
    const reply = STATUS_REPLY[frame.type]
    try {
      this.dispatch(frame, reply)
    } catch (e) {
      if (!(e instanceof LlrpStatusError || e instanceof LlrpFramingError)) throw e
      const code = e instanceof LlrpStatusError ? e.statusCode : Status.ParameterError
      this.host.logger?.warn({ reader: this.host.component.id, type: frame.type, code, err: e.message }, 'llrp request refused')
      this.host.send(m.statusResponse(reply ?? Msg.ERROR_MESSAGE, frame.id, code, e.message))
    }
  }

  private dispatch(f: Frame, reply: number | undefined): void {
    const ok = (description = ''): void => this.host.send(m.statusResponse(reply!, f.id, Status.Success, description))
    switch (f.type) {
      case Msg.GET_READER_CAPABILITIES:
        this.host.send(m.capabilitiesResponse(f.id, f.body.length > 0 ? f.body.readUInt8(0) : 0, { antennas: this.host.antennas, model: SIM_MODEL, firmware: SIM_FIRMWARE }))
        return
      case Msg.GET_READER_CONFIG:
        // Identification (IDType 0 = MAC address): a stable made-up MAC per cabinet.
        this.host.send(encodeMessage(Msg.GET_READER_CONFIG_RESPONSE, f.id, [m.llrpStatus(Status.Success, ''), tlv(Param.Identification, u8(0), u8v(this.fakeMac()))]))
        return
      case Msg.SET_READER_CONFIG:
        this.setConfig(f.body)
        return ok()
      case Msg.ADD_ROSPEC:
        this.add(f.body)
        return ok()
      case Msg.ENABLE_ROSPEC:
      case Msg.START_ROSPEC:
      case Msg.STOP_ROSPEC:
      case Msg.DISABLE_ROSPEC:
      case Msg.DELETE_ROSPEC:
        if (f.body.length < 4) throw new LlrpStatusError(Status.FieldError, 'missing ROSpecID')
        this.transition(f.type, f.body.readUInt32BE(0))
        return ok()
      case Msg.GET_ROSPECS:
        this.host.send(encodeMessage(Msg.GET_ROSPECS_RESPONSE, f.id, [m.llrpStatus(Status.Success, ''), ...[...this.runs.values()].map(rawWithState)]))
        return
      case Msg.GET_REPORT:
        for (const run of this.runs.values()) run.flush()
        return
      case Msg.KEEPALIVE_ACK:
      case Msg.ENABLE_EVENTS_AND_REPORTS:
        return
      case Msg.CLOSE_CONNECTION:
        ok()
        this.host.closeConnection()
        return
      default:
        this.host.send(m.errorMessage(f.id, Status.UnsupportedMessage, `message type ${f.type} not supported by the simulated reader`))
    }
  }

  private setConfig(body: Buffer): void {
    const change = parseSetReaderConfig(body)
    if (change.resetToFactoryDefault) {
      // "Reader Device Configuration": a factory reset deletes every ROSpec and restores defaults.
      for (const run of this.runs.values()) run.dispose()
      this.runs.clear()
      this.readerReport = DEFAULT_REPORT_SPEC
      this.keepaliveMs = 0
    }
    if (change.report !== undefined) this.readerReport = change.report
    if (change.keepaliveMs !== undefined) this.keepaliveMs = change.keepaliveMs
    this.armKeepalive()
  }

  private add(body: Buffer): void {
    const spec = parseRoSpec(body)
    if (this.runs.has(spec.id)) throw new LlrpStatusError(Status.Invalid, `ROSpec ${spec.id} already exists`)
    if (this.runs.size >= MAX_ROSPECS) throw new LlrpStatusError(Status.Invalid, `at most ${MAX_ROSPECS} ROSpecs`)
    const raw = body.subarray(0, body.readUInt16BE(2))
    this.runs.set(spec.id, new RoSpecRun(spec, Buffer.from(raw), this.runHost))
  }

  /** ENABLE/START/STOP/DISABLE/DELETE; ROSpecID 0 means every ROSpec for ENABLE, DISABLE and DELETE. */
  private transition(type: number, id: number): void {
    const all = id === 0 && (type === Msg.ENABLE_ROSPEC || type === Msg.DISABLE_ROSPEC || type === Msg.DELETE_ROSPEC)
    const targets = all ? [...this.runs.values()] : [this.runs.get(id)]
    for (const run of targets) {
      if (run === undefined) throw new LlrpStatusError(Status.Invalid, `no ROSpec ${id}`)
      if (type === Msg.ENABLE_ROSPEC) run.enable()
      else if (type === Msg.DISABLE_ROSPEC) run.disable()
      else if (type === Msg.DELETE_ROSPEC) {
        run.dispose()
        this.runs.delete(run.spec.id)
      } else if (type === Msg.START_ROSPEC) {
        if (run.state === RoSpecState.Disabled) throw new LlrpStatusError(Status.Invalid, `ROSpec ${id} is disabled: enable it first`)
        run.start()
      } else {
        if (run.state !== RoSpecState.Active) throw new LlrpStatusError(Status.Invalid, `ROSpec ${id} is not active`)
        run.stop()
      }
    }
  }

  private inventory(spec: RoSpec): TagRead[] {
    const items = this.host.tags.items().filter((it) => {
      if (isEpc96Hex(it.epc)) return true
      if (!this.badEpcs.has(it.epc)) {
        this.badEpcs.add(it.epc)
        this.host.logger?.warn({ reader: this.host.component.id, epc: it.epc }, 'llrp item skipped: EPC is not 96 bits of hex')
      }
      return false
    })
    return inventoryRound(items, {
      antennas: this.host.antennas,
      missRate: this.host.missRate,
      antennaIds: spec.antennaIds,
      roundMs: this.runHost.roundMs(spec),
      deviceNowMs: this.host.component.deviceTime(),
      rng: this.host.rng,
    })
  }

  private armKeepalive(): void {
    this.keepaliveTimer?.cancel()
    this.keepaliveTimer = undefined
    if (this.keepaliveMs > 0) this.keepaliveTimer = this.host.clock.setInterval(() => this.host.send(m.keepalive(this.id())), this.keepaliveMs)
  }

  private fakeMac(): number[] {
    let h = 0x811c9dc5
    for (const ch of this.host.component.id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619)
    return [0x02, 0x52, 0x48, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff] // 02: locally administered
  }

  private id(): number {
    const id = this.nextId
    this.nextId = (this.nextId + 1) >>> 0 || 1
    return id
  }

  private nowUs(): bigint {
    return BigInt(Math.round(this.host.component.deviceTime() * 1000))
  }
}

/** The stored ROSpec bytes with CurrentState (byte 9: 4-byte TLV header, ROSpecID u32, Priority u8) set to now. */
function rawWithState(run: RoSpecRun): Buffer {
  const copy = Buffer.from(run.raw)
  copy.writeUInt8(run.state, 9)
  return copy
}
