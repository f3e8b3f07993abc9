// The direct wire decoder (src/sparkplug/wire-decode.ts) against the decoder it replaced (Tahu's
// generated protobufjs classes + RHN's checks, src/sparkplug/reference-decode.ts): on random
// payloads, written by Tahu's encoder and by a raw protobuf writer that puts any field of the
// Sparkplug schema in any order (values in fields Tahu would not pick, repeated fields, unknown
// fields, groups, DataSets, Templates, nested property sets), both give the same payload or fail
// with the same error code. The one allowed difference: input cut off inside a string or a 64-bit
// varint, which protobufjs accepts (clamped or padded) and the direct decoder names as truncated.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../src/errors/protocol-error.js'
import { decodePayload, encodePayload, metricProperties, type SparkplugMessageType } from '../src/sparkplug/index.js'
import { decodePayloadWithTahu } from '../src/sparkplug/reference-decode.js'
import { tahuEncode, type TahuMetric } from '../src/sparkplug/tahu.js'

const RUNS = 3_000
const MESSAGE_TYPES = [undefined, 'NBIRTH', 'DBIRTH', 'DDATA', 'NDEATH'] as const

type Outcome = { ok: true; payload: unknown } | { ok: false; code: string; message: string }

function outcome(decode: () => unknown): Outcome {
  try {
    return { ok: true, payload: decode() }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    return { ok: false, code: err.code, message: err.message }
  }
}

/** How many comparisons ended in a decoded payload: the fuzzing must not only compare errors. */
const decoded = { count: 0 }

/** Decodes with both; asserts the same result. Returns false for the allowed truncation difference. */
function sameAsReference(bytes: Uint8Array, messageType?: SparkplugMessageType, allowTruncation = false): boolean {
  const init = messageType === undefined ? {} : { messageType }
  const before = outcome(() => decodePayloadWithTahu(bytes, init))
  const now = outcome(() => decodePayload(bytes, init))
  // Cut-off input protobufjs pads or clamps may decode, or fail later on the padded value.
  if (allowTruncation && !now.ok && now.message.startsWith('truncated: ')) return false
  if (before.ok) {
    expect(now).toStrictEqual(before)
    decoded.count++
  } else {
    expect(now.ok, `the reference failed with ${before.message}`).toBe(false)
    expect((now as { code: string }).code).toBe(before.code)
  }
  return true
}

// ---- a raw protobuf writer: any field, any order -------------------------------------------------

type Field = [field: number, wire: 0 | 1 | 2 | 5, bytes: number[]]

function varint(value: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, value)
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}
const fixed = (bytes: number[]): number[] => bytes
const delimited = (bytes: number[]): number[] => [...varint(BigInt(bytes.length)), ...bytes]
const message = (fields: Field[]): number[] => fields.flatMap(([n, wire, bytes]) => [...varint(BigInt((n << 3) | wire)), ...bytes])

const text = fc.string({ maxLength: 6 }).map((s) => [...Buffer.from(s)])
/** uint32 fields: small, large, and int32 negatives in their 10-byte form. */
const u32 = fc.oneof(fc.nat(300), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: -1 })).map((n) => varint(BigInt(n)))
const u64 = fc.oneof(fc.nat(300).map(BigInt), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 53n })).map(varint)
const f32 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => fixed([...b]))
const f64 = fc.oneof(fc.double().map((d) => [...Buffer.from(new Float64Array([d]).buffer)]), fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => [...b]))
const bool = fc.constantFrom<number[]>([0], [1], [2])
/** Datatype codes: mostly the ones RHN accepts, sometimes DataSet/Template/sets, 0 or out of range. */
const datatype = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18) }, fc.constantFrom(0, 16, 19, 20, 21, 22, 99)).map((n) => varint(BigInt(n)))
const unknown: fc.Arbitrary<Field> = fc.oneof(
  fc.tuple(fc.integer({ min: 20, max: 40 }), fc.constant(0 as const), u64),
  fc.tuple(fc.integer({ min: 20, max: 40 }), fc.constant(2 as const), text.map(delimited)),
  fc.tuple(fc.integer({ min: 20, max: 40 }), fc.constant(5 as const), f32),
)

const fields = (choices: fc.Arbitrary<Field>[], maxLength: number): fc.Arbitrary<Field[]> => fc.array(fc.oneof(...choices), { maxLength })
const f = (n: number, wire: 0 | 1 | 2 | 5, value: fc.Arbitrary<number[]>): fc.Arbitrary<Field> => value.map((bytes) => [n, wire, bytes])
const sub = (n: number, body: fc.Arbitrary<Field[]>): fc.Arbitrary<Field> => body.map((fs) => [n, 2, delimited(message(fs))])

