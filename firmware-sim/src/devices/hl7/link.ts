import { type Socket, connect } from 'node:net'
import type { Clock, TimerHandle } from '../../clock.js'
import type { Rng } from '../../rng.js'
import { MllpDeframer } from './mllp.js'
import type { Hl7Logger } from './types.js'

/** What an {@link MllpLink} needs; every wait is virtual ms on `clock`. */
export interface MllpLinkComponents {
  /** Endpoint id, for logs. */
  id: string
  host: string
  port: number
  clock: Clock
  /** Draws reconnect jitter. */
  rng: Rng
  log: Hl7Logger
  /** First reconnect delay; doubles per failed attempt. */
  reconnectMinMs: number
  /** Reconnect delay cap. */
  reconnectMaxMs: number
  /** Turns a virtual wait into the one actually scheduled (a floor in real time). */
  wait(virtualMs: number): number
  /** Asked before every attempt: false while stopped, refused or the feed is down. */
  mayConnect(): boolean
  /** The connection is up. */
  onUp(): void
  /** One frame body arrived, as UTF-8 text. */
  onFrame(text: string): void
  /** The connection is gone (closed by either side, or dropped here). */
  onDown(reason: string): void
}

/**
 * The outgoing MLLP connection of the ADT feed: connects, deframes replies, and after any loss
 * reconnects with exponential backoff and equal jitter while {@link MllpLinkComponents.mayConnect}.
 */
export class MllpLink {
  private socket: Socket | undefined
  private up = false
  private reconnectTimer: TimerHandle | undefined
  private backoffMs: number
  private readonly deframer = new MllpDeframer()

  constructor(private readonly c: MllpLinkComponents) {
    this.backoffMs = c.reconnectMinMs
  }

  /** True while a connection is established and writable. */
  get connected(): boolean {
    return this.up
  }

  /** True when neither a socket nor a reconnect is pending. */
  get idle(): boolean {
    return this.socket === undefined && this.reconnectTimer === undefined
  }

  /** Writes bytes on the established connection; false when there is none. */
  write(bytes: Buffer): boolean {
    if (!this.up || this.socket === undefined) return false
    this.socket.write(bytes)
    return true
  }

  /** Connects now if allowed and not connected; resolves once connected or failed (a retry is then scheduled). */
  open(): Promise<void> {
    if (this.socket !== undefined || !this.c.mayConnect()) return Promise.resolve()
    this.cancelReconnect()
    const { host, port } = this.c
    const socket = connect({ host, port })
    this.socket = socket
    socket.setNoDelay(true)
    return new Promise((resolve) => {
      socket.once('connect', () => {
        if (this.socket !== socket) return
        this.up = true
        this.backoffMs = this.c.reconnectMinMs
        this.c.log.info({ endpoint: this.c.id, host, port }, 'hl7 connected')
        resolve()
        this.c.onUp()
      })
      socket.on('data', (chunk: Buffer) => {
        if (this.socket === socket) for (const frame of this.deframer.push(chunk)) this.c.onFrame(frame.toString('utf8'))
      })
      socket.on('error', (err) => this.c.log.debug({ endpoint: this.c.id, err: err.message }, 'hl7 socket error'))
      socket.once('close', () => {
        if (this.socket === socket) this.detach('connection closed')
        resolve()
      })
    })
  }

  /** Destroys the connection, resolving once the socket has closed; reconnects later if still allowed. */
  async close(reason: string): Promise<void> {
    const socket = this.socket
    if (socket === undefined) return
    this.detach(reason)
    if (socket.closed) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.destroy()
    })
  }

  /** Cancels a scheduled reconnect. */
  cancelReconnect(): void {
    this.reconnectTimer?.cancel()
    this.reconnectTimer = undefined
  }

  /** Starts the next reconnect from the shortest delay again (the network came back). */
  resetBackoff(): void {
    this.backoffMs = this.c.reconnectMinMs
  }

  private detach(reason: string): void {
    const wasUp = this.up
    this.socket = undefined
    this.up = false
    this.deframer.reset()
    if (wasUp) this.c.log.info({ endpoint: this.c.id, reason }, 'hl7 disconnected')
    this.c.onDown(reason)
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined || !this.c.mayConnect()) return
    // Equal jitter: half the delay fixed, half drawn, so many feeds do not reconnect in step.
    const delay = this.backoffMs / 2 + this.c.rng.uniform(0, this.backoffMs / 2)
    this.backoffMs = Math.min(this.backoffMs * 2, this.c.reconnectMaxMs)
    this.reconnectTimer = this.c.clock.setTimeout(() => {
      this.reconnectTimer = undefined
      void this.open()
    }, this.c.wait(delay))
  }
}
