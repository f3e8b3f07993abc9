/**
 * End-to-end ingest benchmark (issue 5 "Speed"), run by `make bench`:
 *   node --import tsx --conditions=rhn-source aggregator/bench/ingest.ts
 * Real Mosquitto and influxd on loopback. For each store backend (sqlite, influxdb) a whole
 * Aggregator runs; a publisher in a child process (its own core) plays gw-rxa-crit, births every
 * device of it in the example registry, then sends DDATA at full speed (QoS 1, many metrics per
 * message, as STACK.md advises). Measured: points/s from the first DDATA until the store holds the
 * last point (1 point = 1 line = one asset at one timestamp), and in the same run the raw ingest of
 * the same points into the same influxd in 5,000-line batches; then the latency from a device value
 * (its source timestamp) to its `/api/stream` event at ~10,000 values/s; RSS. Figures are printed, never asserted.
 * Also printed, to tell where a shortfall comes from: the broker's own delivery rate to a bare
 * mqtt.js subscriber (same messages, same broker settings, nothing else running), the time the last
 * message reached the host and the store, and this process's CPU time per point (the publisher runs
 * in its own process, so this is the aggregator's CPU), the event-loop delay, and the CPU seconds each
 * process (and everything else on the machine) used in the phase, read from /proc.
 *
 * What limits it (2 cores, Node 20, influxdb, 200,000 points; machine shared with other work):
 * per point the phase costs the aggregator ~6.5-8 us of CPU (mqtt.js ~1.8, store check + line
 * protocol ~1.5-2, twin ~1, Sparkplug decode ~0.8 since @rhn/protocols reads the wire format itself
 * (~3 on Tahu's generated classes), GC ~0.8), influxd ~5, the publisher ~4 and mosquitto ~0.75:
 * ~16-17 us of machine CPU a point, against ~6 for raw ingest. On 2 cores that caps end-to-end
 * ingest near 115,000-125,000 points/s with nothing else running; with other work on the machine
 * the rate (and the raw rate it is compared with) moves by 2x between runs, so read the µs/point
 * and the per-process CPU seconds next to the rates. Before the fixes of issue 5's speed work the
 * host also starved its own InfluxDB writes (no event-loop turn for up to ~1 s).
 *
 * Env: RHN_BENCH_POINTS (default 200,000 points per backend), RHN_BENCH_LATENCY_S (default 5),
 * RHN_BENCH_BACKENDS (default `sqlite,influxdb`), RHN_BENCH_INFLIGHT (Mosquitto's max_inflight_messages,
 * default 100), RHN_BENCH_PROFILE (a folder: writes a CPU profile of each throughput phase there).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { type Component, NODE_CONTROL_REBIRTH, buildTopic, encodePayload, parseAggregatorConfig, parseRegistry, type SparkplugMetric } from '@rhn/protocols'
import { startInfluxd, startMosquitto } from '@rhn/test/harness'
import mqtt from 'mqtt'
import { Aggregator, type TelemetryPoint } from '../src/index.js'
import { LineEncoder } from '../src/store/influxdb/line-protocol.js'
import { cpuSnapshot, startProfile } from './support/machine.js'

const POINTS = Number(process.env.RHN_BENCH_POINTS ?? 200_000)
const LATENCY_S = Number(process.env.RHN_BENCH_LATENCY_S ?? 5)
/** Samples (timestamps) per DDATA and metrics per sample: 10 points of 5 values in one message. */
const SAMPLES = 10
const FIELDS = 5
/** The target: ≥ 100,000 points/s into InfluxDB or ≥ 80 % of raw InfluxDB ingest, whichever is lower; p99 ≤ 250 ms. */
const TARGET_POINTS_S = 100_000
const TARGET_RATIO = 0.8
const TOKEN = 'bench-token-0123456789'
const GROUP = 'RXA'
/** The group of the broker-only measurement: no aggregator subscribes to it. */
const BARE_GROUP = 'BENCHBARE'
const NODE = 'gw-rxa-crit'

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface Message {
  topic: string
  payload: Uint8Array
  /** Send no earlier than this (paced phase), ms since 1970. */
  at?: number
}

