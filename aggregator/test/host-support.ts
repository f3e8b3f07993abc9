// Test support for the Sparkplug host suites: a host wired to capture its events and logs, a
// simulated edge node on plain mqtt.js + RHN's codec (so each test controls seq, bdSeq and aliases
// exactly), and a watcher client that records what crosses the broker.
import {
  NODE_CONTROL_REBIRTH,
  buildTopic,
  decodePayload,
  encodePayload,
  metricProperties,
  type MetricDataType,
  type SparkplugMessageType,
  type SparkplugMetric,
  type SparkplugPayload,
  type SparkplugValue,
} from '@rhn/protocols'
import { startMosquitto, type MosquittoBroker, type MosquittoInit } from '@rhn/test/harness'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { SparkplugHost, type HostEvent, type HostLogger, type SparkplugHostInit } from '../src/host/index.js'

/** Polls `probe` every 10 ms until it returns something other than undefined/false. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** One captured log line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  obj: Record<string, unknown>
  msg: string
}

/** A logger with pino's call shape that keeps every line. */
export function captureLogger(): HostLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at = (level: LogLine['level']) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

let hostCounter = 0

/** A host under test with its events, log lines and every mqtt.js client it made. */
export interface HostUnderTest {
  host: SparkplugHost
  hostId: string
  events: HostEvent[]
  log: ReturnType<typeof captureLogger>
  clients: MqttClient[]
}

/** Makes a host on `url` for group `G1` with a short reorder timeout; `overrides` replace any field. */
export function makeHost(url: string, overrides: Partial<SparkplugHostInit> = {}): HostUnderTest {
  const hostId = `host-${process.pid}-${++hostCounter}`
  const log = captureLogger()
  const clients: MqttClient[] = []
  const host = new SparkplugHost({
    hostId,
    groups: ['G1'],
    mqtt: { url, reconnect: { minMs: 100, maxMs: 500, jitter: 0 } },
    reorderTimeoutMs: 300,
    logger: log,
    connect: (u, options) => {
      const client = mqtt.connect(u, options)
      clients.push(client)
      return client
    },
    ...overrides,
  })
  const events: HostEvent[] = []
  host.onEvent((e) => events.push(e))
  return { host, hostId, events, log, clients }
}

/** A message seen by a {@link Watcher}. */
export interface Seen {
  topic: string
  payload: Buffer
  retain: boolean
}

/** A plain MQTT client that records everything on its filters. */
export class Watcher {
  readonly seen: Seen[] = []
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.seen.push({ topic, payload, retain: packet.retain }))
  }

  /** Connects and subscribes (QoS 1) to `filters`. */
  static async open(url: string, filters: string[]): Promise<Watcher> {
    const client = await mqtt.connectAsync(url, { clientId: `watcher-${process.pid}-${++hostCounter}`, reconnectPeriod: 100 })
    const watcher = new Watcher(client)
    await client.subscribeAsync(filters, { qos: 1 })
    return watcher
  }

  /** Messages seen on `topic`. */
  on(topic: string): Seen[] {
    return this.seen.filter((m) => m.topic === topic)
  }

  async close(): Promise<void> {
    await this.client.endAsync(true)
  }
}

/** A metric a simulated device births with. */
export interface SimMetric {
  name: string
  alias: number
  datatype: MetricDataType
  value: SparkplugValue
  unit?: string
}

/** Options of a {@link SimNode}. */
export interface SimNodeInit {
  groupId?: string
  edgeNodeId: string
  bdSeq?: number
  /** Republish the births when an NCMD asks for a rebirth (default true). */
  answerRebirth?: boolean
}

/**
 * A simulated Sparkplug edge node: a Will NDEATH with its bdSeq, NCMD subscription, and helpers
 * that publish births and data with automatic (or explicit) seq.
 */
export class SimNode {
  readonly groupId: string
  readonly edgeNodeId: string
  readonly bdSeq: number
  readonly ncmds: SparkplugPayload[] = []
  readonly devices = new Map<string, SimMetric[]>()
  answerRebirth: boolean
  #seq = 0

  private constructor(
    readonly client: MqttClient,
    init: SimNodeInit,
  ) {
    this.groupId = init.groupId ?? 'G1'
    this.edgeNodeId = init.edgeNodeId
    this.bdSeq = init.bdSeq ?? 0
    this.answerRebirth = init.answerRebirth ?? true
    client.on('message', (_topic, bytes) => {
      const cmd = decodePayload(bytes)
      this.ncmds.push(cmd)
      if (this.answerRebirth && cmd.metrics.some((m) => m.name === NODE_CONTROL_REBIRTH && m.value === true)) void this.births()
    })
  }

