/**
 * Test peers for the HL7 ADT feed: a raw `net` MLLP listener written independently of the sender's
 * deframer (it keeps every byte, so malformed frames can be inspected), stubs of the source and of
 * the feed component, and free loopback ports.
 */
import { Hl7Message } from '@medplum/core'
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net'
import type { AdtEvent, AdtSource, Hl7AdtSenderInit } from '../src/devices/hl7/index.js'
import { adtFeedEndpoint } from '../src/devices/hl7/index.js'
import type { Clock } from '../src/clock.js'

const VT = 0x0b
const FS = 0x1c
const CR = 0x0d

/** How the listener answers one complete frame: an MSA-1 code, or silence. */
export type Answer = 'AA' | 'AE' | 'AR' | 'none'

/** One frame as the listener saw it. */
export interface Received {
  /** The frame body bytes (between VT and FS CR); for an unterminated frame, what arrived before the next VT. */
  body: Buffer
  text: string
  /** False when a start block arrived before this frame's end block. */
  terminated: boolean
  /** Parsed by @medplum/core, when it parses at all. */
  message: Hl7Message | undefined
}

/** MSH-10 of a parsed frame ('' when absent). */
export const controlIdOf = (r: Received): string => (r.message?.header.name === 'MSH' ? r.message.header.getField(10).toString() : '')

/** An MLLP listener on loopback; `answer` decides each reply (default AA). */
export class TestListener {
  readonly received: Received[] = []
  readonly sockets = new Set<Socket>()
  connections = 0
  answer: (r: Received, index: number) => Answer = () => 'AA'
  /** The port listened on. */
  port = 0
  private server: Server | undefined

  /** Listens on `port` (0: any free port) of 127.0.0.1. */
  static async start(port = 0): Promise<TestListener> {
    const listener = new TestListener()
    const server = createServer((socket) => listener.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    listener.port = (server.address() as AddressInfo).port
    listener.server = server
    return listener
  }

  /** Complete (terminated) frames, in arrival order. */
  get frames(): Received[] {
    return this.received.filter((r) => r.terminated)
  }

  /** Destroys every connection and closes the port. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())))
  }

  private accept(socket: Socket): void {
    this.connections++
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => {})
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const start = buf.indexOf(VT)
        if (start < 0) return void (buf = Buffer.alloc(0))
        const end = buf.indexOf(Buffer.of(FS, CR), start)
        const next = buf.indexOf(VT, start + 1)
        if (next >= 0 && (end < 0 || next < end)) {
          this.record(socket, buf.subarray(start + 1, next), false)
          buf = buf.subarray(next)
          continue
        }
        if (end < 0) return void (buf = buf.subarray(start))
        this.record(socket, buf.subarray(start + 1, end), true)
        buf = buf.subarray(end + 2)
      }
    })
  }

  private record(socket: Socket, body: Buffer, terminated: boolean): void {
    const text = body.toString('utf8')
    let message: Hl7Message | undefined
    try {
      message = Hl7Message.parse(text)
    } catch {
      message = undefined
    }
    const r: Received = { body: Buffer.from(body), text, terminated, message }
    this.received.push(r)
    if (!terminated) return
    const code = this.answer(r, this.frames.length - 1)
    if (code !== 'none') socket.write(Buffer.concat([Buffer.of(VT), Buffer.from(ackText(controlIdOf(r), code)), Buffer.of(FS, CR)]))
  }
}

/** An original-mode ACK (HL7 v2.5.1 §2.15.8 MSA). */
export function ackText(controlId: string, code: Exclude<Answer, 'none'>): string {
  const text = code === 'AA' ? '' : 'rejected by test listener'
  return `MSH|^~\\&|RHN-EDGE|RXA|RHN-SIM|RXA|20240101120000||ACK^A01^ACK|ACK${controlId}|P|2.5.1\rMSA|${code}|${controlId}|${text}\r`
}

/** A free loopback port, closed again (for a listener that comes up later). */
export async function freePort(): Promise<number> {
  const l = await TestListener.start()
  await l.stop()
  return l.port
}

/** Polls `cond` every 5 ms of real time until true; throws after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A source the test drives by hand. */
export class StubSource implements AdtSource {
  private readonly listeners = new Set<(e: AdtEvent) => void>()
  onAdt(listener: (e: AdtEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  emit(e: AdtEvent): void {
    for (const l of this.listeners) l(e)
  }
  get subscribers(): number {
    return this.listeners.size
  }
}

/** The ADT feed component, stubbed: power, reachability and skew are set by the test. */
export function stubComponent(clock: Clock): Hl7AdtSenderInit['component'] {
  return {
    id: 'RXA/adt-feed',
    powered: true,
    reachability: 'up',
    clockSkewMs: 0,
    deviceTime() {
      return clock.now() + this.clockSkewMs
    },
  }
}

/** 2024-01-01T12:00:00Z, the virtual start of every test. */
export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0)

/** A synthetic event: NHS number in the 999 test range with a valid check digit, postcode in the ZZ area. */
export function adtEvent(type: AdtEvent['type'], n: number, extra: Partial<AdtEvent> = {}): AdtEvent {
  return {
    type,
    at: T0 - 60_000 + n,
    patient: {
      mrn: `M${String(n).padStart(6, '0')}`,
      nhsNumber: '9990000026',
      givenName: 'Ada',
      familyName: 'Testpatient',
      dateOfBirth: '1950-03-04',
      sex: 'F',
      address: { street: '1 Synthetic Road', city: 'Testville', postcode: 'ZZ1 1ZZ' },
      admittedAt: T0 - 3_600_000,
      key: `RXA-${n}`,
    },
    patientClass: 'I',
    toUnit: 'rxa-icu',
    room: 'bay-a',
    bedId: 'rxa-icu-bed-01',
    severity: 'critical',
    condition: { code: 'U07.1', display: 'COVID-19, virus identified' },
    ...extra,
  }
}

/** The init every sender test starts from. */
export function senderInit(port: number, clock: Clock, source: AdtSource, component = stubComponent(clock)): Hl7AdtSenderInit {
  return { endpoint: adtFeedEndpoint('RXA', '127.0.0.1', port), source, component, clock, ackTimeoutMs: 1_000, maxResends: 2 }
}
