/**
 * A small Modbus TCP client: one TCP connection, MBAP framing (IG §3.1.3), one request in flight at a
 * time. Written here rather than using modbus-serial because modbus-serial reports short frames and
 * wrong byte counts alike as "Data length error", and the driver must count them apart (issue 4).
 */
import { connect, type Socket } from 'node:net'
import { EdgeError } from '../../errors.js'
import { ModbusFault } from './frame.js'

/** MBAP header bytes: transaction id, protocol id, length, unit id (IG §3.1.3). */
const MBAP_BYTES = 7
/** MODBUS protocol id (IG §3.1.3); any other id is not Modbus. */
const PROTOCOL_ID = 0
/** Length field limits: unit id + a PDU of 1..253 bytes (AP §4.1). */
const MIN_LENGTH = 2
const MAX_LENGTH = 254

interface Pending {
  readonly transactionId: number
  readonly resolve: (pdu: Buffer) => void
  readonly reject: (err: Error) => void
  readonly timer: NodeJS.Timeout
}

/** A connection to one Modbus TCP server (a gateway with many unit ids, or one device). */
export class ModbusTcpClient {
  /** Requests sent since construction (for probes and tests). */
  requestsSent = 0
  private socket: Socket | undefined
  private buffer: Buffer = Buffer.alloc(0)
  private nextTransactionId = 1
  private pending: Pending | undefined
  /** Requests run one after another: many gateways serve one request at a time (IG §4.2.1 leaves pipelining optional). */
  private queue: Promise<unknown> = Promise.resolve()
  private closedListener: ((err: Error) => void) | undefined

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** True while the TCP connection is open. */
  get connected(): boolean {
    return this.socket !== undefined
  }

  /** Called once when an open connection is lost (not after {@link close}). */
  onClose(listener: (err: Error) => void): void {
    this.closedListener = listener
  }

  /**
   * Opens the TCP connection.
   * @throws EdgeError `RHN_EDGE_DEVICE_UNREACHABLE` when refused or not open within `timeoutMs`.
   */
  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port })
      socket.setNoDelay(true)
      const fail = (err: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `modbus://${this.host}:${this.port}: ${err.message}`, { cause: err }))
      }
      const timer = setTimeout(() => fail(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs)
      socket.once('error', fail)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.off('error', fail)
        this.attach(socket)
        resolve()
      })
    })
  }

  /**
   * Sends one request PDU to `unitId` and resolves with the response PDU (not yet checked: see `parseReadResponse`).
   * @throws ModbusFault `timeout` or `bad-frame`; EdgeError `RHN_EDGE_DEVICE_UNREACHABLE` when not connected or the connection drops.
   */
  request(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Buffer> {
    const run = (): Promise<Buffer> => this.send(unitId, pdu, timeoutMs)
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Closes the connection and fails what is in flight; idempotent. */
  close(): void {
    const socket = this.socket
    this.socket = undefined
    if (socket === undefined) return
    socket.destroy()
    this.failPending(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `modbus://${this.host}:${this.port}: connection closed`))
  }

  private attach(socket: Socket): void {
    this.socket = socket
    this.buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', () => {}) // surfaces through 'close'
    socket.on('close', (hadError) => {
      if (this.socket !== socket) return
      this.socket = undefined
      const err = new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `modbus://${this.host}:${this.port}: connection lost${hadError ? ' (reset)' : ''}`)
      this.failPending(err)
      this.closedListener?.(err)
    })
  }

  private send(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Buffer> {
    const socket = this.socket
    if (socket === undefined) return Promise.reject(new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', `modbus://${this.host}:${this.port}: not connected`))
    const transactionId = this.nextTransactionId
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff
    const adu = Buffer.alloc(MBAP_BYTES + pdu.length)
    adu.writeUInt16BE(transactionId, 0)
    adu.writeUInt16BE(PROTOCOL_ID, 2)
    adu.writeUInt16BE(pdu.length + 1, 4)
    adu.writeUInt8(unitId, 6)
    pdu.copy(adu, MBAP_BYTES)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined
        reject(new ModbusFault('timeout', `unit ${unitId}: no response within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending = { transactionId, resolve, reject, timer }
      this.requestsSent += 1
      socket.write(adu)
    })
  }

  /** Frames responses out of the byte stream; a response to a timed-out request (old transaction id) is dropped. */
  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    while (this.buffer.length >= MBAP_BYTES) {
      const length = this.buffer.readUInt16BE(4)
      const protocolId = this.buffer.readUInt16BE(2)
      if (protocolId !== PROTOCOL_ID || length < MIN_LENGTH || length > MAX_LENGTH) {
        // The stream cannot be framed any more: fail the request and start a fresh connection.
        const fault = new ModbusFault('bad-frame', `unframeable MBAP header (protocol id ${protocolId}, length ${length}); connection dropped`)
        this.failPending(fault)
        this.close()
        return
      }
      if (this.buffer.length < 6 + length) return
      const transactionId = this.buffer.readUInt16BE(0)
      const pdu = Buffer.from(this.buffer.subarray(MBAP_BYTES, 6 + length))
      this.buffer = this.buffer.subarray(6 + length)
      const pending = this.pending
      if (pending === undefined || pending.transactionId !== transactionId) continue
      this.pending = undefined
      clearTimeout(pending.timer)
      pending.resolve(pdu)
    }
  }

  private failPending(err: Error): void {
    const pending = this.pending
    this.pending = undefined
    if (pending === undefined) return
    clearTimeout(pending.timer)
    pending.reject(err)
  }
}

/** `modbus://host:port` → host and port (default 502, the IANA Modbus TCP port). */
export function parseModbusUrl(url: string): { host: string; port: number } {
  const m = /^modbus(?:\+tcp)?:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url)
  if (m === null) throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `"${url}" is not modbus://HOST[:PORT]`)
  const port = m[2] === undefined ? 502 : Number(m[2])
  if (port < 1 || port > 65535) throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `"${url}": port must be 1..65535`)
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port }
}