  /** Connects with its Will and subscribes to its NCMD topic. */
  static async connect(url: string, init: SimNodeInit): Promise<SimNode> {
    const groupId = init.groupId ?? 'G1'
    const death = encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: init.bdSeq ?? 0 }] })
    const client = await mqtt.connectAsync(url, {
      clientId: `sim-${init.edgeNodeId}-${++hostCounter}`,
      reconnectPeriod: 0,
      will: { topic: buildTopic({ kind: 'node', groupId, messageType: 'NDEATH', edgeNodeId: init.edgeNodeId }), payload: Buffer.from(death), qos: 1, retain: false },
    })
    const node = new SimNode(client, init)
    await client.subscribeAsync(buildTopic({ kind: 'node', groupId, messageType: 'NCMD', edgeNodeId: init.edgeNodeId }), { qos: 1 })
    return node
  }

  /** Topic of a message of this node (device-level when `deviceId` is given). */
  topic(type: SparkplugMessageType, deviceId?: string): string {
    const ids = { groupId: this.groupId, edgeNodeId: this.edgeNodeId }
    return deviceId === undefined
      ? buildTopic({ kind: 'node', ...ids, messageType: type as 'NDATA' })
      : buildTopic({ kind: 'device', ...ids, messageType: type as 'DDATA', deviceId })
  }

  /** Publishes raw bytes on `topic` (QoS 0, or `qos`). */
  async raw(topic: string, bytes: Uint8Array | string, qos: 0 | 1 = 0): Promise<void> {
    await this.client.publishAsync(topic, typeof bytes === 'string' ? bytes : Buffer.from(bytes), { qos })
  }

  /** Publishes a payload; seq is the next one unless `seq` is given (null: none at all). */
  async send(type: SparkplugMessageType, deviceId: string | undefined, metrics: SparkplugMetric[], seq?: number | null): Promise<number | undefined> {
    const s = seq === null ? undefined : (seq ?? this.nextSeq())
    await this.raw(this.topic(type, deviceId), encodePayload({ timestamp: Date.now(), ...(s === undefined ? {} : { seq: s }), metrics }))
    return s
  }

  /** The next seq (0..255 wrapping). */
  nextSeq(): number {
    const s = this.#seq
    this.#seq = (s + 1) % 256
    return s
  }

  /** NBIRTH (seq 0, bdSeq, Node Control/Rebirth), then a DBIRTH for every device added so far. */
  async births(): Promise<void> {
    this.#seq = 0
    await this.send('NBIRTH', undefined, [
      { name: 'bdSeq', datatype: 'UInt64', value: this.bdSeq },
      { name: NODE_CONTROL_REBIRTH, datatype: 'Boolean', value: false },
    ])
    for (const [deviceId, metrics] of this.devices) await this.dbirth(deviceId, metrics)
  }

  /** DBIRTH of `deviceId` with names, aliases, values and `engUnit` properties. */
  async dbirth(deviceId: string, metrics: SimMetric[]): Promise<void> {
    this.devices.set(deviceId, metrics)
    await this.send(
      'DBIRTH',
      deviceId,
      metrics.map((m) => ({ name: m.name, alias: m.alias, datatype: m.datatype, value: m.value, timestamp: Date.now(), ...(m.unit === undefined ? {} : { properties: metricProperties({ unit: m.unit }) }) })),
    )
  }

  /** DDATA with alias-only metrics: `[alias, value]` pairs (datatype from the birth, Double otherwise). */
  async ddata(deviceId: string, values: [number, SparkplugValue][], opts: { seq?: number; historical?: boolean; timestamp?: number } = {}): Promise<number | undefined> {
    const born = this.devices.get(deviceId) ?? []
    const metrics = values.map(([alias, value]): SparkplugMetric => ({
      alias,
      datatype: born.find((m) => m.alias === alias)?.datatype ?? 'Double',
      value,
      timestamp: opts.timestamp ?? Date.now(),
      ...(opts.historical === true ? { isHistorical: true } : {}),
    }))
    return this.send('DDATA', deviceId, metrics, opts.seq)
  }

  /** An NDEATH with `bdSeq` (what the broker sends for the Will, or a stale copy). */
  async ndeath(bdSeq: number): Promise<void> {
    await this.raw(this.topic('NDEATH'), encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: bdSeq }] }), 1)
  }

  /** Rebirth requests received so far. */
  rebirths(): number {
    return this.ncmds.filter((c) => c.metrics.some((m) => m.name === NODE_CONTROL_REBIRTH && m.value === true)).length
  }

  async close(): Promise<void> {
    await this.client.endAsync(true)
  }
}

/**
 * A ventilator's BIRTH metrics: two aliased metrics with UCUM units, aliases `base + 1` and
 * `base + 2` (aliases are unique across an edge node's devices [tck-id-payloads-alias-uniqueness]).
 */
export function ventMetrics(base = 0): SimMetric[] {
  return [
    { name: 'Ventilation/PEEP', alias: base + 1, datatype: 'Double', value: 5, unit: 'cm[H2O]' },
    { name: 'Ventilation/RespRate', alias: base + 2, datatype: 'Double', value: 14, unit: '/min' },
  ]
}

/** Device events of one type, for assertions. */
export function eventsOf<T extends HostEvent['type']>(events: HostEvent[], type: T): Extract<HostEvent, { type: T }>[] {
  return events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type)
}

/** A suite's broker and what its tests opened (closed after each test). */
export interface HostSuite {
  /** The suite's Mosquitto (started before the first test). */
  readonly broker: MosquittoBroker
  /** Hosts and simulated nodes a test opened: stopped and closed after it. */
  open: { hosts: HostUnderTest[]; nodes: SimNode[] }
}

/** Starts one Mosquitto for the suite (`init`), and stops every host and node a test opened after it. */
export function hostSuite(init?: MosquittoInit): HostSuite {
  let broker: MosquittoBroker | undefined
  const suite: HostSuite = {
    get broker(): MosquittoBroker {
      if (broker === undefined) throw new Error('the suite broker starts in beforeAll')
      return broker
    },
    open: { hosts: [], nodes: [] },
  }
  beforeAll(async () => {
    broker = await startMosquitto(init)
  })
  afterEach(async () => {
    await Promise.all(suite.open.hosts.map((h) => h.host.stop()))
    await Promise.all(suite.open.nodes.map((n) => n.close()))
    suite.open = { hosts: [], nodes: [] }
  })
  afterAll(async () => {
    await broker?.stop()
  })
  return suite
}
