import { createServer, type Server, type Socket } from 'node:net'
import { RhnError, validateRegisterMap, type RegisterMap } from '@rhn/protocols'
import type { SimComponent } from '../../hospital/component.js'
import type { Endpoint, NetworkState, SimServer } from '../types.js'
import { ExceptionCode, MODBUS_PROTOCOL_ID } from './codes.js'
import { MapBank, type GapPolicy } from './map-bank.js'
import { MbapDecoder, encodeMbap, type MbapFrame } from './mbap.js'
import { applyMisbehaviour, MISBEHAVIOURS, type Misbehaviour } from './misbehave.js'
import { exceptionPdu, handlePdu } from './pdu.js'

/** The structured logger the server writes to (a pino logger fits). */
export interface ModbusLogger {
  debug(fields: object, msg: string): void
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
}

/** One device behind the gateway: its unit id, the component it shows and the map it shows it through. */
export interface ModbusUnit {
  /** Modbus unit id, 1..247 (individual addresses, MODBUS over Serial Line V1.02 §2.2). */
  readonly unitId: number
  /** Ground truth of the device's metrics and its power/reachability faults. */
  readonly component: SimComponent
  /** Register map the values are encoded through. */
  readonly map: RegisterMap
  /** Protocol fault to commit from the start; change later with {@link ModbusGatewayServer.misbehave}. */
  readonly misbehave?: Misbehaviour
}

/** What a {@link ModbusGatewayServer} is built from. */
export interface ModbusGatewayInit {
  /** Where to listen. `port: 0` picks a free port; `endpoint.port` and `address` show it after `start()`. */
  readonly endpoint: Endpoint
  /** The devices served, one per unit id. */
  readonly units: readonly ModbusUnit[]
  /** Structured logger; default silent. */
  readonly logger?: ModbusLogger
  /** Reads of unmapped addresses; default `exception` (02). */
  readonly gaps?: GapPolicy
}

interface UnitState {
  readonly unit: ModbusUnit
  readonly bank: MapBank
  mode: Misbehaviour | undefined
}

const SILENT: ModbusLogger = { debug: () => {}, info: () => {}, warn: () => {} }

/**
 * A Modbus TCP server in front of several simulated devices, one unit id each: a bed-controller
 * gateway (one unit per bed) or a serial-to-TCP protocol converter (one unit per ventilator).
 *
 * Faults as a client sees them:
 * - unknown unit id, or its component powered off: exception 0x0B Gateway Target Device Failed to
 *   Respond, as a real gateway answers when its serial slave is silent (AP §7); other units answer on.
 * - component `reachability` `reset`: that unit's requests get no response (the client times out);
 *   `refuse`: exception 0x0A Gateway Path Unavailable (AP §7: no path from input to output port).
 * - {@link setNetwork}: `reset` resets every socket (RST) and every new one until `up`; `refuse`
 *   also closes the listener (connection refused); `up` listens again on the same port.
 * - {@link misbehave}: per-unit protocol faults (see {@link Misbehaviour}).
 * Frames whose protocol id is not 0 (not MODBUS, IG §3.1.3) are dropped unanswered; a length field
 * outside 2..254 makes the stream unframeable, so that connection is closed.
 */
export class ModbusGatewayServer implements SimServer {
  /** A copy of the init endpoint; `port`/`address` are the bound ones after `start()`, `components` lists the units. */
  readonly endpoint: Endpoint
  private readonly units = new Map<number, UnitState>()
  private readonly log: ModbusLogger
  private readonly sockets = new Set<Socket>()
  private server: Server | undefined
  private running = false
  private network: NetworkState = 'up'
  /** Start, stop and network changes run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve()

  /** @throws RhnError `RHN_SIM_DEVICE_FAILED` naming the bad unit (id out of 1..247, listed twice, bad map or mode). */
  constructor(init: ModbusGatewayInit) {
    this.log = init.logger ?? SILENT
    const where = `modbus gateway ${init.endpoint.id}`
    for (const [i, unit] of init.units.entries()) {
      const key = `units[${i}]`
      if (!Number.isInteger(unit.unitId) || unit.unitId < 1 || unit.unitId > 247) fail(`${where}: ${key}.unitId must be an integer 1..247, got ${unit.unitId}`)
      if (this.units.has(unit.unitId)) fail(`${where}: ${key}.unitId ${unit.unitId} is used twice`)
      if (unit.misbehave !== undefined && !MISBEHAVIOURS.includes(unit.misbehave)) fail(`${where}: ${key}.misbehave must be one of ${MISBEHAVIOURS.join(', ')}`)
      try {
        validateRegisterMap(unit.map)
      } catch (err) {
        fail(`${where}: ${key}.map: ${(err as Error).message}`, err)
      }
      const bank = new MapBank(unit.map, unit.component, init.gaps, (err, entry) =>
        this.log.warn({ unitId: unit.unitId, component: unit.component.id, metric: entry.metric, err: String(err) }, 'modbus value not encodable: exception 04'),
      )
      this.units.set(unit.unitId, { unit, bank, mode: unit.misbehave })
    }
    const components = init.units.map((u) => ({ id: u.component.id, unitId: u.unitId }))
    this.endpoint = { ...init.endpoint, components }
    this.endpoint.address = address(this.endpoint)
  }

