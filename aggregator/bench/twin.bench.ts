/**
 * Twin ingest throughput (issue 5 "Speed": the twin must take ≥ 100,000 metric updates/s).
 * Each iteration applies one DDATA of 50 metrics to a ventilator of RXA, so metric updates/s =
 * the reported hz × 50. Figures only, never asserted: CI machines are shared and noisy.
 */
import { readFileSync } from 'node:fs'
import { metricsOfKind, parseRegistry } from '@rhn/protocols'
import { bench, describe } from 'vitest'
import type { HostEvent, ResolvedMetric } from '../src/host/types.js'
import { Twin } from '../src/twin/index.js'

const METRICS_PER_DDATA = 50
const registry = parseRegistry(readFileSync(new URL('../../protocols/examples/region-north.yaml', import.meta.url), 'utf8'))
const vents = registry.hospitals
  .find((h) => h.id === 'RXA')!
  .units.flatMap((u) => u.sections.flatMap((s) => s.components))
  .filter((c) => c.kind === 'ventilator')

// Catalogue ventilator metrics first, then vendor extras up to 50 (a DDATA of a busy ventilator).
const names = metricsOfKind('ventilator')
  .filter((m) => m.datatype === 'Float' || m.datatype === 'Boolean')
  .map((m) => ({ name: m.name, bool: m.datatype === 'Boolean' }))
for (let i = names.length; i < METRICS_PER_DDATA; i++) names.push({ name: `Vendor/Channel${i}`, bool: false })
names.length = METRICS_PER_DDATA

function makeTwin(): Twin {
  return new Twin({
    registry,
    hospitalId: 'RXA',
    config: { rules: [{ id: 'peep-high', metric: 'Ventilation/PEEP', op: '>', value: 20, severity: 'high', forMs: 10_000 }] },
    now: () => 0,
  })
}

let t = Date.UTC(2025, 0, 6)
let n = 0
function ddata(): HostEvent {
  const c = vents[n++ % vents.length]!
  t += 10
  const metrics: ResolvedMetric[] = names.map((m, i) => ({ name: m.name, value: m.bool ? (n + i) % 97 === 0 : ((n + i) % 400) / 10, timestamp: t, historical: false }))
  return { type: 'device-data', device: { groupId: 'RXA', edgeNodeId: c.binding.gateway, deviceId: c.binding.device }, metrics, at: t }
}

// Events are built ahead so the bench measures apply(), not building the payload.
const events = Array.from({ length: 4096 }, ddata)

describe(`Twin.apply: DDATA of ${METRICS_PER_DDATA} metrics (metric updates/s = hz × ${METRICS_PER_DDATA})`, () => {
  const plain = makeTwin()
  let i = 0
  bench('apply, no subscribers', () => {
    plain.apply(events[i++ % events.length]!)
  })

  const streamed = makeTwin()
  // A subscriber that keeps nothing: the cost measured is building the events.
  streamed.onEvent(() => undefined)
  let j = 0
  bench('apply, one stream subscriber', () => {
    streamed.apply(events[j++ % events.length]!)
  })

  const read = makeTwin()
  let k = 0
  bench('apply + hospital capacity read every 100 messages', () => {
    read.apply(events[k++ % events.length]!)
    if (k % 100 === 0) read.capacity('hospital', 'RXA')
  })
})
