import { AliasAllocator, decodePayload, encodePayload, type MetricDataType } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import type { Reading, ReadingValue } from '../src/reading.js'
import { DataPayloadEncoder } from '../src/sparkplug/data-codec.js'
import { bornMetrics, buildDataMessages, valueFits } from '../src/sparkplug/payloads.js'
import { MAX_METRICS_PER_MESSAGE } from '../src/sparkplug/types.js'

/** A device with one metric per datatype, born with aliases from one allocator. */
const DATATYPES: MetricDataType[] = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String', 'DateTime', 'Text', 'UUID']
const aliases = new AliasAllocator()
// Push the aliases past one varint byte, as a gateway with thousands of metrics has them.
for (let i = 0; i < 300; i++) aliases.aliasFor(`filler-${i}`, 'other')
const device = { id: 'vent-0001', metrics: DATATYPES.map((datatype) => ({ name: `M/${datatype}`, datatype })) }
const born = bornMetrics(device, aliases)

/** Values at the edges of each datatype's range (and a few ordinary ones). */
const VALUES: Record<string, ReadingValue[]> = {
  Int8: [0, 1, -1, 127, -128],
  Int16: [32767, -32768, 300],
  Int32: [2 ** 31 - 1, -(2 ** 31), -5],
  Int64: [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32 + 7, -(2 ** 40)],
  UInt8: [0, 255],
  UInt16: [65535],
  UInt32: [2 ** 32 - 1, 0],
  UInt64: [Number.MAX_SAFE_INTEGER, 2 ** 35],
  Float: [0, 1.5, -3.25, 1e-7, 3.4e38, NaN, Infinity],
  Double: [0, Math.PI, -1e300, 5e-324, NaN, -Infinity],
  Boolean: [true, false],
  String: ['', 'PCV', 'é ü 漢字 🫁', 'x'.repeat(300)],
  DateTime: [0, 1_760_000_000_123],
  Text: ['a longer text'],
  UUID: ['0b3c6a58-8f6e-4c8a-9d5e-3f1e2d4c5b6a'],
}

const readingsOf = (datatype: MetricDataType, timestamp: number): Reading[] =>
  VALUES[datatype]!.map((value, i) => ({ device: device.id, metric: `M/${datatype}`, value, timestamp: timestamp + i }))

/** The bytes protocols' general codec writes for the same DDATA. */
function reference(readings: readonly Reading[], historical: boolean, timestamp: number, seq: number): Uint8Array {
  return encodePayload({
    timestamp,
    seq,
    metrics: readings.map((r) => {
      const b = born.get(r.metric)!
      return { alias: b.alias, timestamp: r.timestamp, datatype: b.datatype, value: r.value, ...(historical ? { isHistorical: true } : {}) }
    }),
  })
}

describe('DDATA codec', () => {
  it('writes the same bytes as the general Sparkplug codec for every scalar datatype, live and historical', () => {
    const encoder = new DataPayloadEncoder()
    for (const datatype of DATATYPES) {
      for (const historical of [false, true]) {
        const readings = readingsOf(datatype, 1_760_000_000_000)
        const metrics = readings.map((r) => born.get(r.metric)!)
        const ours = encoder.encode(1_760_000_000_999, 255, readings, metrics, historical)
        expect(Buffer.from(ours).equals(Buffer.from(reference(readings, historical, 1_760_000_000_999, 255))), `${datatype} historical=${historical}`).toBe(true)
      }
    }
  })

  it('round-trips through the host decoder: aliases, timestamps, values and the historical flag arrive intact', () => {
    const readings = DATATYPES.flatMap((d) => readingsOf(d, 1_000))
    const metrics = readings.map((r) => born.get(r.metric)!)
    const decoded = decodePayload(new DataPayloadEncoder().encode(42, 7, readings, metrics, true), { messageType: 'DDATA' })
    expect(decoded.seq).toBe(7)
    expect(decoded.timestamp).toBe(42)
    expect(decoded.metrics).toHaveLength(readings.length)
    decoded.metrics.forEach((m, i) => {
      const r = readings[i]!
      expect(m.alias).toBe(born.get(r.metric)!.alias)
      expect(m.timestamp).toBe(r.timestamp)
      expect(m.isHistorical).toBe(true)
      if (m.datatype === 'Float') expect(m.value).toBe(Math.fround(r.value as number))
      else expect(m.value).toEqual(r.value)
    })
  })

  it('keeps no state between payloads: a large one, then a small one, gives the small one its exact bytes', () => {
    const encoder = new DataPayloadEncoder()
    const big = Array.from({ length: MAX_METRICS_PER_MESSAGE }, (_, i): Reading => ({ device: device.id, metric: 'M/String', value: 'y'.repeat(200 + (i % 7)), timestamp: i }))
    encoder.encode(1, 1, big, big.map((r) => born.get(r.metric)!), false)
    const small = readingsOf('Double', 5)
    const bytes = encoder.encode(2, 2, small, small.map((r) => born.get(r.metric)!), false)
    expect(Buffer.from(bytes).equals(Buffer.from(reference(small, false, 2, 2)))).toBe(true)
  })

  it('skips (and names) readings whose value is out of its datatype range instead of failing the message', () => {
    expect([valueFits('Int8', 128), valueFits('Int8', -129), valueFits('UInt32', -1), valueFits('UInt64', 1.5), valueFits('Int16', 12)]).toEqual([false, false, false, false, true])
    const built = buildDataMessages(
      [
        { device: device.id, metric: 'M/Int8', value: 1000, timestamp: 1 },
        { device: device.id, metric: 'M/Int8', value: 5, timestamp: 2 },
      ],
      false,
      () => born,
    )
    expect(built.skipped).toBe(1)
    expect(built.firstSkip).toEqual({ device: device.id, metric: 'M/Int8', reason: 'value 1000 does not fit Int8' })
    expect(built.messages.map((m) => m.readings.map((r) => r.value))).toEqual([[5]])
  })

  it('splits a device past the per-message cap into consecutive messages, devices in first-seen order', () => {
    const n = MAX_METRICS_PER_MESSAGE + 3
    const readings: Reading[] = []
    for (let i = 0; i < n; i++) readings.push({ device: 'b', metric: 'M/Double', value: i, timestamp: i }, { device: 'a', metric: 'M/Double', value: i, timestamp: i })
    const built = buildDataMessages(readings, false, () => born)
    expect(built.messages.map((m) => [m.device, m.readings.length])).toEqual([
      ['b', MAX_METRICS_PER_MESSAGE],
      ['b', 3],
      ['a', MAX_METRICS_PER_MESSAGE],
      ['a', 3],
    ])
    expect(built.messages[1]!.readings.map((r) => r.value)).toEqual([500, 501, 502])
  })
})
