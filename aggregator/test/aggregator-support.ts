// Test support for the Aggregator suites: a temp folder with a config and a copy of the example
// registry, an aggregator started from it, a simulated gateway (gw-rxa-crit of hospital RXA) on
// mqtt.js + RHN's codec that reconnects and births like a real edge node, and API helpers.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_CONTROL_REBIRTH, buildTopic, decodePayload, decodeState, encodePayload, parseAggregatorConfig, type MetricDataType, type SparkplugMetric, type SparkplugValue } from '@rhn/protocols'
import mqtt, { type MqttClient } from 'mqtt'
import { Aggregator, type AggregatorInit } from '../src/index.js'

import { sleep } from './host-support.js'

export { sleep }

/** Polls `probe` (sync or async) every 20 ms until it gives something other than undefined/false. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** The example registry: hospital RXA, gateway gw-rxa-crit serves ICU bay A among others. */
export const EXAMPLE_REGISTRY = new URL('../../protocols/examples/region-north.yaml', import.meta.url).pathname

/** API tokens of the test config. */
export const VIEWER = { name: 'Vic Viewer', token: 'viewer-token-0123456789', role: 'viewer' } as const
export const ENGINEER = { name: 'Erin Engineer', token: 'engineer-token-0123456789', role: 'engineer' } as const

/** A temp folder with `aggregator.yaml` and `registry.yaml` (a copy the test may break). */
export interface TestDir {
  dir: string
  configFile: string
  registryFile: string
  /** The Sparkplug host id of the config: STATE is on `spBv1.0/STATE/<hostId>`. */
  hostId: string
  remove(): Promise<void>
}

/** Writes the config (store block as YAML flow text) and copies the registry. */
export async function makeDir(brokerUrl: string, store: string, extra = ''): Promise<TestDir> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-agg-'))
  const registryFile = join(dir, 'registry.yaml')
  await copyFile(EXAMPLE_REGISTRY, registryFile)
  const configFile = join(dir, 'aggregator.yaml')
  const hostId = `rhn-agg-test-${process.pid}-${++seq}`
  await writeFile(join(dir, 'tokens.yaml'), `- { name: ${ENGINEER.name}, token: ${ENGINEER.token}, role: ${ENGINEER.role} }\n`)
  await writeFile(
    configFile,
    [
      'mode: hospital',
      'hospitalId: RXA',
      'registry: ./registry.yaml',
      `mqtt: { url: '${brokerUrl}', clientId: ${hostId}, reconnect: { minMs: 100, maxMs: 400, jitter: 0 } }`,
      `sparkplug: { hostId: ${hostId}, reorderTimeoutMs: 300 }`,
      `store: ${store}`,
      'api:',
      '  host: 127.0.0.1',
      '  port: 0',
      `  tokens: [{ name: ${VIEWER.name}, token: ${VIEWER.token}, role: ${VIEWER.role} }]`,
      '  tokenFile: ./tokens.yaml',
      extra,
    ].join('\n'),
  )
  return { dir, configFile, registryFile, hostId, remove: () => rm(dir, { recursive: true, force: true }) }
}
let seq = 0

/** Starts an aggregator from the test folder's config, with short test timings. */
export async function startAggregator(t: TestDir, init: Partial<AggregatorInit> = {}): Promise<Aggregator> {
  const { readFile } = await import('node:fs/promises')
  const config = parseAggregatorConfig(await readFile(t.configFile, 'utf8'), t.configFile)
  const aggregator = new Aggregator({ config, baseDir: t.dir, host: { rebirthIntervalMs: 200, stopTimeoutMs: 1_000 }, registryDebounceMs: 50, heartbeatMs: 1_000, ...init })
  await aggregator.start()
  return aggregator
}

/** GET with the viewer token; JSON body. */
export async function api<T = unknown>(a: Aggregator, path: string, token: string = VIEWER.token): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, a.url), { headers: { authorization: `Bearer ${token}` } })
  const text = await res.text()
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : text) as T }
}

/** One sample of `/metrics` by name (first line that starts with it). */
export async function metric(a: Aggregator, name: string): Promise<number> {
  const { body } = await api<string>(a, '/metrics')
  const line = body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  if (line === undefined) throw new Error(`no metric ${name} in /metrics`)
  return Number(line.slice(line.lastIndexOf(' ') + 1))
}

/** A metric of a simulated device. */
export interface GwMetric {
  name: string
  alias: number
  datatype: MetricDataType
  value: SparkplugValue
}

/** The devices of the simulated gateway: an ICU bed and a ventilator of bay A. */
export function icuDevices(): Map<string, GwMetric[]> {
  return new Map([
    ['rxa-icu-bay-a-bed-01', [{ name: 'Bed/Occupied', alias: 1, datatype: 'Boolean', value: true }]],
    [
      'rxa-icu-bay-a-vent-01',
      [
        { name: 'Status/OperatingMode', alias: 2, datatype: 'String', value: 'VC-CMV' },
        { name: 'Ventilation/PEEP', alias: 3, datatype: 'Float', value: 8 },
      ],
    ],
  ])
}

/**
 * gw-rxa-crit as an edge node: reconnects on its own and births on every new session (as the
 * Sparkplug spec wants of an edge node), answers rebirth commands, and records every timestamp it
 * sent per (device, metric) so a test can count what the store must hold.
 */