/**
 * The scalar part of a value oneof, the same six fields from `first` on: int (uint32), long (uint64),
 * float, double, boolean, string (DataSetValue from 1, Parameter and PropertyValue from 3, Metric from 10).
 */
const valueField = (first: number): fc.Arbitrary<Field> =>
  fc.oneof(f(first, 0, u32), f(first + 1, 0, u64), f(first + 2, 5, f32), f(first + 3, 1, f64), f(first + 4, 0, bool), f(first + 5, 2, text.map(delimited)))

const { propertySet } = fc.letrec<{ propertySet: Field[]; propertyValue: Field[] }>((tie) => ({
  propertySet: fields([f(1, 2, text.map(delimited)), sub(2, tie('propertyValue'))], 5),
  propertyValue: fields(
    [
      f(1, 0, datatype),
      f(2, 0, bool),
      valueField(3),
      valueField(3),
      sub(9, fc.constant(null).chain(() => tie('propertySet'))),
      sub(10, fields([sub(1, tie('propertySet'))], 2)),
    ],
    4,
  ),
}))
const dataSet = fields([f(1, 0, u64), f(2, 2, text.map(delimited)), f(3, 0, datatype), sub(4, fields([sub(1, fields([valueField(1)], 2))], 2))], 5)
const template = fields([f(1, 2, text.map(delimited)), sub(3, fields([f(1, 2, text.map(delimited)), f(2, 0, datatype), valueField(3)], 3)), f(4, 2, text.map(delimited)), f(5, 0, bool)], 4)
const metadata = fields([f(1, 0, bool), f(2, 2, text.map(delimited)), f(3, 0, u64), f(4, 0, u64), f(6, 2, text.map(delimited))], 3)

const metric = fields(
  [
    f(1, 2, text.map(delimited)),
    f(2, 0, u64),
    f(3, 0, u64),
    f(4, 0, datatype),
    f(4, 0, datatype),
    f(5, 0, bool),
    f(6, 0, bool),
    f(7, 0, bool),
    sub(8, metadata),
    sub(9, propertySet),
    valueField(10),
    valueField(10),
    valueField(10),
    f(16, 2, fc.uint8Array({ maxLength: 5 }).map((b) => delimited([...b]))),
    sub(17, dataSet),
    sub(18, template),
    unknown,
  ],
  9,
)
const rawPayload = fields(
  [
    f(1, 0, u64),
    sub(2, metric),
    sub(2, metric),
    f(3, 0, fc.oneof(fc.nat(255).map(BigInt), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(varint)),
    f(4, 2, text.map(delimited)),
    f(5, 2, fc.uint8Array({ maxLength: 5 }).map((b) => delimited([...b]))),
    unknown,
  ],
  8,
).map((fs) => Buffer.from(message(fs)))

// ---- payloads as Tahu's encoder writes them ---------------------------------------------------

const scalar: fc.Arbitrary<[type: string, value: unknown]> = fc.oneof<fc.Arbitrary<[string, unknown]>[]>(
  fc.tuple(fc.constantFrom('Int8', 'Int16', 'Int32'), fc.integer({ min: -128, max: 127 })),
  fc.tuple(fc.constantFrom('UInt8', 'UInt16', 'UInt32'), fc.nat(255)),
  fc.tuple(fc.constantFrom('Int64', 'UInt64', 'DateTime'), fc.nat(2 ** 45)),
  fc.tuple(fc.constantFrom('Float', 'Double'), fc.double({ noNaN: true }).map(Math.fround)),
  fc.tuple(fc.constant('Boolean'), fc.boolean()),
  fc.tuple(fc.constantFrom('String', 'Text', 'UUID'), fc.string({ maxLength: 6 })),
)
const tahuMetric: fc.Arbitrary<TahuMetric> = fc
  .record({
    kind: fc.constantFrom('scalar', 'scalar', 'scalar', 'bytes', 'dataset', 'template'),
    scalar,
    name: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { nil: undefined }),
    alias: fc.option(fc.nat(5000), { nil: undefined }),
    timestamp: fc.option(fc.nat(2 ** 42), { nil: undefined }),
    isNull: fc.boolean(),
    isHistorical: fc.option(fc.boolean(), { nil: undefined }),
    unit: fc.option(fc.constantFrom('%', 'cm[H2O]', 'L/min'), { nil: undefined }),
  })
  .map(({ kind, scalar: [type, value], name, alias, timestamp, isNull, isHistorical, unit }) => {
    const m: TahuMetric = { type, value }
    if (kind === 'bytes') Object.assign(m, { type: 'Bytes', value: Uint8Array.of(1, 2, 3) })
    if (kind === 'dataset') Object.assign(m, { type: 'DataSet', value: { numOfColumns: 1, columns: ['c'], types: [type], rows: [[value]] } })
    if (kind === 'template') Object.assign(m, { type: 'Template', value: { isDefinition: true, metrics: [{ name: 'x', type, value }], parameters: [] } })
    if (isNull && kind !== 'dataset' && kind !== 'template') m.value = null
    Object.assign(m, { name, alias, timestamp, isHistorical })
    if (unit !== undefined) {
      const nested = { type: 'PropertySet', value: { engUnit: { type: 'String', value: unit } } }
      m.properties = { ...metricProperties({ unit, mdcCode: 0x0002_5000, engLow: 0 }), nested, list: { type: 'PropertySetList', value: [nested.value] } }
    }
    return m
  })