// The publisher: plain CommonJS in a child process, so it runs on its own core and its CPU is not
// counted as the aggregator's; it only sends pre-encoded bytes. Births first (the parent says when
// the aggregator has them), then the messages with up to 2,000 PUBLISHes awaiting their PUBACK.
const PUBLISHER = `
const mqtt = require(process.argv[1])
const ask = (m) => new Promise((resolve) => { process.once('message', resolve); process.send(m) })
;(async () => {
  const work = await ask({ ready: true })
  const client = await mqtt.connectAsync(work.url, { clientId: 'bench-' + process.pid + '-' + Date.now(), reconnectPeriod: 0 })
  for (const m of work.births) await client.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 })
  await ask({ born: true })
  const start = Date.now()
  const pending = new Set()
  for (const m of work.messages) {
    if (m.at !== undefined) { const wait = m.at - Date.now(); if (wait > 0) await new Promise((r) => setTimeout(r, wait)) }
    const p = client.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 })
    pending.add(p); p.finally(() => pending.delete(p))
    if (pending.size >= 2000) await Promise.race(pending)
  }
  await Promise.all(pending)
  await client.endAsync()
  const cpu = process.cpuUsage()
  process.send({ sent: work.messages.length, ms: Date.now() - start, cpuS: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0))
})().catch((err) => process.send({ error: String(err && err.stack || err) }, () => process.exit(1)))
`

const registryFile = new URL('../../protocols/examples/region-north.yaml', import.meta.url).pathname
const devices: Component[] = parseRegistry(await readFile(registryFile, 'utf8'), registryFile)
  .hospitals.find((h) => h.id === GROUP)!
  .units.flatMap((u) => u.sections.flatMap((s) => s.components))
  .filter((c) => c.binding.gateway === NODE)
const fieldName = (f: number): string => `Bench/Value${f + 1}`
const alias = (d: number, f: number): number => d * FIELDS + f + 1

function births(): Message[] {
  const out: Message[] = [
    {
      topic: buildTopic({ kind: 'node', groupId: GROUP, messageType: 'NBIRTH', edgeNodeId: NODE }),
      payload: encodePayload({ timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: 0 }, { name: NODE_CONTROL_REBIRTH, datatype: 'Boolean', value: false }] }),
    },
  ]
  devices.forEach((c, d) => {
    const metrics: SparkplugMetric[] = Array.from({ length: FIELDS }, (_, f) => ({ name: fieldName(f), alias: alias(d, f), datatype: 'Double', value: 0, timestamp: Date.now() - 86_400_000 }))
    out.push({ topic: buildTopic({ kind: 'device', groupId: GROUP, messageType: 'DBIRTH', edgeNodeId: NODE, deviceId: c.binding.device }), payload: encodePayload({ timestamp: Date.now(), seq: d + 1, metrics }) })
  })
  return out
}

/** DDATA messages: device round-robin, `samples` timestamps each, seq continuing after the births. */
function ddata(count: number, samples: number, t0: number, paced?: { base: number; perSecond: number }): { messages: Message[]; points: TelemetryPoint[] } {
  const messages: Message[] = []
  const points: TelemetryPoint[] = []
  for (let i = 0; i < count; i++) {
    const d = i % devices.length
    const c = devices[d]!
    const metrics: SparkplugMetric[] = []
    const at = paced === undefined ? undefined : paced.base + Math.floor((i * 1000) / paced.perSecond)
    for (let s = 0; s < samples; s++) {
      // Distinct per device: the message index is unique and each message carries `samples` ms.
      const timestamp = at ?? t0 + i * samples + s
      const fields: Record<string, number> = {}
      for (let f = 0; f < FIELDS; f++) {
        const value = ((i + s + f) % 1000) / 10
        metrics.push({ alias: alias(d, f), datatype: 'Double', value, timestamp })
        fields[fieldName(f)] = value
      }
      points.push({ tags: { region: 'north', hospital: GROUP, unit: c.unitId, section: c.sectionId, asset: c.id, kind: c.kind }, fields, timestamp })
    }
    const seq = (devices.length + 1 + i) % 256
    messages.push({ topic: buildTopic({ kind: 'device', groupId: GROUP, messageType: 'DDATA', edgeNodeId: NODE, deviceId: c.binding.device }), payload: encodePayload({ timestamp: at ?? t0, seq, metrics }), ...(at === undefined ? {} : { at }) })
  }
  return { messages, points }
}