  /** Listens on `endpoint.host:endpoint.port` (0 = any free port, then written back to the endpoint). */
  start(): Promise<void> {
    return this.serial(async () => {
      if (this.running) return
      await this.listen()
      this.running = true
      if (this.network === 'refuse') await this.closeListener()
    })
  }

  /** Resets every socket and closes the listener; idempotent. The server may be started again. */
  stop(): Promise<void> {
    return this.serial(async () => {
      this.running = false
      this.dropSockets()
      await this.closeListener()
    })
  }

  /** Server-wide network fault; see the class comment. Before `start()` it only records the state. */
  setNetwork(state: NetworkState): Promise<void> {
    return this.serial(async () => {
      if (state === this.network) return
      this.log.info({ endpoint: this.endpoint.id, from: this.network, to: state }, 'modbus network state')
      this.network = state
      if (!this.running) return
      if (state !== 'up') this.dropSockets()
      if (state === 'refuse') await this.closeListener()
      else if (this.server === undefined) await this.listen()
    })
  }

  /** Sets (or with `undefined` clears) a protocol fault on one unit. @throws RhnError for an unknown unit id. */
  misbehave(unitId: number, mode: Misbehaviour | undefined): void {
    const state = this.units.get(unitId)
    if (state === undefined) fail(`modbus gateway ${this.endpoint.id}: no unit ${unitId}`)
    state.mode = mode
  }

  /** Client connections open now (tests use it to prove nothing is left open). */
  get connections(): number {
    return this.sockets.size
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op)
    this.queue = next.catch(() => undefined)
    return next
  }

  private listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket))
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const inUse = err.code === 'EADDRINUSE'
        reject(new RhnError(inUse ? 'RHN_SIM_PORT_IN_USE' : 'RHN_SIM_DEVICE_FAILED', `${this.endpoint.id}: cannot listen on ${this.endpoint.host}:${this.endpoint.port}: ${err.message}`, { cause: err }))
      })
      server.listen({ host: this.endpoint.host, port: this.endpoint.port }, () => {
        server.removeAllListeners('error')
        server.on('error', (err) => this.log.warn({ endpoint: this.endpoint.id, err: String(err) }, 'modbus listener error'))
        const bound = server.address()
        if (bound !== null && typeof bound === 'object') this.endpoint.port = bound.port
        this.endpoint.address = address(this.endpoint)
        this.server = server
        resolve()
      })
    })
  }

  private async closeListener(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    // close() waits for open connections; dropSockets() has already reset them.
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** RST rather than FIN: the client sees ECONNRESET, as when a switch port or the gateway goes down. */
  private dropSockets(): void {
    for (const socket of this.sockets) socket.resetAndDestroy()
    this.sockets.clear()
  }

  private accept(socket: Socket): void {
    if (!this.running || this.network !== 'up') {
      socket.on('error', () => {})
      socket.resetAndDestroy()
      return
    }
    this.sockets.add(socket)
    socket.setNoDelay(true)
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    this.log.debug({ endpoint: this.endpoint.id, peer }, 'modbus client connected')
    const decoder = new MbapDecoder()
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = decoder.push(chunk)
      // Pipelined requests are answered in order, in one write.
      const replies = frames.map((f) => this.respond(f)).filter((r): r is Buffer => r !== undefined)
      if (replies.length > 0) socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies))
      if (error !== undefined) {
        this.log.warn({ endpoint: this.endpoint.id, peer, error }, 'modbus framing error: closing connection')
        socket.destroy()
      }
    })
    socket.on('error', (err) => this.log.debug({ endpoint: this.endpoint.id, peer, err: String(err) }, 'modbus socket error'))
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.log.debug({ endpoint: this.endpoint.id, peer }, 'modbus client disconnected')
    })
  }

  /** The response ADU for one request, or undefined when the device stays silent. */
  private respond(frame: MbapFrame): Buffer | undefined {
    if (frame.protocolId !== MODBUS_PROTOCOL_ID) {
      this.log.warn({ endpoint: this.endpoint.id, protocolId: frame.protocolId }, 'modbus frame with non-MODBUS protocol id dropped')
      return undefined
    }
    const fc = frame.pdu.readUInt8(0)
    const state = this.units.get(frame.unitId)
    const component = state?.unit.component
    let pdu: Buffer
    if (state === undefined || component === undefined || !component.powered) {
      pdu = exceptionPdu(fc, ExceptionCode.GatewayTargetFailedToRespond)
    } else if (component.reachability === 'reset') {
      return undefined
    } else if (component.reachability === 'refuse') {
      pdu = exceptionPdu(fc, ExceptionCode.GatewayPathUnavailable)
    } else if (state.mode === 'exception') {
      pdu = exceptionPdu(fc, ExceptionCode.ServerDeviceFailure)
    } else {
      pdu = handlePdu(frame.pdu, state.bank)
      if (state.mode !== undefined) pdu = applyMisbehaviour(state.mode, pdu)
    }
    return encodeMbap(frame.transactionId, frame.unitId, pdu, frame.protocolId)
  }
}

function fail(message: string, cause?: unknown): never {
  throw new RhnError('RHN_SIM_DEVICE_FAILED', message, cause === undefined ? undefined : { cause })
}

const address = (e: Endpoint): string => `modbus://${e.host}:${e.port}`
