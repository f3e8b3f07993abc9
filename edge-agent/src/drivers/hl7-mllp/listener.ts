/**
 * The MLLP listener: our own `net.Server` (not @medplum/hl7's, which listens on every interface and
 * mis-frames, STACK.md). Each connection is deframed robustly (see `mllp.ts`) and its messages are
 * answered in order, one ACK per complete frame (HL7 v2.5.1 Appendix C: MLLP carries the ACK back
 * on the same connection).
 */
import net from 'node:net'
import type { Logger } from 'pino'
import { EdgeError } from '../../errors.js'
import { type MllpEvent, MllpDeframer, frameMllp } from './mllp.js'

/** What the listener needs. */
export interface MllpListenerInit {
  device: string
  host: string
  port: number
  maxMessageBytes: number
  logger: Logger
  /** Answers one complete frame with the ACK text to send. */
  onMessage(body: Buffer): string
  /** Answers an oversized frame (body dropped, head kept) with the ACK text to send. */
  onOversize(head: Buffer, bytes: number): string
  /** Connection-level trouble (bytes outside frames, unterminated frames), already logged here. */
  onStreamError(kind: 'mllp-outside-frame' | 'mllp-unterminated-frame'): void
}

/** One listening socket and its connections. */
export class MllpListener {
  private server: net.Server | undefined
  private readonly sockets = new Set<net.Socket>()

  constructor(private readonly init: MllpListenerInit) {}

  /** The bound port (the configured one, or the OS's pick for port 0). */
  get port(): number {
    const a = this.server?.address()
    return a !== null && typeof a === 'object' ? a.port : this.init.port
  }

  /** Listens; rejects with `RHN_EDGE_DEVICE_UNREACHABLE` naming the address when it cannot. */
  async listen(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket))
    const { host, port, device } = this.init
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `device ${device}: cannot listen on ${host}:${port} (${err.code ?? err.message})`)),
      )
      server.listen({ host, port, exclusive: true }, () => resolve())
    })
    server.on('error', (err) => this.init.logger.warn({ device, err: err.message }, 'hl7 listener error'))
    this.server = server
  }

  /** Closes the port and every connection; idempotent. */
  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const s of this.sockets) s.destroy()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private accept(socket: net.Socket): void {
    const { device, logger } = this.init
    this.sockets.add(socket)
    socket.setNoDelay(true)
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    logger.info({ device, peer }, 'hl7 sender connected')
    const deframer = new MllpDeframer(this.init.maxMessageBytes)
    socket.on('data', (chunk: Buffer) => {
      for (const event of deframer.push(chunk)) this.onEvent(socket, event, peer)
    })
    socket.on('error', (err) => logger.debug({ device, peer, err: err.message }, 'hl7 socket error'))
    socket.on('close', () => {
      this.sockets.delete(socket)
      const left = deframer.close()
      if (left !== undefined) this.onEvent(socket, left, peer)
      logger.info({ device, peer }, 'hl7 sender disconnected')
    })
  }

  private onEvent(socket: net.Socket, event: MllpEvent, peer: string): void {
    const { device, logger } = this.init
    switch (event.kind) {
      case 'frame':
        return this.reply(socket, this.init.onMessage(event.body))
      case 'oversize':
        return this.reply(socket, this.init.onOversize(event.head, event.bytes))
      case 'unterminated':
        // Appendix C: no end block, so no message to acknowledge; the sender resends after its ACK timeout.
        logger.warn({ device, peer, bytes: event.bytes }, 'hl7 unterminated MLLP frame dropped')
        return this.init.onStreamError('mllp-unterminated-frame')
      case 'outside':
        logger.warn({ device, peer, bytes: event.bytes }, 'hl7 bytes outside an MLLP frame dropped')
        return this.init.onStreamError('mllp-outside-frame')
    }
  }

  private reply(socket: net.Socket, ack: string): void {
    if (!socket.destroyed) socket.write(frameMllp(ack))
  }
}