/** Runs a publisher process: births, then (once `born` resolves) the messages. */
async function publish(url: string, msgs: Message[], born: () => Promise<void>, group = GROUP): Promise<{ sent: number; ms: number; cpuS: number }> {
  const retopic = (m: Message): Message => (group === GROUP ? m : { ...m, topic: m.topic.replace(`/${GROUP}/`, `/${group}/`) })
  const mqttPath = createRequire(import.meta.url).resolve('mqtt')
  const child = spawn(process.execPath, ['-e', PUBLISHER, mqttPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
  try {
    return await new Promise((resolve, reject) => {
      child.on('error', reject)
      child.on('exit', (code) => reject(new Error(`publisher exited with ${code} before reporting`)))
      child.on('message', (m: { ready?: boolean; born?: boolean; sent?: number; ms?: number; cpuS?: number; error?: string }) => {
        if (m.error !== undefined) reject(new Error(m.error))
        else if (m.ready === true) child.send({ url, births: births().map(retopic), messages: msgs.map(retopic) })
        else if (m.born === true) born().then(() => child.send('go'), reject)
        else if (m.sent !== undefined) resolve({ sent: m.sent, ms: m.ms ?? 0, cpuS: m.cpuS ?? 0 })
      })
    })
  } finally {
    if (child.exitCode === null) child.kill()
  }
}

async function startAggregator(dir: string, brokerUrl: string, store: string): Promise<Aggregator> {
  await writeFile(join(dir, 'registry.yaml'), await readFile(registryFile))
  const text = [
    'hospitalId: RXA',
    'registry: ./registry.yaml',
    `mqtt: { url: '${brokerUrl}', clientId: bench-agg-${process.pid}-${Date.now()} }`,
    `sparkplug: { hostId: bench-agg-${process.pid} }`,
    `store: ${store}`,
    `api: { host: 127.0.0.1, port: 0, tokens: [{ name: bench, token: ${TOKEN}, role: viewer }] }`,
  ].join('\n')
  const aggregator = new Aggregator({ config: parseAggregatorConfig(text), baseDir: dir, host: { rebirthIntervalMs: 60_000 } })
  await aggregator.start()
  for (let i = 0; i < 500 && aggregator.host?.stats().connected !== true; i++) await sleep(10)
  return aggregator
}

const lastDevice = (): string => devices[devices.length - 1]!.id

interface Throughput {
  rate: number
  points: TelemetryPoint[]
  publishRate: number
  /** Seconds from the first DDATA until the host had every message, the store every point, InfluxDB every point. */
  hostS: number
  submittedS: number
  writtenS: number
  /** This process's CPU (user + system) per point, µs: the aggregator's, plus the bench's polling. */
  cpuUsPerPoint: number
  /** CPU seconds used during the phase by each process, and by the whole machine. */
  cpu: Record<string, number>
  /** Event-loop delay during the phase, ms: how long a due timer or I/O callback waited. */
  loopDelay: { p50: number; p99: number; max: number }
}

/** Throughput of MQTT ▸ twin ▸ store: from the first DDATA until the store wrote the last point. */
async function throughput(agg: Aggregator, brokerUrl: string, count: number, label: string, pids: Record<string, number>): Promise<Throughput> {
  const { messages, points } = ddata(count, SAMPLES, Date.now() - 3_600_000)
  const written0 = agg.store!.stats().writtenPoints
  const received = (): number => agg.host!.stats().messages
  // `/metrics` text sums the twin's rollups: reading it every few ms would measure that, so only
  // once every message is in; until then the host's message counter (a field read) is polled.
  const submitted = (): number => Number(/^rhn_aggregator_store_submitted_points_total (\d+)$/m.exec(agg.metrics())?.[1] ?? 0)
  const submitted0 = submitted()
  let start = 0
  let received0 = 0
  let cpu0 = process.cpuUsage()
  let snap0: Record<string, number> = {}
  const delay = monitorEventLoopDelay({ resolution: 5 })
  const profiler = await startProfile()
  const published = await publish(brokerUrl, messages, async () => {
    for (let i = 0; i < 1000 && agg.twin?.asset(lastDevice())?.online !== true; i++) await sleep(10)
    received0 = received()
    snap0 = await cpuSnapshot(pids)
    delay.enable()
    cpu0 = process.cpuUsage()
    start = performance.now()
  })
  // Births are points too (one per device). Wait until the twin handed every point to the store, then
  // flush once: flushing while polling would force small batches and measure that instead.
  const expected = points.length + devices.length
  // A point lost on the way would make these wait forever: give up after 5 minutes and say so.
  const deadline = Date.now() + 300_000
  while (received() - received0 < messages.length && Date.now() < deadline) await sleep(5)
  const hostAt = performance.now()
  while (submitted() - submitted0 < expected && Date.now() < deadline) await sleep(5)
  const submittedAt = performance.now()
  await agg.store!.flush().catch(() => undefined)
  while (agg.store!.stats().writtenPoints - written0 < expected && Date.now() < deadline) await sleep(2)
  if (Date.now() >= deadline) console.log(`note: only ${submitted() - submitted0} of ${expected} points reached the store; the rate below is wrong`)
  const end = performance.now()
  const cpu = process.cpuUsage(cpu0)
  delay.disable()
  const snap = await cpuSnapshot(pids)
  await profiler?.(label)
  const s = (at: number): number => (at - start) / 1000
  return {
    rate: points.length / s(end),
    points,
    publishRate: published.sent / (published.ms / 1000),
    hostS: s(hostAt),
    submittedS: s(submittedAt),
    writtenS: s(end),
    cpuUsPerPoint: (cpu.user + cpu.system) / points.length,
    loopDelay: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
    cpu: { ...Object.fromEntries(Object.keys(snap).map((k) => [k, snap[k]! - snap0[k]!])), publisher: published.cpuS },
  }
}

/**
 * The broker's own delivery rate: the same messages (under another group, so no aggregator sees
 * them) to a bare mqtt.js subscriber at QoS 1 that does nothing but count; the ceiling any host on
 * mqtt.js can reach with this broker configuration on this machine.
 */
async function brokerCeiling(brokerUrl: string, count: number): Promise<{ msgPerS: number; pointsPerS: number; cpuUsPerPoint: number }> {
  const { messages } = ddata(count, SAMPLES, Date.now() - 3_600_000)
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `bench-bare-${process.pid}`, reconnectPeriod: 0 })
  await client.subscribeAsync(`spBv1.0/${BARE_GROUP}/DDATA/#`, { qos: 1 })
  let got = 0
  let first = 0
  let last = 0
  client.on('message', () => {
    if (got++ === 0) first = performance.now()
    last = performance.now()
  })
  const cpu0 = process.cpuUsage()
  await publish(brokerUrl, messages, () => Promise.resolve(), BARE_GROUP)
  const deadline = Date.now() + 60_000
  while (got < messages.length && Date.now() < deadline) await sleep(5)
  const cpu = process.cpuUsage(cpu0)
  await client.endAsync()
  const msgPerS = (got - 1) / ((last - first) / 1000)
  return { msgPerS, pointsPerS: msgPerS * SAMPLES, cpuUsPerPoint: (cpu.user + cpu.system) / (got * SAMPLES) }
}

