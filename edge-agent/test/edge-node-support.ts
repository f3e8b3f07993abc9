/**
 * Test support for the Sparkplug edge node: an in-memory Outbox, embedded aedes on loopback, a
 * recording Sparkplug subscriber (the "host"), a TCP proxy that can cut a connection abruptly, and
 * a node factory with test-sized defaults.
 */
import { Aedes } from 'aedes'
import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { decodePayload, decodeState, encodeState, parseTopic, type SparkplugPayload, type SparkplugTopic } from '@rhn/protocols'
import type { Outbox, OutboxBatch, OutboxStats } from '../src/outbox/types.js'
import type { DeviceDescriptor, Reading } from '../src/reading.js'
import { SparkplugEdgeNode, type SparkplugEdgeNodeInit } from '../src/sparkplug/index.js'

/** An Outbox in memory: same contract as DiskOutbox, no durability. */
export class MemoryOutbox implements Outbox {
  readonly batches = new Map<number, OutboxBatch>()
  #nextId = 1
  constructor(private readonly now: () => number = Date.now) {}

  append(readings: readonly Reading[]): Promise<number> {
    const id = this.#nextId++
    this.batches.set(id, { id, enqueuedAt: this.now(), readings: [...readings] })
    return Promise.resolve(id)
  }

  read(afterId: number, max: number): Promise<OutboxBatch[]> {
    const out: OutboxBatch[] = []
    for (const b of this.batches.values()) {
      if (b.id > afterId) out.push(b)
      if (out.length >= max) break
    }
    return Promise.resolve(out)
  }

  ack(id: number): void {
    this.batches.delete(id)
  }

  stats(): OutboxStats {
    let pendingReadings = 0
    for (const b of this.batches.values()) pendingReadings += b.readings.length
    return { pendingBatches: this.batches.size, pendingReadings, bytes: 0, droppedReadings: 0, truncatedRecords: 0 }
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** An embedded aedes broker on a free loopback port. */
export interface AedesServer {
  url: string
  broker: Aedes
  close(): Promise<void>
}

/** Starts aedes over `net.createServer(broker.handle)` (STACK.md) on 127.0.0.1. */
export async function startAedes(): Promise<AedesServer> {
  const broker = await Aedes.createBroker()
  const server: Server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    broker,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** One message seen by the recorder, decoded. */
export interface Seen {
  topic: SparkplugTopic
  payload: SparkplugPayload
  qos: number
  retain: boolean
}

/** A Sparkplug subscriber that records and decodes every message of a group (it plays the host). */
export class Recorder {
  readonly seen: Seen[] = []
  readonly #listeners = new Set<() => void>()
  private constructor(readonly client: MqttClient) {}

  /** Connects and subscribes to `spBv1.0/{group}/#`; `hostId` also publishes retained STATE online (with its Will offline). */
  static async start(url: string, groupId: string, hostId?: string): Promise<Recorder> {
    const timestamp = Date.now()
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      reconnectPeriod: 100,
      clientId: `recorder-${Math.random().toString(16).slice(2)}`,
      ...(hostId === undefined ? {} : { will: { topic: `spBv1.0/STATE/${hostId}`, payload: Buffer.from(encodeState({ online: false, timestamp })), qos: 1, retain: true } }),
    })
    const recorder = new Recorder(client)
    client.on('message', (topic, payload, packet) => {
      if (topic.startsWith('spBv1.0/STATE/')) return
      const t = parseTopic(topic)
      recorder.seen.push({ topic: t, payload: decodePayload(payload, t.kind === 'state' ? {} : { messageType: t.messageType }), qos: packet.qos, retain: packet.retain })
      for (const l of recorder.#listeners) l()
    })
    // On every (re)connect: subscribe, then announce the host (a host publishes STATE after subscribing).
    client.on('connect', () => {
      void client.subscribeAsync(`spBv1.0/${groupId}/#`, { qos: 1 }).then(async () => {
        if (hostId !== undefined) await client.publishAsync(`spBv1.0/STATE/${hostId}`, Buffer.from(encodeState({ online: true, timestamp })), { qos: 1, retain: true })
      })
    })
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    await client.subscribeAsync(`spBv1.0/${groupId}/#`, { qos: 1 })
    return recorder
  }

  /** Messages of one type (`NBIRTH`, `DDATA`, …). */
  of(type: string): Seen[] {
    return this.seen.filter((s) => s.topic.kind !== 'state' && s.topic.messageType === type)
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return
        clearTimeout(timer)
        this.#listeners.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#listeners.delete(check)
        reject(new Error(`timed out waiting for ${what}; saw ${this.seen.map((s) => (s.topic.kind === 'state' ? 'STATE' : s.topic.messageType)).join(',')}`))
      }, timeoutMs)
      this.#listeners.add(check)
    })
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true)
  }
}

