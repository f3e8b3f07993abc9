// Helpers shared by the driver-opcua*/driver-modbus* suites: recording driver components, a counting
// TCP proxy (a socket spy on Modbus requests), simulator components and servers, and a leak check.
import { createServer, connect, type Server, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { edgeDeviceSchema, VENTILATOR_OPCUA_VARIABLES, type Component, type EdgeDeviceConfig } from '@rhn/protocols'
import { ManualClock, OpcuaVentilatorServer, SimComponent } from '@rhn/firmware-sim'
import { pino } from 'pino'
import type { DriverComponents } from '../src/drivers/types.js'
import type { Reading } from '../src/reading.js'

/** A log line as pino wrote it. */
export interface LogLine {
  level: number
  msg: string
  device?: string
  [key: string]: unknown
}

/** Driver components that keep everything they are given, for assertions. */
export interface Recorder extends DriverComponents {
  readonly readings: Reading[]
  readonly states: { device: string; online: boolean; error?: string }[]
  readonly errors: { device: string; kind: string }[]
  readonly logs: LogLine[]
  /** Last value emitted for device/metric. */
  latest(device: string, metric: string): Reading | undefined
  /** Readings of one device. */
  of(device: string): Reading[]
  /** Last reported state of a device. */
  stateOf(device: string): { online: boolean; error?: string } | undefined
}

/** Recording {@link DriverComponents}; `random` is fixed so backoff is deterministic. */
export function recorder(): Recorder & { random(): number } {
  const readings: Reading[] = []
  const states: Recorder['states'] = []
  const errors: Recorder['errors'] = []
  const logs: LogLine[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  const logger = pino({ level: 'debug' }, sink)
  return {
    logger,
    now: () => Date.now(),
    random: () => 0.5,
    emit: (batch) => void readings.push(...batch),
    deviceState: (device, online, error) => void states.push({ device, online, ...(error === undefined ? {} : { error }) }),
    countError: (device, kind) => void errors.push({ device, kind }),
    readings,
    states,
    errors,
    logs,
    latest: (device, metric) => readings.findLast((r) => r.device === device && r.metric === metric),
    of: (device) => readings.filter((r) => r.device === device),
    stateOf: (device) => states.findLast((s) => s.device === device),
  }
}

/** A device config entry as the schema fills it in (defaults applied). */
export function deviceConfig<T extends EdgeDeviceConfig>(input: Record<string, unknown>): T {
  return edgeDeviceSchema.parse(input) as T
}

/** A simulated component of hospital TST on a manual clock, bound over `protocol`. */
export function simComponent(id: string, kind: 'bed' | 'ventilator', protocol: 'opcua' | 'modbus', clock = new ManualClock(Date.UTC(2025, 0, 13, 6)), unitId?: number): SimComponent {
  const component: Component = {
    id,
    name: id,
    kind,
    binding: { gateway: 'gw-tst', device: id, protocol, ...(unitId === undefined ? {} : { unitId }) },
    capacity: { beds: kind === 'bed' ? 1 : 0, ventilators: kind === 'ventilator' ? 1 : 0, ventilatorCapable: false, isolation: false, ppe: [] },
    attributes: [],
    expectedIntervalS: 5,
    hospitalId: 'TST',
    unitId: 'tst-icu',
    sectionId: 'tst-icu-bay-a',
  }
  return new SimComponent(component, clock)
}

/** A TCP proxy in front of `targetPort` that counts Modbus request frames (MBAP-delimited) passing through. */
export class CountingProxy {
  requests = 0
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<CountingProxy> {
    const holder: { proxy?: CountingProxy } = {}
    const server = createServer((client) => holder.proxy?.pipe(client, targetPort))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    holder.proxy = new CountingProxy(server, typeof address === 'object' && address !== null ? address.port : 0)
    return holder.proxy
  }

  private pipe(client: Socket, targetPort: number): void {
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    let buffer = Buffer.alloc(0)
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        this.sockets.delete(s)
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      while (buffer.length >= 7 && buffer.length >= 6 + buffer.readUInt16BE(4)) {
        this.requests += 1
        buffer = buffer.subarray(6 + buffer.readUInt16BE(4))
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Handle kinds left behind when something does not clean up: listeners, sockets, timers. */
const WATCHED = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWRAP', 'Timeout']

/** Open sockets, listeners and timers of this process. */
export function openHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => WATCHED.includes(r))
}

/** Handles open now beyond `baseline`, after giving closing sockets up to 3 s to go. */
export async function leftovers(baseline: readonly string[]): Promise<string[]> {
  const extra = (): string[] => {
    const rest = [...baseline]
    return openHandles().filter((r) => {
      const i = rest.indexOf(r)
      if (i < 0) return true
      rest.splice(i, 1)
      return false
    })
  }
  for (let waited = 0; waited < 3_000 && extra().length > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100))
  return extra()
}

/** Gives every layout metric a distinct value: Doubles inside their EURange, Booleans false, Strings named. */
export function fill(c: SimComponent): void {
  VENTILATOR_OPCUA_VARIABLES.forEach((v, i) => {
    if (v.dataType === 'Double') c.set(v.metric, (v.euRange?.low ?? 0) + 1 + i / 4)
    else if (v.dataType === 'Boolean') c.set(v.metric, false)
    else c.set(v.metric, `${c.id}:${v.browseName}`)
  })
}

/** Security of a test server: what it offers, and the user it requires (anonymous when absent). */
export interface ServerSecurity {
  modes?: ('None' | 'Sign' | 'SignAndEncrypt')[]
  username?: string
  password?: string
}

/** An OPC UA ventilator server of hospital TST on 127.0.0.1:`port` (not started). */
export function opcuaServer(port: number, components: readonly SimComponent[], clock: ManualClock, pkiDir: string, security: ServerSecurity = {}): OpcuaVentilatorServer {
  const modes = security.modes ?? ['None']
  return new OpcuaVentilatorServer({
    endpoint: {
      id: 'TST/opcua', hospitalId: 'TST', protocol: 'opcua', kind: 'OPC UA ventilator server',
      address: `opc.tcp://127.0.0.1:${port}/rhn/TST`, host: '127.0.0.1', port, components: components.map((c) => ({ id: c.id })),
    },
    components,
    security: {
      modes,
      policies: [...(modes.includes('None') ? (['None'] as const) : []), ...(modes.some((m) => m !== 'None') ? (['Basic256Sha256'] as const) : [])],
      pkiDir,
      ...(security.username === undefined ? {} : { username: security.username, password: security.password }),
    },
    clock,
  })
}
