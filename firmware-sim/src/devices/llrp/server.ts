/**
 * `LlrpReaderServer`: an RFID reader in a PPE cabinet, reader side of LLRP 1.0.1 on TCP. One client
 * connection at a time, as on a real reader. Faults of the cabinet's `SimComponent` show as a real
 * reader shows them: power off drops the connection, refuses connects and forgets every ROSpec.
 */
import net from 'node:net'
import type { SimComponent } from '../../hospital/component.js'
import type { Rng } from '../../rng.js'
import type { Endpoint, NetworkState, SimServer } from '../types.js'
import { MAX_INBOUND_FRAME_BYTES } from './constants.js'
import { connectionAttemptEvent, garbageFrame, readerEvent, type GarbageKind } from './messages.js'
import { LlrpReaderCore } from './reader.js'
import {
  DEFAULT_ANTENNAS,
  DEFAULT_MISS_RATE,
  LlrpSimError,
  type LlrpLogger,
  type LlrpReaderInit,
} from './types.js'
import { llrp } from '@rhn/protocols'
const { ConnectionAttempt, FrameScanner } = llrp

/** Frames queued for a slow client before the reader drops new reports (a real reader's report buffer overflows too). */
export const MAX_QUEUED_FRAMES = 10_000
/** Real-time bound on a graceful close in `stop()`, ms: a client that never reads must not hold the simulator. */
const CLOSE_GRACE_MS = 500

const SEVERITY: Record<NetworkState, number> = { up: 0, reset: 1, refuse: 2 }

/** A simulated LLRP reader on `endpoint` (port 0: a free port, published in `endpoint.port` by `start()`). */
export class LlrpReaderServer implements SimServer {
  /** A copy of the init endpoint; `port` and `address` are the bound ones once started. */
  readonly endpoint: Endpoint
  private readonly component: SimComponent
  private readonly rng: Rng
  private readonly logger: LlrpLogger | undefined
  private readonly core: LlrpReaderCore
  private listener: net.Server | undefined
  private socket: net.Socket | undefined
  private queue: Buffer[] = []
  private writing = false
  private endAfterDrain = false
  private network: NetworkState = 'up'
  private wasPowered = true
  private running = false
  private unsubscribe: (() => void) | undefined
  /** Fault changes are applied one at a time, in order. */
  private chain: Promise<void> = Promise.resolve()

  constructor(private readonly init: LlrpReaderInit) {
    const antennas = init.antennas ?? DEFAULT_ANTENNAS
    const missRate = init.missRate ?? DEFAULT_MISS_RATE
    if (!Number.isInteger(antennas) || antennas < 1 || antennas > 64) throw new LlrpSimError('RHN_SIM_LLRP_BAD_INIT', `antennas must be an integer 1..64, got ${antennas}`)
    if (!(missRate >= 0 && missRate <= 1)) throw new LlrpSimError('RHN_SIM_LLRP_BAD_INIT', `missRate must be within 0..1, got ${missRate}`)
    if (init.reportIntervalMs !== undefined && !(init.reportIntervalMs > 0)) {
      throw new LlrpSimError('RHN_SIM_LLRP_BAD_INIT', `reportIntervalMs must be > 0 ms, got ${init.reportIntervalMs}`)
    }
    this.endpoint = { ...init.endpoint }
    this.component = init.component
    this.rng = init.rng
    this.logger = init.logger
    this.core = new LlrpReaderCore({
      clock: init.clock,
      component: init.component,
      tags: init.tags,
      rng: init.rng,
      antennas,
      missRate,
      reportIntervalMs: init.reportIntervalMs,
      logger: init.logger,
      send: (frame) => this.send(frame),
      closeConnection: () => this.closeGracefully(),
    })
  }

  /** True while a client is connected. */
  get connected(): boolean {
    return this.socket !== undefined
  }

  /** The ROSpecs installed on the reader now, with their state (0 Disabled, 1 Inactive, 2 Active). */
  roSpecs(): { id: number; state: number }[] {
    return this.core.roSpecs()
  }