/** A TCP proxy in front of a broker; `cut()` destroys every connection without an MQTT DISCONNECT. */
export async function startProxy(targetPort: number): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => undefined)
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const cut = (): void => {
    for (const s of sockets) s.destroy()
  }
  return { url: `mqtt://127.0.0.1:${address.port}`, cut, close: () => new Promise((resolve) => { cut(); server.close(() => resolve()) }) }
}

/** Two ventilators with catalogue metrics (units and MDC codes from the catalogue). */
export const DEVICES: DeviceDescriptor[] = [
  { id: 'vent-1', metrics: [{ name: 'Ventilation/PEEP', datatype: 'Float', unit: 'cm[H2O]' }, { name: 'Ventilation/FiO2', datatype: 'Float' }] },
  { id: 'vent-2', metrics: [{ name: 'Ventilation/PEEP', datatype: 'Float' }, { name: 'Device/Online', datatype: 'Boolean' }] },
]

/** A fresh temp folder for bdSeq files; remove it with `rm`. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rhn-sparkplug-'))
}

export { rm }

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
export interface TestPki {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

/** Generates {@link TestPki} in `dir` (world-readable: Mosquitto started as root reads them as `mosquitto`). */
export async function makePki(dir: string): Promise<TestPki> {
  const f = (name: string): string => join(dir, name)
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' })
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=rhn-test-ca', '-keyout', f('ca.key'), '-out', f('ca.pem'))
  await writeFile(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n')
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=rhn-test-${who}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`))
    const ext = who === 'server' ? ['-extfile', f('san.ext')] : []
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-out', f(`${who}.pem`), ...ext)
  }
  await chmod(dir, 0o755)
  for (const name of await readdir(dir)) await chmod(f(name), 0o644)
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') }
}

/** Builds a node with test defaults (group RXA, node gw-1, fast reconnect, silent logs). */
export function makeNode(url: string, dir: string, overrides: Partial<SparkplugEdgeNodeInit> = {}): { node: SparkplugEdgeNode; outbox: MemoryOutbox } {
  const outbox = (overrides.outbox as MemoryOutbox | undefined) ?? new MemoryOutbox()
  const node = new SparkplugEdgeNode({
    gateway: { groupId: 'RXA', edgeNodeId: 'gw-1' },
    mqtt: { url, reconnect: { minMs: 100, maxMs: 500 }, connectTimeoutMs: 2_000 },
    sparkplug: { bdSeqFile: join(dir, 'state', 'bdseq') },
    replayRateMsgsPerS: 5_000,
    outbox,
    devices: () => DEVICES,
    lastValue: () => undefined,
    logger: pino({ level: process.env.RHN_TEST_LOG ?? 'silent' }),
    now: Date.now,
    pollIntervalMs: 10,
    ...overrides,
  })
  return { node, outbox }
}

/** Polls `predicate` every 10 ms until it holds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A reading of `metric` on `device` with `value`, timestamped now. */
export function reading(device: string, metric: string, value: number | boolean | string): Reading {
  return { device, metric, value, timestamp: Date.now() }
}

/** Decodes a STATE payload (re-exported for tests that publish STATE themselves). */
export { decodeState, encodeState }
