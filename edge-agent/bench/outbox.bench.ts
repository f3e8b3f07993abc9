// `make bench`: DiskOutbox throughput (issue 4, "Speed": ≥ 100,000 points/s, replay ≥ 20,000 msg/s).
// Figures are printed in readings/s and batches/s after the vitest table; never asserted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, bench, describe } from 'vitest'
import { DiskOutbox } from '../src/outbox/index.js'
import type { Reading } from '../src/reading.js'
import { ReportByException } from '../src/rbe/index.js'

const logger = pino({ level: 'silent' })
const dirs: string[] = []
const figures = new Map<string, { readings: number; batches: number; ms: number }>()

/** Readings like a ward of ventilators: 20 devices × a few metrics, numbers, booleans and strings. */
function readings(n: number, seq: number): Reading[] {
  const metrics = ['Ventilation/PEEP', 'Ventilation/FiO2', 'Ventilation/RespRate', 'Alarm/Active', 'Ventilation/Mode']
  return Array.from({ length: n }, (_, i) => ({
    device: `vent-${String(i % 20).padStart(4, '0')}`,
    metric: metrics[i % 5]!,
    value: i % 5 === 3 ? (seq + i) % 7 === 0 : i % 5 === 4 ? 'PCV' : Math.round(((seq * 31 + i) % 1000) * 10) / 100,
    timestamp: 1_760_000_000_000 + seq * 1000 + i,
  }))
}

async function fresh(init: { windowReadings?: number } = {}): Promise<DiskOutbox> {
  const dir = mkdtempSync(join(tmpdir(), 'rhn-outbox-bench-'))
  dirs.push(dir)
  return DiskOutbox.open({ dir, logger, ...init })
}

/** Runs `fn`, adding what it did and how long it took to the figures of `name`. */
async function measured(name: string, readingsDone: number, batchesDone: number, fn: () => Promise<void>): Promise<void> {
  const start = performance.now()
  await fn()
  const f = figures.get(name) ?? { readings: 0, batches: 0, ms: 0 }
  f.readings += readingsDone
  f.batches += batchesDone
  f.ms += performance.now() - start
  figures.set(name, f)
}

afterAll(() => {
  console.log('\nDiskOutbox figures (this machine, fsync per group commit):')
  for (const [name, f] of figures) {
    const s = f.ms / 1000
    console.log(`  ${name.padEnd(52)} ${Math.round(f.readings / s).toLocaleString('en').padStart(12)} readings/s ${Math.round(f.batches / s).toLocaleString('en').padStart(9)} batches/s`)
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Appends `concurrent` batches of `size` at once (group commit), then acks them as the broker would. */
function appendCase(name: string, size: number, concurrent: number): void {
  const batches = Array.from({ length: concurrent }, (_, k) => readings(size, k))
  let outbox: DiskOutbox | undefined
  bench(
    name,
    async () => {
      const o = outbox!
      await measured(name, size * concurrent, concurrent, async () => {
        const ids = await Promise.all(batches.map((b) => o.append(b)))
        for (const id of ids) o.ack(id)
      })
    },
    {
      time: 1500,
      // tinybench calls these around its warm-up and around its run.
      setup: async () => void (outbox = await fresh()),
      teardown: async () => {
        await outbox?.close()
        outbox = undefined
      },
    },
  )
}

describe('outbox append', () => {
  appendCase('append 1,000-reading batches, 16 at once', 1000, 16)
  appendCase('append 100-reading batches, 64 at once', 100, 64)
  appendCase('append 100-reading batches, one at a time', 100, 1)
})

/** Fills an outbox with `count` batches of 100, then measures read(…, 100) + ack of each until empty. */
function drainCase(name: string, windowReadings: number): void {
  bench(
    name,
    async () => {
      const outbox = await fresh({ windowReadings })
      const count = 1000
      const pending: Promise<number>[] = []
      for (let k = 0; k < count; k++) pending.push(outbox.append(readings(100, k)))
      await Promise.all(pending)
      await measured(name, count * 100, count, async () => {
        let after = 0
        for (;;) {
          const got = await outbox.read(after, 100)
          if (got.length === 0) break
          for (const b of got) outbox.ack(b.id)
          after = got.at(-1)!.id
        }
      })
      await outbox.close()
    },
    { time: 1000, iterations: 5 },
  )
}

describe('outbox read + ack', () => {
  drainCase('read+ack from the memory window (live)', 1_000_000)
  drainCase('read+ack from disk (replay after an outage)', 0)
})

describe('report by exception', () => {
  const input = Array.from({ length: 100 }, (_, k) => readings(1000, k))
  const rbe = new ReportByException({ defaults: { deadbandPercent: 1, maxSilenceMs: 60_000 } }, { now: () => 0 })
  const out: Reading[] = []
  let k = 0
  bench('rbe.filter 1,000 readings', async () => {
    out.length = 0
    await measured('rbe.filter', 1000, 1, () => Promise.resolve(void rbe.filter(input[k++ % 100]!, out)))
  })
})