const tahuPayload = fc
  .record({ timestamp: fc.nat(2 ** 42), seq: fc.nat(255), metrics: fc.array(tahuMetric, { maxLength: 4 }) })
  .map((p) => Buffer.from(tahuEncode(p)))

describe('direct wire decoder = Tahu-based decoder', () => {
  it('on payloads Tahu encodes (every datatype, DataSet, Template, properties, nulls, historical, aliases)', () => {
    decoded.count = 0
    fc.assert(fc.property(tahuPayload, fc.constantFrom(...MESSAGE_TYPES), (bytes, type) => void sameAsReference(bytes, type)), { numRuns: RUNS })
    expect(decoded.count).toBeGreaterThan(RUNS / 5)
  })

  it('on raw payloads with any field in any order', () => {
    decoded.count = 0
    fc.assert(fc.property(rawPayload, fc.constantFrom(...MESSAGE_TYPES), (bytes, type) => void sameAsReference(bytes, type)), { numRuns: RUNS })
    expect(decoded.count).toBeGreaterThan(RUNS / 20)
  })

  it('on raw payloads as Uint8Array rather than Buffer', () => {
    fc.assert(fc.property(rawPayload, (bytes) => void sameAsReference(new Uint8Array(bytes))), { numRuns: RUNS })
  })

  it('on truncated and bit-flipped payloads: the same error code, or "truncated" where protobufjs pads', () => {
    fc.assert(
      fc.property(fc.oneof(rawPayload, tahuPayload), fc.nat(), fc.nat(), fc.nat(7), (bytes, cut, at, bit) => {
        sameAsReference(bytes.subarray(0, cut % (bytes.length + 1)), undefined, true)
        if (bytes.length === 0) return
        const flipped = Buffer.from(bytes)
        flipped[at % bytes.length]! ^= 1 << bit
        sameAsReference(flipped, 'DDATA', true)
      }),
      { numRuns: RUNS },
    )
  })

  it('names what is wrong with malformed bytes', () => {
    const fail = (bytes: number[]): string => {
      const result = outcome(() => decodePayload(Buffer.from(bytes)))
      expect(result).toMatchObject({ ok: false, code: 'RHN_PROTO_PAYLOAD_INVALID' })
      return (result as { message: string }).message
    }
    const ddata = [...encodePayload({ seq: 1, metrics: [{ alias: 1, datatype: 'String', value: 'hello' }] })]
    expect(fail(ddata.slice(0, -4))).toMatch(/^truncated: a field runs past the end of the input/)
    expect(fail([0x7f])).toBe('not a Sparkplug B protobuf: invalid wire type 7 at offset 1')
    expect(fail([0x08, ...Array(10).fill(0xff), 0x01])).toBe('malformed: invalid varint encoding (more than 10 bytes)')
    expect(fail(message([[2, 2, delimited(message([[2, 0, varint(1n)], [4, 0, varint(16n)]]))]]))).toBe('metric 0 (alias 1): datatype DataSet is not supported')
    expect(fail(message([[2, 2, delimited(message([[2, 0, varint(2n ** 60n)], [4, 0, varint(10n)]]))]]))).toBe('metric 0 alias 1152921504606846976 exceeds Number.MAX_SAFE_INTEGER')
    const noValue = message([[1, 2, delimited([0x61])]])
    expect(fail(message([[2, 2, delimited(message([[1, 2, delimited([0x6d])], [4, 0, [10]], [9, 2, delimited(noValue)]]))]]))).toMatch(
      /^malformed metric, property or dataset: metric 0 "m" property "a": no PropertyValue for this key$/,
    )
  })
})