export class Gateway {
  readonly edgeNodeId = 'gw-rxa-crit'
  readonly groupId = 'RXA'
  readonly devices = icuDevices()
  /** `device/metric` → timestamps sent. */
  readonly sent = new Map<string, Set<number>>()
  rebirthCommands = 0
  /** Answer rebirth commands with births (a test turns it off to see the state before them). */
  answerRebirth = true
  #seq = 0
  #lastTs = 0

  private constructor(
    readonly client: MqttClient,
    readonly primaryHostId: string | undefined,
  ) {
    const stateTopic = primaryHostId === undefined ? undefined : `spBv1.0/STATE/${primaryHostId}`
    client.on('message', (topic, bytes) => {
      if (topic === stateTopic) {
        // [tck-id-operational-behavior-edge-node-birth-sequence-wait] with a primary host, birth once it is online.
        if (decodeState(bytes).online) void this.births().catch(() => undefined)
        return
      }
      if (decodePayload(bytes).metrics.some((m) => m.name === NODE_CONTROL_REBIRTH && m.value === true)) {
        this.rebirthCommands += 1
        if (this.answerRebirth) void this.births().catch(() => undefined)
      }
    })
    if (stateTopic === undefined) client.on('connect', () => void this.births().catch(() => undefined))
  }

  /**
   * Connects (reconnecting every 100 ms when the broker goes away). Without `primaryHostId` it births
   * on every connect; with it, whenever that host's STATE says online (so nothing is sent to nobody).
   */
  static async connect(url: string, opts: { primaryHostId?: string } = {}): Promise<Gateway> {
    const death = encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: 0 }] })
    const client = mqtt.connect(url, {
      clientId: `gw-rxa-crit-${process.pid}-${++seq}`,
      reconnectPeriod: 100,
      will: { topic: buildTopic({ kind: 'node', groupId: 'RXA', messageType: 'NDEATH', edgeNodeId: 'gw-rxa-crit' }), payload: Buffer.from(death), qos: 1, retain: false },
    })
    const gateway = new Gateway(client, opts.primaryHostId)
    const topics = [buildTopic({ kind: 'node', groupId: 'RXA', messageType: 'NCMD', edgeNodeId: 'gw-rxa-crit' })]
    if (opts.primaryHostId !== undefined) topics.push(`spBv1.0/STATE/${opts.primaryHostId}`)
    await client.subscribeAsync(topics, { qos: 1 })
    return gateway
  }

  /** A strictly increasing source timestamp, ms. */
  ts(): number {
    this.#lastTs = Math.max(Date.now(), this.#lastTs + 1)
    return this.#lastTs
  }

  #record(device: string, metric: string, ts: number): void {
    const key = `${device}/${metric}`
    let set = this.sent.get(key)
    if (set === undefined) this.sent.set(key, (set = new Set()))
    set.add(ts)
  }

  async #publish(type: 'NBIRTH' | 'DBIRTH' | 'DDATA', deviceId: string | undefined, metrics: SparkplugMetric[], seq?: number): Promise<void> {
    const s = seq ?? this.#seq
    if (seq === undefined) this.#seq = (this.#seq + 1) % 256
    const ids = { groupId: this.groupId, edgeNodeId: this.edgeNodeId }
    const topic = deviceId === undefined ? buildTopic({ kind: 'node', ...ids, messageType: 'NBIRTH' }) : buildTopic({ kind: 'device', ...ids, messageType: type as 'DDATA', deviceId })
    await this.client.publishAsync(topic, Buffer.from(encodePayload({ timestamp: Date.now(), seq: s, metrics })), { qos: 0 })
  }

  /** NBIRTH then a DBIRTH per device with its current values. */
  async births(bdSeq = 0): Promise<void> {
    this.#seq = 0
    await this.#publish('NBIRTH', undefined, [
      { name: 'bdSeq', datatype: 'UInt64', value: bdSeq },
      { name: NODE_CONTROL_REBIRTH, datatype: 'Boolean', value: false },
    ])
    for (const [device, metrics] of this.devices) {
      const ts = this.ts()
      for (const m of metrics) this.#record(device, m.name, ts)
      await this.#publish('DBIRTH', device, metrics.map((m) => ({ name: m.name, alias: m.alias, datatype: m.datatype, value: m.value, timestamp: ts })))
    }
  }

  /** DDATA of one device: `[name, value]` pairs by alias; returns the timestamp used. */
  async data(device: string, values: Record<string, SparkplugValue>, opts: { ts?: number; historical?: boolean; seq?: number } = {}): Promise<number> {
    const ts = opts.ts ?? this.ts()
    const born = this.devices.get(device)!
    const metrics: SparkplugMetric[] = Object.entries(values).map(([name, value]) => {
      const m = born.find((b) => b.name === name)!
      if (opts.historical !== true) m.value = value
      this.#record(device, name, ts)
      return { alias: m.alias, datatype: m.datatype, value, timestamp: ts, ...(opts.historical === true ? { isHistorical: true } : {}) }
    })
    await this.#publish('DDATA', device, metrics, opts.seq)
    return ts
  }

  /** Raw bytes on a topic of this node (garbage tests). */
  async raw(topic: string, bytes: Buffer): Promise<void> {
    await this.client.publishAsync(topic, bytes, { qos: 0 })
  }

  /** The next seq this gateway would use. */
  nextSeq(): number {
    return this.#seq
  }

  /** Skips a seq (publishes nothing for it): a message lost on the way. */
  skipSeq(): number {
    const s = this.#seq
    this.#seq = (s + 1) % 256
    return s
  }

  async close(): Promise<void> {
    await this.client.endAsync(true)
  }
}
