/**
 * What the bench's pipeline phases run (edge-agent/bench/throughput.ts): the agent's pipeline without
 * drivers (report by exception ▸ DiskOutbox ▸ SparkplugEdgeNode), a synthetic driver, a CPU/memory
 * probe, and the printed figures.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { DiskOutbox, ReportByException, SparkplugEdgeNode, type DeviceDescriptor, type Reading } from '@rhn/edge-agent'
import { HOST_ID } from './children.js'

/** The bench's logger (`RHN_BENCH_LOG` = pino level, default silent), to stderr. */
export const logger = pino({ level: process.env.RHN_BENCH_LOG ?? 'silent' }, pino.destination(2))

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
export const mb = (bytes: number): number => bytes / 2 ** 20

/** One printed figure with its target and the ratio (> 1 means better than the target). */
export function figure(label: string, value: number, unit: string, target?: { value: number; better: 'higher' | 'lower' }): void {
  let tail = ''
  if (target !== undefined) {
    const ratio = target.better === 'higher' ? value / target.value : target.value / Math.max(value, 1e-9)
    tail = `   target ${target.better === 'higher' ? '≥' : '≤'} ${fmt(target.value)} ${unit}, ratio ${ratio.toFixed(2)}× ${ratio >= 1 ? 'ok' : 'BELOW'}`
  }
  console.log(`  ${label.padEnd(34)} ${fmt(value, value < 100 ? 1 : 0).padStart(10)} ${unit}${tail}`)
}

/** What {@link probe} measured over its window. */
export interface Usage {
  cpuPercent: number
  /** CPU time used, s (user + system): on a shared machine, CPU per unit of work is steadier than rates. */
  cpuSeconds: number
  peakRssMb: number
  seconds: number
  /** `process.memoryUsage()` at the peak RSS sample, MB: where the memory was (heap, external, array buffers). */
  atPeak: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
}

/** Peak RSS (sampled every 200 ms, with its heap/external breakdown) and CPU of this process over a window. */
export function probe(): { stop: () => Usage } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let peak = process.memoryUsage()
  const sample = (): void => {
    const m = process.memoryUsage()
    if (m.rss > peak.rss) peak = m
  }
  const timer = setInterval(sample, 200)
  return {
    stop: () => {
      clearInterval(timer)
      sample()
      const seconds = (performance.now() - t0) / 1000
      const cpu = process.cpuUsage(cpu0)
      const cpuSeconds = (cpu.user + cpu.system) / 1e6
      const atPeak = { heapTotal: mb(peak.heapTotal), heapUsed: mb(peak.heapUsed), external: mb(peak.external), arrayBuffers: mb(peak.arrayBuffers) }
      return { cpuPercent: (cpuSeconds / seconds) * 100, cpuSeconds, peakRssMb: mb(peak.rss), seconds, atPeak }
    },
  }
}

/**
 * Prints the agent's CPU per unit of work and what that makes on one whole core: on a 2-core machine
 * shared with other jobs the agent gets a varying share of a core, so rates vary far more than this.
 */
export function cpuPerUnit(usage: Usage, units: number, unit: string): void {
  const us = (usage.cpuSeconds * 1e6) / Math.max(units, 1)
  figure(`agent CPU per ${unit}`, us, 'µs')
  figure(`  = ${unit}s per agent CPU-second`, 1e6 / us, `${unit}s/s`)
}

/** Prints the heap/external breakdown of a peak RSS. */
export function memoryBreakdown(usage: Usage): void {
  const p = usage.atPeak
  console.log(`  (at peak RSS: V8 heap ${fmt(p.heapUsed)} MB used of ${fmt(p.heapTotal)} MB, external ${fmt(p.external)} MB of which array buffers ${fmt(p.arrayBuffers)} MB)`)
}

const METRICS = ['Ventilation/PEEP', 'Ventilation/FiO2', 'Ventilation/RespRate', 'Ventilation/TidalVolume', 'Ventilation/MinuteVolume', 'Ventilation/PeakPressure', 'Ventilation/PlateauPressure', 'Bed/Weight', 'Bed/HeadAngle', 'Bed/Temperature']

/** `count` devices with `metrics` Double metrics each. */
export function syntheticDevices(count: number, metrics: number): DeviceDescriptor[] {
  return Array.from({ length: count }, (_, i) => ({ id: `dev-${String(i).padStart(5, '0')}`, metrics: METRICS.slice(0, metrics).map((name) => ({ name, datatype: 'Double' as const })) }))
}

/**
 * What EdgeAgent builds around its drivers, from the package's public parts: report by exception, one
 * outbox append per event-loop tick (group commit), `notify()` to the edge node.
 */
export class Pipeline {
  private pending: Reading[] = []
  private scheduled = false
  private constructor(
    readonly outbox: DiskOutbox,
    readonly node: SparkplugEdgeNode,
    private readonly rbe: ReportByException,
    readonly dir: string,
  ) {}

  static async open(url: string, devices: DeviceDescriptor[], replayRateMsgsPerS = 5_000): Promise<Pipeline> {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-bench-pipeline-'))
    const outbox = await DiskOutbox.open({ dir: join(dir, 'outbox'), logger })
    const node = new SparkplugEdgeNode({
      gateway: { groupId: 'RZZ', edgeNodeId: 'gw-bench' },
      mqtt: { url, reconnect: { minMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
      sparkplug: { primaryHostId: HOST_ID, bdSeqFile: join(dir, 'bdseq') },
      replayRateMsgsPerS,
      outbox,
      devices: () => devices,
      lastValue: () => undefined,
      logger,
      now: Date.now,
    })
    const rbe = new ReportByException({ defaults: { deadbandAbsolute: 0, deadbandPercent: 0, maxSilenceMs: 60_000 } }, { now: Date.now })
    await node.start()
    return new Pipeline(outbox, node, rbe, dir)
  }

  push(readings: readonly Reading[]): void {
    this.rbe.filter(readings, this.pending)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => void this.flush())
  }

  async flush(): Promise<void> {
    this.scheduled = false
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    await this.outbox.append(batch)
    this.node.notify()
  }

  async close(): Promise<void> {
    await this.flush()
    await this.node.stop()
    await this.outbox.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * A synthetic driver: `rate` readings/s round-robin over every metric of `devices`, each value new (so
 * report by exception passes it), stamped with the wall clock as a device's source timestamp would be.
 * Stops offering while the outbox holds more than `maxBacklog` readings (the pipeline is saturated).
 */
export function drive(pipe: Pipeline, devices: DeviceDescriptor[], rate: number, maxBacklog = 100_000): { stop: () => { offered: number; shed: number } } {
  const perDevice = devices[0]!.metrics.length
  const start = performance.now()
  let k = 0
  let due = 0
  let shed = 0
  const timer = setInterval(() => {
    const target = Math.floor((rate * (performance.now() - start)) / 1000)
    const n = target - due
    due = target
    if (pipe.outbox.stats().pendingReadings > maxBacklog) return void (shed += n)
    const now = Date.now()
    const batch: Reading[] = new Array<Reading>(n)
    for (let i = 0; i < n; i++, k++) {
      const d = devices[Math.floor(k / perDevice) % devices.length]!
      batch[i] = { device: d.id, metric: d.metrics[k % perDevice]!.name, value: k / 8, timestamp: now }
    }
    pipe.push(batch)
  }, 5)
  return { stop: () => (clearInterval(timer), { offered: k, shed }) }
}

/** Polls `ok` every 5 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = performance.now() + ms
  while (!(await ok())) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}
