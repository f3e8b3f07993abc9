import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../src/errors/protocol-error.js'
import type { ProtocolErrorCode } from '../src/errors/catalogue.js'
import { decodePayload, encodePayload, type SparkplugMetric, type SparkplugPayload } from '../src/sparkplug/index.js'

const T = 1_717_171_717_171

function roundTrip(payload: SparkplugPayload, messageType?: Parameters<typeof decodePayload>[1]): SparkplugPayload {
  return decodePayload(encodePayload(payload), messageType)
}

function protocolError(fn: () => unknown, code: ProtocolErrorCode): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe(code)
    return (err as ProtocolError).message
  }
  throw new Error(`expected ${code}`)
}

describe('Sparkplug payload codec: every datatype round-trips', () => {
  const cases: [SparkplugMetric['datatype'], SparkplugMetric['value']][] = [
    ['Int8', -128],
    ['Int8', 127],
    ['Int16', -32768],
    ['Int32', -2147483648],
    ['Int32', 2147483647],
    ['Int64', -9223372036854775808n],
    ['Int64', 9223372036854775807n],
    ['Int64', -42],
    ['Int64', Number.MAX_SAFE_INTEGER],
    ['UInt8', 255],
    ['UInt16', 65535],
    ['UInt32', 4294967295],
    ['UInt32', 2147483648],
    ['UInt64', 18446744073709551615n],
    ['UInt64', 9007199254740993n],
    ['UInt64', 0],
    ['Float', Math.fround(3.14)],
    ['Float', -0.5],
    ['Double', Math.PI],
    ['Double', -1e300],
    ['Boolean', true],
    ['Boolean', false],
    ['String', 'SpO2 °C ✓'],
    ['String', ''],
    ['Text', 'long text'],
    ['UUID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['DateTime', T],
    ['Bytes', new Uint8Array([0, 1, 254, 255])],
    ['File', new Uint8Array([37, 80, 68, 70])],
  ]

  it.each(cases)('%s %s', (datatype, value) => {
    const metric: SparkplugMetric = { name: `m/${datatype}`, alias: 9, timestamp: T, datatype, value }
    expect(roundTrip({ timestamp: T, seq: 3, metrics: [metric] })).toEqual({ timestamp: T, seq: 3, metrics: [metric] })
  })

  it('keeps null values, historical and transient flags, uuid and body', () => {
    const payload: SparkplugPayload = {
      timestamp: T,
      seq: 255,
      uuid: 'rhn',
      body: new Uint8Array([7]),
      metrics: [
        { name: 'flow', datatype: 'Double', value: null, timestamp: T },
        { alias: 4, datatype: 'Int32', value: 12, timestamp: T - 1000, isHistorical: true },
        { alias: 5, datatype: 'Boolean', value: false, isTransient: true, isHistorical: false },
      ],
    }
    expect(roundTrip(payload)).toEqual(payload)
  })

  it('keeps properties, nested property sets and lists', () => {
    const metric: SparkplugMetric = {
      name: 'pressure',
      alias: 1,
      datatype: 'Float',
      value: 12.5,
      properties: {
        engUnit: { type: 'String', value: 'cm[H2O]' },
        mdcCode: { type: 'UInt32', value: 0xf0000000 },
        big: { type: 'UInt64', value: 2n ** 60n },
        missing: { type: 'Double', value: null },
        nested: { type: 'PropertySet', value: { a: { type: 'Boolean', value: true } } },
        list: { type: 'PropertySetList', value: [{ b: { type: 'Int32', value: -3 } }] },
      },
    }
    expect(roundTrip({ seq: 0, metrics: [metric] }).metrics[0]).toEqual(metric)
  })

  it('decodes a BIRTH with the message type rules', () => {
    const nbirth: SparkplugPayload = {
      timestamp: T,
      seq: 0,
      metrics: [
        { name: 'bdSeq', datatype: 'UInt64', value: 7, timestamp: T },
        { name: 'Node Control/Rebirth', alias: 1, datatype: 'Boolean', value: false, timestamp: T },
      ],
    }
    expect(roundTrip(nbirth, { messageType: 'NBIRTH' })).toEqual(nbirth)
  })
})

describe('Sparkplug payload codec: errors', () => {
  it('rejects values that do not fit their datatype when encoding', () => {
    const enc = (metric: SparkplugMetric): string => protocolError(() => encodePayload({ metrics: [metric] }), 'RHN_PROTO_PAYLOAD_ENCODE')
    expect(enc({ name: 'x', datatype: 'Int8', value: 128 })).toBe('metric 0 "x": Int8 value 128 is outside -128..127')
    expect(enc({ name: 'x', datatype: 'UInt32', value: -1 })).toBe('metric 0 "x": UInt32 value -1 is outside 0..4294967295')
    expect(enc({ alias: 3, datatype: 'UInt64', value: 2n ** 64n })).toBe('metric 0 (alias 3): UInt64 value 18446744073709551616 is outside 0..18446744073709551615')
    expect(enc({ name: 'x', datatype: 'Int32', value: 1.5 })).toBe('metric 0 "x": Int32 value 1.5 is not an integer (use a bigint beyond 2^53)')
    expect(enc({ name: 'x', datatype: 'Boolean', value: 'yes' })).toBe('metric 0 "x": Boolean needs a boolean, got string')
    expect(enc({ name: 'x', datatype: 'String', value: 1 })).toBe('metric 0 "x": String needs a string, got number')
    expect(enc({ name: 'x', datatype: 'DataSet' as 'String', value: 'a' })).toBe('metric 0 "x": datatype DataSet is not supported')
    expect(enc({ name: 'x', datatype: 'Double', value: 1, timestamp: -1 })).toBe('metric 0 "x": timestamp -1 is not a non-negative integer of ms')
    expect(protocolError(() => encodePayload({ seq: 256, metrics: [] }), 'RHN_PROTO_SEQ_INVALID')).toBe('seq 256 is outside 0..255')
  })

  it('names truncation and non-protobuf input', () => {
    const bytes = encodePayload({ timestamp: T, seq: 1, metrics: [{ name: 'temperature', datatype: 'String', value: 'hello world' }] })
    expect(protocolError(() => decodePayload(bytes.subarray(0, bytes.length - 3)), 'RHN_PROTO_PAYLOAD_INVALID')).toMatch(/^truncated: /)
    expect(protocolError(() => decodePayload(new Uint8Array([0x7f])), 'RHN_PROTO_PAYLOAD_INVALID')).toMatch(/^not a Sparkplug B protobuf: invalid wire type 7/)
  })

  it('rejects a seq outside 0..255 on decode', () => {
    // field 3 (seq, varint) = 300
    expect(protocolError(() => decodePayload(new Uint8Array([0x18, 0xac, 0x02])), 'RHN_PROTO_SEQ_INVALID')).toBe('seq 300 is outside 0..255')
  })

  it('applies the rules of the message type', () => {
    const noName = encodePayload({ seq: 0, metrics: [{ alias: 3, datatype: 'Int32', value: 1 }] })
    expect(protocolError(() => decodePayload(noName, { messageType: 'DBIRTH' }), 'RHN_PROTO_PAYLOAD_INVALID')).toBe('DBIRTH metric 0 (alias 3): BIRTH metrics need a name')
    expect(decodePayload(noName, { messageType: 'DDATA' }).metrics[0]?.alias).toBe(3)
    const anonymous = encodePayload({ seq: 1, metrics: [{ datatype: 'Int32', value: 1 }] })
    expect(protocolError(() => decodePayload(anonymous), 'RHN_PROTO_PAYLOAD_INVALID')).toBe('payload metric 0: has neither name nor alias')
    const nbirth1 = encodePayload({ seq: 1, metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: 0 }] })
    expect(protocolError(() => decodePayload(nbirth1, { messageType: 'NBIRTH' }), 'RHN_PROTO_SEQ_INVALID')).toBe('NBIRTH seq must be 0, got 1')
    const noBdSeq = encodePayload({ seq: 0, metrics: [{ name: 'x', datatype: 'Int32', value: 1 }] })
    expect(protocolError(() => decodePayload(noBdSeq, { messageType: 'NBIRTH' }), 'RHN_PROTO_PAYLOAD_INVALID')).toBe('NBIRTH has no bdSeq metric')
    const noSeq = encodePayload({ metrics: [{ name: 'x', datatype: 'Int32', value: 1 }] })
    expect(protocolError(() => decodePayload(noSeq, { messageType: 'DDATA' }), 'RHN_PROTO_PAYLOAD_INVALID')).toBe('DDATA has no seq')
    expect(decodePayload(noSeq, { messageType: 'NCMD' }).seq).toBeUndefined()
    const badBdSeq = encodePayload({ metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: 256 }] })
    expect(protocolError(() => decodePayload(badBdSeq, { messageType: 'NDEATH' }), 'RHN_PROTO_SEQ_INVALID')).toBe('bdSeq 256 is outside 0..255')
  })

  it('rejects a metric without datatype', () => {
    // metric { name: "a" } with no datatype: field 2 (metrics) len 3 { field 1 (name) len 1 "a" }
    const bytes = new Uint8Array([0x12, 0x03, 0x0a, 0x01, 0x61])
    expect(protocolError(() => decodePayload(bytes), 'RHN_PROTO_PAYLOAD_INVALID')).toBe('metric 0 "a": no datatype (the codec reads each value by its datatype)')
  })
})
