// Property-based tests: whatever arrives from the network, the decoder and the topic parser
// either succeed or throw a ProtocolError, never anything else; valid input round-trips.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../src/errors/protocol-error.js'
import {
  DEVICE_MESSAGE_TYPES,
  NODE_MESSAGE_TYPES,
  buildTopic,
  decodePayload,
  decodeState,
  encodePayload,
  parseTopic,
  type SparkplugMetric,
  type SparkplugPayload,
  type SparkplugTopic,
} from '../src/sparkplug/index.js'

const RUNS = 10_000

function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
  }
}

const metricArb: fc.Arbitrary<SparkplugMetric> = fc
  .oneof(
    fc.record({ datatype: fc.constant('Int8' as const), value: fc.integer({ min: -128, max: 127 }) }),
    fc.record({ datatype: fc.constant('Int32' as const), value: fc.integer() }),
    fc.record({ datatype: fc.constant('UInt32' as const), value: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ datatype: fc.constant('Int64' as const), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
    fc.record({ datatype: fc.constant('UInt64' as const), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
    fc.record({ datatype: fc.constant('Double' as const), value: fc.double({ noNaN: true }) }),
    fc.record({ datatype: fc.constant('Float' as const), value: fc.float({ noNaN: true }).map(Math.fround) }),
    fc.record({ datatype: fc.constant('Boolean' as const), value: fc.boolean() }),
    fc.record({ datatype: fc.constant('String' as const), value: fc.string({ maxLength: 8 }) }),
    fc.record({ datatype: fc.constant('Bytes' as const), value: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ datatype: fc.constant('DateTime' as const), value: fc.integer({ min: 0, max: 2 ** 42 }) }),
  )
  .chain((typed) =>
    fc.record(
      {
        name: fc.string({ minLength: 1, maxLength: 6 }),
        alias: fc.nat(1000),
        timestamp: fc.nat(2 ** 42),
        isHistorical: fc.boolean(),
        datatype: fc.constant(typed.datatype),
        value: fc.option(fc.constant(typed.value), { nil: null, freq: 8 }),
      },
      { requiredKeys: ['name', 'datatype', 'value'] },
    ),
  )
  // Normalise the BigInt rule: values within 2^53 decode as numbers.
  .map((m) => (typeof m.value === 'bigint' && m.value >= -(2n ** 53n - 1n) && m.value <= 2n ** 53n - 1n ? { ...m, value: Number(m.value) } : m))

const payloadArb: fc.Arbitrary<SparkplugPayload> = fc.record(
  { timestamp: fc.nat(2 ** 42), seq: fc.nat(255), metrics: fc.array(metricArb, { maxLength: 4 }) },
  { requiredKeys: ['metrics'] },
)

describe('payload decoder under random input', () => {
  it('valid payloads round-trip', () => {
    fc.assert(
      fc.property(payloadArb, (payload) => {
        expect(decodePayload(encodePayload(payload))).toEqual(payload)
      }),
      { numRuns: RUNS },
    )
  })

  it('random bytes never throw anything but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(undefined, 'NBIRTH', 'DDATA', 'NDEATH'), (bytes, messageType) => {
        onlyProtocolErrors(() => decodePayload(bytes, messageType === undefined ? {} : { messageType }))
        onlyProtocolErrors(() => decodeState(bytes))
      }),
      { numRuns: RUNS },
    )
  })

  it('truncated and bit-flipped valid payloads never throw anything but ProtocolError', () => {
    fc.assert(
      fc.property(payloadArb, fc.nat(), fc.nat(), fc.nat(7), (payload, cut, at, bit) => {
        const bytes = encodePayload(payload)
        onlyProtocolErrors(() => decodePayload(bytes.subarray(0, cut % (bytes.length + 1))))
        if (bytes.length === 0) return
        const flipped = Uint8Array.from(bytes)
        flipped[at % bytes.length]! ^= 1 << bit
        onlyProtocolErrors(() => decodePayload(flipped, { messageType: 'DBIRTH' }))
      }),
      { numRuns: RUNS },
    )
  })
})

const idArb = fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }).filter((s) => !['/', '+', '#', '\u0000'].some((c) => s.includes(c)))
const topicArb: fc.Arbitrary<SparkplugTopic> = fc.oneof(
  fc.record({ kind: fc.constant('node' as const), groupId: idArb, messageType: fc.constantFrom(...NODE_MESSAGE_TYPES), edgeNodeId: idArb }),
  fc.record({
    kind: fc.constant('device' as const),
    groupId: idArb.filter((g) => g !== 'STATE'),
    messageType: fc.constantFrom(...DEVICE_MESSAGE_TYPES),
    edgeNodeId: idArb,
    deviceId: idArb,
  }),
  fc.record({ kind: fc.constant('state' as const), hostId: idArb }),
)

describe('topic parser under random input', () => {
  it('valid topics round-trip', () => {
    fc.assert(
      fc.property(topicArb, (topic) => {
        expect(parseTopic(buildTopic(topic))).toEqual(topic)
      }),
      { numRuns: RUNS },
    )
  })

  it('random strings never throw anything but ProtocolError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), (s) => onlyProtocolErrors(() => parseTopic(s))),
      { numRuns: RUNS },
    )
  })

  it('near-valid topics (one level replaced, added or dropped) never throw anything but ProtocolError', () => {
    const junk = fc.constantFrom('', '+', '#', 'STATE', 'NDATA', 'DDATA', 'spBv1.0', 'a/b', '\u0000', '\uD800', 'x')
    fc.assert(
      fc.property(topicArb, fc.nat(), junk, fc.constantFrom('replace', 'insert', 'drop'), (topic, at, level, op) => {
        const levels = buildTopic(topic).split('/')
        const i = at % (levels.length + 1)
        if (op === 'replace') levels[Math.min(i, levels.length - 1)] = level
        else if (op === 'insert') levels.splice(i, 0, level)
        else levels.splice(i, 1)
        const text = levels.join('/')
        try {
          const parsed = parseTopic(text)
          expect(buildTopic(parsed)).toBe(text)
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err
        }
      }),
      { numRuns: RUNS },
    )
  })
})
