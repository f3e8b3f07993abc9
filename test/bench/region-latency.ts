/**
 * Bed occupied in a simulator ▸ shown in the region view (issue 7 "Speed": p99 ≤ 2 s with default
 * snapshot periods), run by `make bench`:
 *   node --import tsx --conditions=rhn-source test/bench/region-latency.ts
 * The whole system of test/support/system.ts (simulated RXB and RXC on a manual clock ▸ rhn-edge ▸
 * Mosquitto ▸ hospital aggregators ▸ InfluxDB and ▸ four ledger nodes, quorum 3 ▸ the regional
 * aggregator), with the ledger link as shipped: `snapshotPeriodS` 60 s, `minIntervalMs` 500 ms,
 * the region's `pollMs` 500 ms (config defaults). The virtual clock moves 1 s at a time; when a
 * hospital's occupied beds change in the simulator, the clock stops and the wall time is taken; then
 * every 10 ms the bench reads the hospital twin, the confirmed feed of the node the region reads,
 * and the region view, until the region shows the new figure. Each change is one sample: p50/p99 of
 * the whole path and of its three stages (sim ▸ hospital twin, twin ▸ confirmed on the region's node,
 * confirmed ▸ region view). Figures are printed against the target, never asserted.
 *
 * Env: RHN_BENCH_REGION_SAMPLES (default 100), RHN_BENCH_REGION_ADMISSIONS (scenario admissions per
 * hour per hospital, default 240 as the e2e test), RHN_BENCH_REGION_TIMEOUT_S (give up on one
 * sample after this, default 30), RHN_TEST_LOG (a pino level: logs of every component).
 */
import type { ConfirmedTx } from '@rhn/protocols'
import { startSystem, type RhnSystem } from '../support/system.js'