async function rawIngest(url: string, points: readonly TelemetryPoint[]): Promise<number> {
  await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE rhn_raw_bench' }) })
  const encoder = new LineEncoder()
  const lines = points.map((p) => encoder.line({ tags: p.tags, fields: Object.entries(p.fields), timestamp: p.timestamp }))
  const bodies: string[] = []
  for (let i = 0; i < lines.length; i += 5_000) bodies.push(lines.slice(i, i + 5_000).join('\n'))
  const start = performance.now()
  for (const body of bodies) {
    const res = await fetch(`${url}/write?db=rhn_raw_bench&precision=ms`, { method: 'POST', body })
    if (res.status !== 204) throw new Error(`raw write failed: HTTP ${res.status} ${await res.text()}`)
  }
  return points.length / ((performance.now() - start) / 1000)
}

/** Latency device value ▸ /api/stream event at `perSecond` values/s (1 sample of FIELDS values per message). */
async function latency(agg: Aggregator, brokerUrl: string, valuesPerSecond: number): Promise<{ p50: number; p99: number; events: number }> {
  const perSecond = valuesPerSecond / FIELDS
  const { messages } = ddata(Math.round(perSecond * LATENCY_S), 1, 0, { base: Date.now() + 3_000, perSecond })
  const abort = new AbortController()
  const res = await fetch(new URL(`/api/stream?access_token=${TOKEN}`, agg.url), { signal: abort.signal })
  const samples: number[] = []
  const reading = (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = Date.now()
        buffer += decoder.decode(chunk, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          if (!event.startsWith('event: value')) continue
          const data = event.slice(event.indexOf('data: ') + 6)
          const e = JSON.parse(data) as { metric: string; value: { timestamp: number } }
          if (e.metric.startsWith('Bench/')) samples.push(now - e.value.timestamp)
        }
      }
    } catch {
      // aborted
    }
  })()
  await publish(brokerUrl, messages, async () => {
    for (let i = 0; i < 1000 && agg.twin?.asset(lastDevice())?.online !== true; i++) await sleep(10)
  })
  await sleep(1_000)
  abort.abort()
  await reading
  // The births' values (a day old) are not part of the measurement.
  const live = samples.filter((s) => s < 60_000).sort((a, b) => a - b)
  const q = (p: number): number => live[Math.min(live.length - 1, Math.floor(p * live.length))] ?? Number.NaN
  return { p50: q(0.5), p99: q(0.99), events: live.length }
}

const BACKENDS = (process.env.RHN_BENCH_BACKENDS ?? 'sqlite,influxdb').split(',')

