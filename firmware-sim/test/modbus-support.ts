// Shared helpers of the modbus-*.test.ts suites: components, an independent client, raw MBAP exchanges.
import { connect, type Socket } from 'node:net'
import type { Component } from '@rhn/protocols'
import Modbus from 'modbus-serial'
import { ManualClock } from '../src/clock.js'
import { SimComponent } from '../src/hospital/component.js'
import type { ModbusLogger } from '../src/devices/modbus/index.js'

/** modbus-serial's client. Its CJS typings put the class on `.default` under NodeNext (STACK.md). */
export type ModbusRTU = InstanceType<typeof Modbus.default>

/** A simulated bed or ventilator component on a manual clock. */
export function simComponent(id: string, kind: 'bed' | 'ventilator', unitId: number): SimComponent {
  const component: Component = {
    id,
    name: id,
    kind,
    binding: { gateway: 'RXA-gw-1', device: id, protocol: 'modbus', unitId },
    capacity: { beds: kind === 'bed' ? 1 : 0, ventilators: kind === 'ventilator' ? 1 : 0, ventilatorCapable: false, isolation: false, ppe: [] },
    attributes: [],
    expectedIntervalS: 10,
    hospitalId: 'RXA',
    unitId: 'icu',
    sectionId: 'bay-a',
  }
  return new SimComponent(component, new ManualClock(Date.UTC(2025, 0, 13, 6)))
}

/** A modbus-serial TCP client (an implementation independent of ours), connected and addressed to `unitId`. */
export async function modbusClient(port: number, unitId = 1, timeoutMs = 2_000): Promise<ModbusRTU> {
  const client = new Modbus.default()
  client.setTimeout(timeoutMs)
  client.on('error', () => {}) // socket errors surface through the pending request or 'close'
  await client.connectTCP('127.0.0.1', { port })
  client.setID(unitId)
  return client
}

/** Closes a client whatever state its socket is in (destroy always calls back; close may not after a reset). */
export function closeClient(client: ModbusRTU): Promise<void> {
  return new Promise((resolve) => client.destroy(() => resolve()))
}

/** The Modbus exception code of a rejected request, or the error message when it was no exception. */
export async function failure(request: Promise<unknown>): Promise<number | string> {
  try {
    await request
  } catch (err) {
    const e = err as { modbusCode?: number; message?: string; name?: string }
    return e.modbusCode ?? `${e.name}: ${e.message}`
  }
  throw new Error('request succeeded; expected a failure')
}

/** A request ADU built by hand (MBAP per IG §3.1.3), so tests can send what no client library would. */
export function adu(transactionId: number, unitId: number, pdu: readonly number[], protocolId = 0): Buffer {
  const out = Buffer.alloc(7 + pdu.length)
  out.writeUInt16BE(transactionId, 0)
  out.writeUInt16BE(protocolId, 2)
  out.writeUInt16BE(pdu.length + 1, 4)
  out.writeUInt8(unitId, 6)
  Buffer.from(pdu).copy(out, 7)
  return out
}

/** A response as read off the wire. */
export interface RawResponse {
  transactionId: number
  unitId: number
  pdu: Buffer
}

/** A raw TCP connection that collects MBAP responses (parsed here, not by the code under test). */
export class RawConnection {
  readonly responses: RawResponse[] = []
  closed = false
  private buffer = Buffer.alloc(0)

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      while (this.buffer.length >= 7 && this.buffer.length >= 6 + this.buffer.readUInt16BE(4)) {
        const end = 6 + this.buffer.readUInt16BE(4)
        this.responses.push({ transactionId: this.buffer.readUInt16BE(0), unitId: this.buffer.readUInt8(6), pdu: this.buffer.subarray(7, end) })
        this.buffer = this.buffer.subarray(end)
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => (this.closed = true))
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => resolve(new RawConnection(socket)))
      socket.once('error', reject)
    })
  }

  /** Waits until `n` responses arrived (or the socket closed, or `timeoutMs` passed) and returns them. */
  async waitFor(n: number, timeoutMs = 2_000): Promise<RawResponse[]> {
    const deadline = Date.now() + timeoutMs
    while (this.responses.length < n && !this.closed && Date.now() < deadline) await sleep(5)
    return this.responses
  }

  /** Waits until the server closed the connection; true if it did within `timeoutMs`. */
  async waitClosed(timeoutMs = 2_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) await sleep(5)
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Sends `pdu` to `unitId` on a fresh connection and returns the response PDU. */
export async function rawRequest(port: number, unitId: number, pdu: readonly number[]): Promise<Buffer> {
  const conn = await RawConnection.open(port)
  try {
    conn.socket.write(adu(1, unitId, pdu))
    const [response] = await conn.waitFor(1)
    if (response === undefined) throw new Error('no response')
    return response.pdu
  } finally {
    conn.close()
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): ModbusLogger & { entries: { level: string; msg: string; fields: object }[] } {
  const entries: { level: string; msg: string; fields: object }[] = []
  const at = (level: string) => (fields: object, msg: string) => void entries.push({ level, msg, fields })
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn') }
}
