/**
 * One TCP connection to an LLRP reader: waits for the ConnectionAttemptEvent, installs the driver's
 * ROSpec, answers KEEPALIVEs and hands tag reports on. Anything that cannot be decoded ends the
 * session: a byte stream that lost its framing cannot be trusted again ("Binary Encoding for LLRP").
 */
import net from 'node:net'
import { EdgeError } from '../../errors.js'
import { MAX_FRAME_BYTES } from './constants.js'
import * as m from './messages.js'
import { llrp } from '@rhn/protocols'
const { ConnectionAttempt, FrameScanner, LlrpFramingError, Msg, Status, checkVersion } = llrp
type Frame = llrp.Frame

/** What a session needs. */
export interface LlrpSessionInit {
  host: string
  port: number
  /** Connect and response timeout, ms. */
  timeoutMs: number
  /** Reader KEEPALIVE period asked for, ms; the session ends after 3 silent periods. */
  keepaliveMs: number
  roSpec: m.RoSpecOptions
  /** One RO_ACCESS_REPORT's tags. */
  onReport(tags: m.TagSeen[]): void
  /** The session ended; `garbage` when the reader sent bytes that are not LLRP. Called once. */
  onClose(reason: string, garbage: boolean): void
}

/** Response type of each request the session sends. */
const RESPONSE_OF: Readonly<Record<number, number>> = {
  [Msg.SET_READER_CONFIG]: Msg.SET_READER_CONFIG_RESPONSE,
  [Msg.DELETE_ROSPEC]: Msg.DELETE_ROSPEC_RESPONSE,
  [Msg.ADD_ROSPEC]: Msg.ADD_ROSPEC_RESPONSE,
  [Msg.ENABLE_ROSPEC]: Msg.ENABLE_ROSPEC_RESPONSE,
}

interface Pending {
  type: number
  resolve(f: Frame): void
  reject(e: Error): void
}

/** A live connection; `open()` resolves once the ROSpec is installed and enabled. */
export class LlrpSession {
  private readonly socket: net.Socket
  private readonly scanner = new FrameScanner({ maxFrameBytes: MAX_FRAME_BYTES })
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false
  private watchdog: NodeJS.Timeout | undefined
  private hello: ((f: Frame) => void) | undefined

  constructor(private readonly init: LlrpSessionInit) {
    this.socket = new net.Socket()
    this.socket.setNoDelay(true)
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk))
    this.socket.on('error', (err) => this.end(`socket error: ${err.message}`, false))
    this.socket.on('close', () => this.end('connection closed by the reader', false))
  }

  /** Connects, waits for ConnectionAttemptEvent Success, deletes every ROSpec, installs and enables ours. */
  async open(): Promise<void> {
    const { host, port, timeoutMs } = this.init
    const hello = new Promise<Frame>((resolve) => (this.hello = resolve))
    this.socket.connect({ host, port })
    this.feedWatchdog(timeoutMs)
    const event = m.connectionEvent(await this.within(hello, 'ConnectionAttemptEvent'))
    if (event.attempt !== ConnectionAttempt.Success) {
      // "Reader Event Notification": a non-zero status means another client holds the reader.
      throw new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `reader refused the connection (ConnectionAttemptEvent status ${String(event.attempt)})`)
    }
    this.feedWatchdog()
    await this.request(m.setKeepalive(this.id(), this.init.keepaliveMs), Msg.SET_READER_CONFIG)
    // Start from a clean reader: ROSpecID 0 deletes every ROSpec ("Reader Operations", DELETE_ROSPEC).
    await this.request(m.roSpecCommand(Msg.DELETE_ROSPEC, this.id(), 0), Msg.DELETE_ROSPEC)
    await this.request(m.addRoSpec(this.id(), this.init.roSpec), Msg.ADD_ROSPEC)
    // Immediate start trigger: enabling starts it, so no START_ROSPEC (which needs an Inactive ROSpec).
    await this.request(m.roSpecCommand(Msg.ENABLE_ROSPEC, this.id(), this.init.roSpec.id), Msg.ENABLE_ROSPEC)
  }

  /** Says CLOSE_CONNECTION (best effort) and closes the socket; idempotent. `reason` goes to `onClose`. */
  close(reason = 'closed by the driver'): void {
    if (!this.closed && this.socket.writable) this.socket.write(m.closeConnection(this.id()))
    this.end(reason, false)
  }

  private async request(bytes: Buffer, type: number): Promise<void> {
    if (this.closed) throw new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `connection closed before message type ${type}`)
    const id = bytes.readUInt32BE(6)
    const answer = new Promise<Frame>((resolve, reject) => this.pending.set(id, { type: RESPONSE_OF[type]!, resolve, reject }))
    this.socket.write(bytes)
    const status = m.responseStatus(await this.within(answer, `response to message type ${type}`))
    if (status.code !== Status.Success) {
      throw new EdgeError('RHN_EDGE_DEVICE_PROTOCOL', `reader refused message type ${type}: status ${status.code} ${status.description}`)
    }
  }

  private within(p: Promise<Frame>, what: string): Promise<Frame> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `no ${what} within ${this.init.timeoutMs} ms`)), this.init.timeoutMs)
    })
    const closed = new Promise<never>((_, reject) => this.socket.once('close', () => reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `connection closed before ${what}`))))
    return Promise.race([p, timeout, closed]).finally(() => clearTimeout(timer))
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    this.feedWatchdog()
    try {
      for (const f of this.scanner.push(chunk)) this.dispatch(f)
    } catch (err) {
      const garbage = err instanceof LlrpFramingError
      this.end(garbage ? `garbage from the reader: ${err.message}` : `report handling failed: ${String(err)}`, garbage)
    }
  }

  private dispatch(f: Frame): void {
    if (this.closed) return
    checkVersion(f)
    const waiting = this.pending.get(f.id)
    if (waiting !== undefined && (f.type === waiting.type || f.type === Msg.ERROR_MESSAGE)) {
      this.pending.delete(f.id)
      waiting.resolve(f)
      return
    }
    switch (f.type) {
      case Msg.RO_ACCESS_REPORT:
        this.init.onReport(m.tagReports(f))
        return
      case Msg.KEEPALIVE:
        this.socket.write(m.keepaliveAck(f.id))
        return
      case Msg.READER_EVENT_NOTIFICATION: {
        const event = m.connectionEvent(f)
        if (event.attempt !== undefined && this.hello !== undefined) this.hello(f)
        this.hello = undefined
        if (event.closing) this.end('reader closed the connection (ConnectionCloseEvent)', false)
        return
      }
      default:
        return // other notifications carry nothing the driver acts on
    }
  }

  /** Ends the session after `keepaliveMs × 3` (or `ms`) without a byte from the reader. */
  private feedWatchdog(ms = this.init.keepaliveMs * 3): void {
    clearTimeout(this.watchdog)
    this.watchdog = setTimeout(() => this.end(`reader silent for ${ms} ms`, false), ms)
  }

  private end(reason: string, garbage: boolean): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.watchdog)
    for (const p of this.pending.values()) p.reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', reason))
    this.pending.clear()
    this.socket.destroy()
    this.init.onClose(reason, garbage)
  }

  private id(): number {
    const id = this.nextId
    this.nextId = (this.nextId % 0x7fffffff) + 1
    return id
  }
}
