/**
 * Test support for the `llrp` and `hl7-mllp` drivers: captured driver components (every reading,
 * device state, counted error and log line), the plugins' example configs, a cabinet with an LLRP
 * reader simulator, and a raw MLLP client.
 */
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { Writable } from 'node:stream'
import { type Component, type EdgeDeviceConfig, type PpeStockLine, parseEdgeConfig } from '@rhn/protocols'
import { CabinetInventory, LlrpReaderServer, ManualClock, SimComponent, createRng } from '@rhn/firmware-sim'
import { pino } from 'pino'
import type { DriverComponents } from '../src/drivers/types.js'
import type { Reading } from '../src/reading.js'

/** Everything a driver handed to the agent. */
export interface Captured {
  components: DriverComponents
  readings: Reading[]
  states: { device: string; online: boolean; error?: string }[]
  errors: { device: string; kind: string }[]
  logs: string[]
  /** Every reading, state, error and log line as one text, for privacy checks. */
  everything(): string
}

/** Driver components that record everything; `now` is the test's clock. */
export function capture(now: () => number = Date.now): Captured {
  const c: Omit<Captured, 'components' | 'everything'> = { readings: [], states: [], errors: [], logs: [] }
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      c.logs.push(chunk.toString('utf8'))
      done()
    },
  })
  const logger = pino({ level: 'debug' }, sink)
  return {
    ...c,
    components: {
      logger,
      now,
      emit: (readings) => c.readings.push(...readings),
      deviceState: (device, online, error) => c.states.push({ device, online, ...(error === undefined ? {} : { error }) }),
      countError: (device, kind) => c.errors.push({ device, kind }),
    },
    everything: () => JSON.stringify([c.readings, c.states, c.errors]) + c.logs.join(''),
  }
}

/** The last value emitted for `device`/`metric`. */
export function latest(readings: readonly Reading[], device: string, metric: string): Reading['value'] | undefined {
  for (let i = readings.length - 1; i >= 0; i--) if (readings[i]!.device === device && readings[i]!.metric === metric) return readings[i]!.value
  return undefined
}

/** Polls `cond` every 5 ms until true; throws after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** The device entries of a plugin's `example.yaml`, parsed as the agent parses its config. */
export function exampleDevices(plugin: 'llrp' | 'hl7-mllp'): EdgeDeviceConfig[] {
  const url = new URL(`../src/drivers/${plugin}/example.yaml`, import.meta.url)
  return parseEdgeConfig(readFileSync(url, 'utf8'), url.pathname).devices
}

/** 2024-01-15 08:00 UTC: the virtual start of every cabinet. */
export const START = Date.UTC(2024, 0, 15, 8, 0, 0)

/** The registry stock lines of the test cabinets (valid GTIN-14s). */
export const LINES: PpeStockLine[] = [
  { item: 'ffp3-mask', gtin: '05012345000015', capacity: 40, reorderPoint: 5 },
  { item: 'gown', gtin: '05012345000022', capacity: 30, reorderPoint: 5 },
  { item: 'gloves', gtin: '05012345000039', capacity: 50, reorderPoint: 5 },
]

const component = (id: string): Component => ({
  id,
  name: `PPE cabinet ${id}`,
  kind: 'ppe-cabinet',
  binding: { gateway: 'gw-rxa-iso', device: id, protocol: 'llrp' },
  capacity: { beds: 0, ventilators: 0, ventilatorCapable: false, isolation: false, ppe: LINES },
  attributes: [],
  expectedIntervalS: 60,
  hospitalId: 'RXA',
  unitId: 'rxa-iso',
  sectionId: 'rxa-iso-rooms',
})

/** A simulated cabinet: true contents, its component (power faults) and its LLRP reader on loopback. */
export interface Cabinet {
  id: string
  comp: SimComponent
  inventory: CabinetInventory
  server: LlrpReaderServer
  port: number
}

/** Starts a cabinet filled with 10 masks, 8 gowns and 5 gloves, read by a reader on a free port. */
export async function startCabinet(id: string, clock: ManualClock, missRate = 0, seed = 11): Promise<Cabinet> {
  const comp = new SimComponent(component(id), clock)
  const inventory = new CabinetInventory({ component: comp, stock: LINES, clock })
  inventory.fill({ '05012345000015': 10, '05012345000022': 8, '05012345000039': 5 })
  const server = new LlrpReaderServer({
    endpoint: { id, hospitalId: 'RXA', protocol: 'llrp', kind: 'LLRP RFID reader', address: '', host: '127.0.0.1', port: 0, components: [{ id }] },
    component: comp,
    tags: inventory,
    clock,
    rng: createRng(seed, `${id}/llrp`),
    missRate,
  })
  await server.start()
  return { id, comp, inventory, server, port: server.endpoint.port }
}

/** A fresh virtual clock at {@link START}. */
export const newClock = (): ManualClock => new ManualClock(START)

const VT = 0x0b
const FS = 0x1c
const CR = 0x0d

/** A raw MLLP client: writes bytes exactly as given and collects every ACK (MSA-1, MSA-2, whole text). */
export class RawMllpClient {
  readonly acks: { code: string; controlId: string; text: string }[] = []
  private buf = Buffer.alloc(0)

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk])
      for (let end = this.buf.indexOf(FS); end >= 0; end = this.buf.indexOf(FS)) {
        const start = this.buf.indexOf(VT)
        const text = this.buf.subarray(start + 1, end).toString('utf8')
        this.buf = this.buf.subarray(end + 2)
        const msa = text.split('\r').find((s) => s.startsWith('MSA|'))?.split('|') ?? []
        this.acks.push({ code: msa[1] ?? '', controlId: msa[2] ?? '', text })
      }
    })
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number): Promise<RawMllpClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawMllpClient(s)))
      s.once('error', reject)
    })
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Waits until `n` ACKs have arrived. */
  until(n: number): Promise<void> {
    return waitFor(() => this.acks.length >= n, `${n} ACKs (have ${this.acks.length})`)
  }

  /** Closes the connection and waits for it to be gone. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.once('close', () => resolve())
      this.socket.destroy()
    })
  }
}

/** One MLLP block around `text`. */
export const mllp = (text: string | Buffer): Buffer => Buffer.concat([Buffer.of(VT), Buffer.from(text), Buffer.of(FS, CR)])