  /** Listens (unless powered off or refused) and follows the component's fault flags as they change. */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    // Power and reachability faults arrive as events: no polling timer, whatever the clock's speed.
    this.unsubscribe = this.component.onStateChange(() => void this.sync())
    await this.sync()
    if (this.listener === undefined && this.component.answers() && this.network === 'up') {
      this.running = false
      this.unsubscribe()
      this.unsubscribe = undefined
      throw new LlrpSimError('RHN_SIM_LLRP_NOT_STARTED', `LLRP reader ${this.endpoint.id} could not listen on ${this.endpoint.host}:${this.endpoint.port}`)
    }
  }

  /** Sends ConnectionCloseEvent, closes the socket and the listener, cancels every clock timer; idempotent. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    this.unsubscribe?.()
    this.unsubscribe = undefined
    await this.chain
    this.core.reset()
    const s = this.socket
    if (s !== undefined) {
      // A reader that shuts down says so first ("Reader Event Notification": ConnectionCloseEvent).
      const closed = new Promise<void>((resolve) => s.once('close', () => resolve()))
      const grace = setTimeout(() => s.destroy(), CLOSE_GRACE_MS)
      s.end(this.core.closingNotice())
      await closed
      clearTimeout(grace)
    }
    await this.closeListener()
  }

  /** `reset` drops the connection (new ones too, while it lasts); `refuse` closes the port; `up` listens on the same port again. */
  async setNetwork(state: NetworkState): Promise<void> {
    this.network = state
    await this.sync()
  }

  /**
   * Applies the component's fault flags (power, reachability) and the network state now. Changes made
   * through `setPowered`/`setReachability` apply by themselves; call this after setting the fields directly.
   */
  sync(): Promise<void> {
    this.chain = this.chain.then(() => this.apply()).catch((err: unknown) => this.logger?.warn({ reader: this.endpoint.id, err: String(err) }, 'llrp fault sync failed'))
    return this.chain
  }

  /**
   * Writes a malformed frame to the connected client (the edge agent's "garbage LLRP frames" test).
   * Returns false when no client is connected.
   */
  sendGarbage(kind: GarbageKind = 'bad-parameter'): boolean {
    if (this.socket === undefined) return false
    this.send(garbageFrame(kind, 0xdead, () => this.rng.next()))
    return true
  }

  private async apply(): Promise<void> {
    if (!this.running) return
    const powered = this.component.powered
    if (!powered && this.wasPowered) {
      this.logger?.debug({ reader: this.endpoint.id }, 'llrp reader powered off')
      this.core.reset() // a rebooted reader has no ROSpecs: the client must reinstall them
    }
    this.wasPowered = powered
    const severity = Math.max(SEVERITY[this.network], SEVERITY[this.component.reachability])
    if (!powered || severity >= SEVERITY.reset) this.dropConnection()
    if (!powered || severity >= SEVERITY.refuse) await this.closeListener()
    else await this.openListener()
  }

  private async openListener(): Promise<void> {
    if (this.listener !== undefined) return
    const server = net.createServer((socket) => this.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: this.endpoint.host, port: this.endpoint.port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    }).catch((err: unknown) => {
      this.logger?.warn({ reader: this.endpoint.id, port: this.endpoint.port, err: String(err) }, 'llrp listen failed; retrying at the next fault check')
      server.close()
      throw err
    })
    server.on('error', (err) => this.logger?.warn({ reader: this.endpoint.id, err: String(err) }, 'llrp listener error'))
    this.listener = server
    const address = server.address()
    if (address !== null && typeof address === 'object' && this.endpoint.port !== address.port) {
      // Port 0 asked for any free port: publish the one we got, and keep it for every later re-listen.
      this.endpoint.port = address.port
      this.endpoint.address = `llrp://${this.endpoint.host}:${address.port}`
    }
  }

  private async closeListener(): Promise<void> {
    const server = this.listener
    if (server === undefined) return
    this.listener = undefined
    this.dropConnection()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true)
    socket.on('error', (err) => this.logger?.debug({ reader: this.endpoint.id, err: err.message }, 'llrp socket error'))
    const severity = Math.max(SEVERITY[this.network], SEVERITY[this.component.reachability])
    if (!this.running || !this.component.powered || severity > 0) {
      socket.destroy()
      return
    }
    if (this.socket !== undefined) {
      // One client per reader ("Reader Event Notification": ConnectionAttemptEvent, failed: a client connection exists).
      const event = readerEvent(0, BigInt(Math.round(this.component.deviceTime() * 1000)), connectionAttemptEvent(ConnectionAttempt.FailedClientConnectionExists))
      socket.end(event)
      return
    }
    this.socket = socket
    this.queue = []
    this.writing = false
    this.endAfterDrain = false
    const scanner = new FrameScanner({ maxFrameBytes: MAX_INBOUND_FRAME_BYTES })
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of scanner.push(chunk)) this.core.handle(frame)
      } catch (err) {
        // A stream that cannot be framed cannot be resynchronised: drop the connection, as readers do.
        this.logger?.warn({ reader: this.endpoint.id, err: String(err) }, 'llrp client sent an unframeable stream; connection dropped')
        socket.destroy()
      }
    })
    socket.on('close', () => {
      if (this.socket !== socket) return
      this.socket = undefined
      this.queue = []
      this.core.onDisconnect()
    })
    this.logger?.debug({ reader: this.endpoint.id, peer: socket.remoteAddress }, 'llrp client connected')
    this.core.onConnect()
  }

  private dropConnection(): void {
    this.socket?.destroy()
  }

  private closeGracefully(): void {
    this.endAfterDrain = true
    if (!this.writing) this.pump()
  }

  /**
   * Queues a frame for the client; frames are written one at a time with an event-loop turn between
   * them, so a client that decodes one message per TCP read (llrpjs 1.0.1 does) still sees each one.
   */
  private send(frame: Buffer): void {
    if (this.socket === undefined) return
    if (this.queue.length >= MAX_QUEUED_FRAMES) {
      this.logger?.warn({ reader: this.endpoint.id }, 'llrp client too slow: report dropped')
      return
    }
    this.queue.push(frame)
    if (!this.writing) this.pump()
  }

  private pump(): void {
    const socket = this.socket
    const frame = this.queue.shift()
    if (socket === undefined || socket.destroyed) {
      this.writing = false
      return
    }
    if (frame === undefined) {
      this.writing = false
      if (this.endAfterDrain) socket.end()
      return
    }
    this.writing = true
    socket.write(frame, () => setImmediate(() => this.pump()))
  }
}