const SAMPLES = Number(process.env.RHN_BENCH_REGION_SAMPLES ?? 100)
const ADMISSIONS = Number(process.env.RHN_BENCH_REGION_ADMISSIONS ?? 240)
const TIMEOUT_MS = Number(process.env.RHN_BENCH_REGION_TIMEOUT_S ?? 30) * 1_000
const HOSPITALS = ['RXB', 'RXC']
/** Virtual time per step, ms, and the real pause after it (devices and agents answer in between). */
const STEP_MS = 1_000
const STEP_PAUSE_MS = 20
const POLL_MS = 10
const TARGET_P99_MS = 2_000

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const fmtMs = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${Math.round(n).toLocaleString('en-US')} ms`)
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

const simBeds = (sys: RhnSystem, h: string): number => sys.sim.snapshots().find((s) => s.hospitalId === h)!.units.reduce((n, u) => n + u.beds.occupied, 0)
const twinBeds = (sys: RhnSystem, h: string): number | undefined => sys.aggregators.get(h)?.twin?.capacity('hospital', h)?.beds.occupied
const regionBeds = (sys: RhnSystem, h: string): number | undefined => sys.region.twin?.hospital(h)?.beds.occupied

/** Reads the region's node's confirmed feed from a cursor: the newest confirmed occupancy per hospital. */
class ConfirmedReader {
  #after = 0
  readonly latest = new Map<string, { beds: number; takenAt: number }>()
  constructor(private readonly sys: RhnSystem) {}

  /** Pages on from the cursor; returns the snapshots that arrived. */
  async read(): Promise<ConfirmedTx[]> {
    const got: ConfirmedTx[] = []
    for (;;) {
      const page = await this.sys.regionNode.client.confirmed(this.#after, 1_000)
      for (const item of page.items) {
        if (item.tx.kind !== 'capacity-snapshot') continue
        const prev = this.latest.get(item.tx.hospital)
        if (prev === undefined || item.tx.takenAt >= prev.takenAt) this.latest.set(item.tx.hospital, { beds: item.tx.units.reduce((n, u) => n + u.beds.occupied, 0), takenAt: item.tx.takenAt })
        got.push(item)
      }
      this.#after = page.next
      if (page.items.length < 1_000) return got
    }
  }
}

interface Sample {
  hospital: string
  from: number
  to: number
  twinMs?: number
  confirmedMs?: number
  regionMs?: number
}

/** Waits until every layer shows the simulator's figure for each hospital (the start). */
async function settled(sys: RhnSystem, reader: ConfirmedReader, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    await reader.read()
    if (HOSPITALS.every((h) => twinBeds(sys, h) === simBeds(sys, h) && reader.latest.get(h)?.beds === simBeds(sys, h) && regionBeds(sys, h) === simBeds(sys, h))) return
    if (Date.now() > end) throw new Error(`layers disagree after ${timeoutMs} ms: ${JSON.stringify(HOSPITALS.map((h) => ({ h, sim: simBeds(sys, h), twin: twinBeds(sys, h), ledger: reader.latest.get(h)?.beds, region: regionBeds(sys, h) })))}`)
    await sleep(100)
  }
}

/**
 * Virtual seconds without any occupancy change that end a round: stays last days, so once the
 * scenario's admissions have filled every free bed nothing changes for hours of virtual time.
 */
const MAX_QUIET_STEPS = 180

/** Advances the clock a step at a time until some hospital's occupied beds change; undefined once the beds are full. */
async function nextChange(sys: RhnSystem): Promise<{ samples: Sample[]; t0: number; steps: number } | undefined> {
  const before = new Map(HOSPITALS.map((h) => [h, simBeds(sys, h)]))
  for (let steps = 1; steps <= MAX_QUIET_STEPS; steps++) {
    sys.clock.advance(STEP_MS)
    const t0 = performance.now()
    const samples = HOSPITALS.flatMap((h) => (simBeds(sys, h) === before.get(h) ? [] : [{ hospital: h, from: before.get(h)!, to: simBeds(sys, h) }]))
    if (samples.length > 0) return { samples, t0, steps }
    await sleep(STEP_PAUSE_MS)
  }
  return undefined
}

/** Polls every layer each 10 ms until the region shows each sample's figure (the clock stays still). */
async function follow(sys: RhnSystem, reader: ConfirmedReader, samples: Sample[], t0: number): Promise<void> {
  const end = t0 + TIMEOUT_MS
  while (samples.some((s) => s.regionMs === undefined) && performance.now() < end) {
    await reader.read()
    const at = performance.now() - t0
    for (const s of samples) {
      if (s.twinMs === undefined && twinBeds(sys, s.hospital) === s.to) s.twinMs = at
      if (s.confirmedMs === undefined && reader.latest.get(s.hospital)?.beds === s.to) s.confirmedMs = at
      if (s.regionMs === undefined && regionBeds(sys, s.hospital) === s.to) s.regionMs = at
    }
    await sleep(POLL_MS)
  }
}

function row(name: string, xs: number[]): string[] {
  return [name, String(xs.length), fmtMs(quantile(xs, 0.5)), fmtMs(quantile(xs, 0.99)), fmtMs(xs.length === 0 ? undefined : Math.max(...xs))]
}

const samples: Sample[] = []
let steps = 0
let rounds = 0
/**
 * One round: a fresh system, samples until its beds are full (then a new round starts, since a
 * full hospital changes only by discharges days apart in virtual time).
 */
async function round(): Promise<void> {
  const t0 = performance.now()
  const sys = await startSystem({ hospitals: HOSPITALS, extraMembers: ['RXA', 'RXD'], admissionsPerHour: ADMISSIONS, configDefaults: true })
  rounds += 1
  try {
    const reader = new ConfirmedReader(sys)
    await settled(sys, reader, 180_000)
    console.log(`round ${rounds}: system up and agreeing in ${fmtMs(performance.now() - t0)} (admissions ${ADMISSIONS}/h per hospital, ${STEP_MS / 1000} s virtual steps)`)
    while (samples.length < SAMPLES) {
      const change = await nextChange(sys)
      if (change === undefined) {
        console.log(`  beds full: no change in ${MAX_QUIET_STEPS} virtual seconds (${HOSPITALS.map((h) => `${h} ${simBeds(sys, h)}`).join(', ')} occupied)`)
        return
      }
      steps += change.steps
      await follow(sys, reader, change.samples, change.t0)
      for (const s of change.samples.filter((x) => x.regionMs === undefined)) {
        console.log(`  timeout: ${s.hospital} ${s.from} ▸ ${s.to} beds; after ${TIMEOUT_MS / 1000} s simulator ${simBeds(sys, s.hospital)}, twin ${twinBeds(sys, s.hospital)} (${fmtMs(s.twinMs)}), confirmed ${reader.latest.get(s.hospital)?.beds} (${fmtMs(s.confirmedMs)}), region ${regionBeds(sys, s.hospital)}`)
      }
      samples.push(...change.samples)
      if (samples.length % 20 < change.samples.length) console.log(`  ${samples.length} samples, ${steps} virtual seconds, ${fmtMs(performance.now() - t0)} since the round started`)
    }
  } finally {
    await sys.stop()
  }
}

while (samples.length < SAMPLES) {
  const before = samples.length
  await round()
  if (samples.length === before) throw new Error('a whole round gave no sample: the scenario does not move occupied beds')
}

const done = samples.filter((s) => s.regionMs !== undefined)
const total = done.map((s) => s.regionMs!)
const stage = (f: (s: Sample) => number | undefined): number[] => done.flatMap((s) => { const v = f(s); return v === undefined || v < 0 ? [] : [v] })
const rows = [
  ['path', 'samples', 'p50', 'p99', 'max'],
  row('simulator ▸ region view', total),
  row('  simulator ▸ hospital twin', stage((s) => s.twinMs)),
  row('  hospital twin ▸ confirmed on the node', stage((s) => (s.confirmedMs === undefined || s.twinMs === undefined ? undefined : s.confirmedMs - s.twinMs))),
  row('  confirmed ▸ region view', stage((s) => (s.confirmedMs === undefined ? undefined : s.regionMs! - s.confirmedMs))),
]
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
console.log()
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
console.log()
console.log(`${samples.length - done.length} of ${samples.length} changes never reached the region within ${TIMEOUT_MS / 1000} s; ${steps} virtual seconds simulated`)
const p99 = quantile(total, 0.99)
console.log(`target: p99 ≤ ${fmtMs(TARGET_P99_MS)} with default snapshot periods: ${fmtMs(p99)} — ${p99 <= TARGET_P99_MS && done.length === samples.length ? 'met' : 'NOT met'} (${(p99 / TARGET_P99_MS).toFixed(2)}× the target)`)
if (samples.length < 100) console.log(`(p99 of fewer than 100 samples is their slowest)`)
