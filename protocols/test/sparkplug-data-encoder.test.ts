// The direct DDATA encoder (src/sparkplug/data-encoder.ts) writes exactly the bytes of the general
// codec (encodePayload, on Tahu's), and the direct decoder reads them back: one wire codec, two halves.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DataPayloadEncoder, dataTypeCode, decodePayload, encodePayload, type DataSample, type MetricDataType, type SparkplugMetric } from '../src/sparkplug/index.js'

type Typed = [MetricDataType, DataSample['value']]
const typed: fc.Arbitrary<Typed> = fc.oneof(
  fc.tuple(fc.constant('Int8' as const), fc.integer({ min: -128, max: 127 })),
  fc.tuple(fc.constant('Int16' as const), fc.integer({ min: -32768, max: 32767 })),
  fc.tuple(fc.constant('Int32' as const), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  fc.tuple(fc.constant('Int64' as const), fc.maxSafeInteger()),
  fc.tuple(fc.constant('UInt8' as const), fc.nat(255)),
  fc.tuple(fc.constant('UInt16' as const), fc.nat(65535)),
  fc.tuple(fc.constant('UInt32' as const), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  fc.tuple(fc.constantFrom('UInt64' as const, 'DateTime' as const), fc.maxSafeNat()),
  fc.tuple(fc.constant('Float' as const), fc.float({ noNaN: true }).map(Math.fround)),
  fc.tuple(fc.constant('Double' as const), fc.double({ noNaN: true })),
  fc.tuple(fc.constant('Boolean' as const), fc.boolean()),
  fc.tuple(fc.constantFrom('String' as const, 'Text' as const, 'UUID' as const), fc.string({ maxLength: 40 })),
)
const metric = fc.record({ typed, alias: fc.nat(100_000), timestamp: fc.nat(2 ** 45) })

describe('DDATA encoder', () => {
  it('writes the bytes encodePayload writes, and decodePayload reads them back, for every scalar datatype', () => {
    const encoder = new DataPayloadEncoder()
    fc.assert(
      fc.property(fc.array(metric, { maxLength: 60 }), fc.nat(2 ** 45), fc.nat(255), fc.boolean(), (ms, timestamp, seq, historical) => {
        const samples = ms.map((m) => ({ value: m.typed[1], timestamp: m.timestamp }))
        const refs = ms.map((m) => ({ alias: m.alias, typeCode: dataTypeCode(m.typed[0]) }))
        const bytes = encoder.encode(timestamp, seq, samples, refs, historical)
        const metrics = ms.map(
          (m): SparkplugMetric => ({ datatype: m.typed[0], value: m.typed[1], alias: m.alias, timestamp: m.timestamp, ...(historical ? { isHistorical: true } : {}) }),
        )
        const payload = { timestamp, seq, metrics }
        expect(Buffer.from(bytes).equals(Buffer.from(encodePayload(payload)))).toBe(true)
        // An integer -0 travels as 0; a float keeps its sign.
        expect(decodePayload(bytes, { messageType: 'DDATA' })).toEqual({ ...payload, metrics: metrics.map((m) => (Object.is(m.value, -0) && m.datatype !== 'Float' && m.datatype !== 'Double' ? { ...m, value: 0 } : m)) })
      }),
      { numRuns: 2_000 },
    )
  })
})