function describe(name: string, t: Throughput): string {
  const d = t.loopDelay
  const stages = `host had every message at ${t.hostS.toFixed(2)} s, store every point at ${t.submittedS.toFixed(2)} s, written at ${t.writtenS.toFixed(2)} s; event-loop delay p50 ${d.p50.toFixed(0)} / p99 ${d.p99.toFixed(0)} / max ${d.max.toFixed(0)} ms`
  const c = t.cpu
  const others = (c.machine ?? 0) - (c.aggregator ?? 0) - (c.mosquitto ?? 0) - (c.influxd ?? 0) - (c.publisher ?? 0)
  const cpu = `CPU s in the phase: aggregator ${c.aggregator?.toFixed(2)}, mosquitto ${c.mosquitto?.toFixed(2)}, influxd ${c.influxd?.toFixed(2)}, publisher ${c.publisher?.toFixed(2)}, anything else ${others.toFixed(2)}; machine ${c.machine?.toFixed(2)} of ${(t.writtenS * cpus().length).toFixed(2)}`
  return `${name.padEnd(9)}: MQTT > twin > store ${fmt(t.rate)} points/s, ${t.cpuUsPerPoint.toFixed(1)} µs CPU/point (${stages}; publisher ${fmt(t.publishRate)} msg/s; rss ${mib(process.memoryUsage.rss())})\n           ${cpu}`
}

async function main(): Promise<void> {
  const messages = Math.ceil(POINTS / SAMPLES)
  const broker = await startMosquitto({ maxQueuedMessages: messages * 2, maxInflightMessages: Number(process.env.RHN_BENCH_INFLIGHT ?? 100) })
  const influxd = await startInfluxd()
  const dir = await mkdtemp(join(tmpdir(), 'rhn-bench-ingest-'))
  let peakRss = 0
  const rss = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()))
  console.log(`${devices.length} devices of ${NODE}; ${fmt(messages)} DDATA per backend, each ${SAMPLES} points x ${FIELDS} values, QoS 1`)
  try {
    const bare = await brokerCeiling(broker.url, messages)
    console.log(`broker   : bare mqtt.js subscriber at QoS 1 receives ${fmt(bare.msgPerS)} msg/s = ${fmt(bare.pointsPerS)} points/s, ${bare.cpuUsPerPoint.toFixed(1)} µs CPU/point (the ceiling of any mqtt.js host here)`)
    if (BACKENDS.includes('sqlite')) {
      const sqliteDir = join(dir, 'sqlite')
      await mkdir(sqliteDir, { recursive: true })
      const sqlite = await startAggregator(sqliteDir, broker.url, '{ type: sqlite, path: ./telemetry.sqlite }')
      const s = await throughput(sqlite, broker.url, messages, 'sqlite', { mosquitto: broker.pid, influxd: influxd.pid })
      rss()
      console.log(describe('sqlite', s))
      await sqlite.stop()
    }
    if (!BACKENDS.includes('influxdb')) return

    const influxDir = join(dir, 'influxdb')
    await mkdir(influxDir, { recursive: true })
    const influx = await startAggregator(influxDir, broker.url, `{ type: influxdb, url: '${influxd.url}', database: rhn_bench, spill: { dir: ./spill } }`)
    const i = await throughput(influx, broker.url, messages, 'influxdb', { mosquitto: broker.pid, influxd: influxd.pid })
    rss()
    const raw = await rawIngest(influxd.url, i.points)
    console.log(describe('influxdb', i))
    console.log(`influxdb : raw ingest of the same points, 5,000-line batches: ${fmt(raw)} points/s`)
    const ratio = i.rate / raw
    const target = Math.min(TARGET_POINTS_S, TARGET_RATIO * raw)
    console.log(`influxdb : ratio ${(ratio * 100).toFixed(0)} % of raw; target ${fmt(target)} points/s (min of 100,000/s, 80 % of raw): ${i.rate >= target ? 'met' : 'NOT met'}`)

    if (LATENCY_S > 0) {
      const l = await latency(influx, broker.url, 10_000)
      rss()
      console.log(`latency  : device value > /api/stream event at ~10,000 values/s (${fmt(10_000 / FIELDS)} DDATA/s x ${FIELDS}): p50 ${l.p50} ms, p99 ${l.p99} ms over ${fmt(l.events)} events (target p99 <= 250 ms: ${l.p99 <= 250 ? 'met' : 'NOT met'})`)
    }
    await influx.stop()
    console.log(`peak RSS ${mib(peakRss)} (aggregator, SSE client and the encoded messages in one process; the publisher is a child process)`)
  } finally {
    await influxd.close()
    await broker.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
