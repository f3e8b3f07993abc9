// Sparkplug B codec and registry parser throughput: the per-message cost every agent and aggregator pays.
// `make bench` prints ops/s; 50 metrics per DDATA is the batch size an agent sends for a busy gateway.
import { readFileSync } from 'node:fs'
import { bench, describe } from 'vitest'
import { decodePayload, encodePayload, parseRegistry, type SparkplugPayload } from '@rhn/protocols'

const now = Date.UTC(2026, 0, 1)
const ddata: SparkplugPayload = {
  timestamp: now,
  seq: 17,
  metrics: Array.from({ length: 50 }, (_, i) => ({ alias: i + 1, timestamp: now + i, datatype: 'Double' as const, value: 20 + i / 10 })),
}
const bytes = encodePayload(ddata)
const registryText = readFileSync(new URL('../examples/region-north.yaml', import.meta.url), 'utf8')

describe('sparkplug codec (DDATA, 50 metrics)', () => {
  bench('encodePayload', () => {
    encodePayload(ddata)
  })
  bench('decodePayload', () => {
    decodePayload(bytes, { messageType: 'DDATA' })
  })
})

describe('asset registry', () => {
  bench('parseRegistry (region-north, 3 hospitals)', () => {
    parseRegistry(registryText)
  })
})
