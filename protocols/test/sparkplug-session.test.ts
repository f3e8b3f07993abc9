import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../src/errors/protocol-error.js'
import type { ProtocolErrorCode } from '../src/errors/catalogue.js'
import {
  AliasAllocator,
  AliasTable,
  METRIC_PROPERTY_KEYS,
  NODE_CONTROL_REBIRTH,
  SeqCounter,
  bdSeqMatches,
  checkSeq,
  decodePayload,
  decodeState,
  encodePayload,
  encodeState,
  metricProperties,
  nextBdSeq,
  nextSeq,
  readBdSeq,
  readMetricProperties,
  rebirthCommand,
  type SparkplugMetric,
} from '../src/sparkplug/index.js'

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

describe('seq and bdSeq', () => {
  it('wraps seq from 255 to 0', () => {
    expect(nextSeq(0)).toBe(1)
    expect(nextSeq(254)).toBe(255)
    expect(nextSeq(255)).toBe(0)
    expect(protocolError(() => nextSeq(256), 'RHN_PROTO_SEQ_INVALID')).toBe('seq 256 is outside 0..255')
    expect(protocolError(() => nextSeq(-1), 'RHN_PROTO_SEQ_INVALID')).toBe('seq -1 is outside 0..255')
  })

  it('counts an edge node session: NBIRTH 0, then 1.., 255, 0', () => {
    const counter = new SeqCounter()
    counter.reset()
    expect(counter.next()).toBe(0)
    const seen = Array.from({ length: 256 }, () => counter.next())
    expect(seen.slice(0, 2)).toEqual([1, 2])
    expect(seen.slice(253)).toEqual([254, 255, 0])
    counter.reset()
    expect(counter.peek()).toBe(0)
  })

  it('detects gaps for a host, across the wrap', () => {
    expect(checkSeq(255, 0)).toEqual({ ok: true })
    expect(checkSeq(10, 11)).toEqual({ ok: true })
    expect(checkSeq(10, 14)).toEqual({ ok: false, expected: 11, received: 14, missed: 3 })
    expect(checkSeq(254, 1)).toEqual({ ok: false, expected: 255, received: 1, missed: 2 })
    expect(checkSeq(10, 10)).toEqual({ ok: false, expected: 11, received: 10, missed: 255 })
    expect(protocolError(() => checkSeq(1, 300), 'RHN_PROTO_SEQ_INVALID')).toBe('received seq 300 is outside 0..255')
  })

  it('wraps bdSeq and matches NDEATH to NBIRTH', () => {
    expect(nextBdSeq(255)).toBe(0)
    expect(nextBdSeq(7)).toBe(8)
    expect(bdSeqMatches(7, 7)).toBe(true)
    expect(bdSeqMatches(7, 6)).toBe(false)
    const will = decodePayload(encodePayload({ timestamp: 1, metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: 7 }] }), { messageType: 'NDEATH' })
    expect(readBdSeq(will)).toBe(7)
    expect(readBdSeq({ metrics: [] })).toBeUndefined()
  })
})

describe('alias tables', () => {
  const nbirth: SparkplugMetric[] = [
    { name: 'bdSeq', datatype: 'UInt64', value: 0 },
    { name: NODE_CONTROL_REBIRTH, alias: 1, datatype: 'Boolean', value: false },
    { name: 'uptime', alias: 2, datatype: 'Int64', value: 5 },
  ]

  it('resolves DATA metrics by alias, per device', () => {
    const table = AliasTable.fromBirth(nbirth)
    table.addBirth([{ name: 'pressure', alias: 10, datatype: 'Float', value: 1 }], 'vent-1')
    expect(table.size).toBe(3)
    expect(table.resolve({ alias: 2, datatype: 'Int64', value: 6 })).toEqual({ name: 'uptime', alias: 2, datatype: 'Int64', value: 6 })
    expect(table.resolve({ alias: 10, datatype: 'Float', value: 2 }, 'vent-1').name).toBe('pressure')
    expect(table.resolve({ name: 'by-name', datatype: 'Int32', value: 1 }).name).toBe('by-name')
    expect(table.lookup(10)).toEqual({ name: 'pressure', datatype: 'Float', deviceId: 'vent-1' })
  })

  it('rejects unknown aliases and aliases of another device', () => {
    const table = AliasTable.fromBirth(nbirth)
    table.addBirth([{ name: 'pressure', alias: 10, datatype: 'Float', value: 1 }], 'vent-1')
    expect(protocolError(() => table.resolve({ alias: 99, datatype: 'Int32', value: 1 }), 'RHN_PROTO_ALIAS_UNKNOWN')).toBe(
      'alias 99 was not defined by any BIRTH of this edge node: request a rebirth',
    )
    expect(protocolError(() => table.resolve({ alias: 10, datatype: 'Float', value: 1 }, 'vent-2'), 'RHN_PROTO_ALIAS_UNKNOWN')).toBe(
      'alias 10 belongs to device "vent-1", not device "vent-2"',
    )
  })

  it('rejects one alias given to two metrics, within a BIRTH or across the edge node', () => {
    const dup: SparkplugMetric[] = [
      { name: 'a', alias: 5, datatype: 'Int32', value: 1 },
      { name: 'b', alias: 5, datatype: 'Int32', value: 1 },
    ]
    expect(protocolError(() => AliasTable.fromBirth(dup), 'RHN_PROTO_ALIAS_DUPLICATE')).toBe('alias 5 is given to both "a" and "b"')
    const table = AliasTable.fromBirth(nbirth)
    expect(protocolError(() => table.addBirth([{ name: 'x', alias: 2, datatype: 'Int32', value: 1 }], 'd1'), 'RHN_PROTO_ALIAS_DUPLICATE')).toBe(
      'alias 2 is given to both "uptime" and "x"',
    )
  })

  it('a DBIRTH replaces the aliases of its device', () => {
    const table = AliasTable.fromBirth(nbirth)
    table.addBirth([{ name: 'p', alias: 10, datatype: 'Float', value: 1 }], 'vent-1')
    table.addBirth([{ name: 'q', alias: 11, datatype: 'Float', value: 1 }], 'vent-1')
    expect(table.lookup(10)).toBeUndefined()
    expect(table.lookup(11)?.name).toBe('q')
  })

  it('allocates stable aliases on the edge', () => {
    const alloc = new AliasAllocator()
    expect(alloc.aliasFor('Node Control/Rebirth')).toBe(1)
    expect(alloc.aliasFor('pressure', 'vent-1')).toBe(2)
    expect(alloc.aliasFor('pressure', 'vent-2')).toBe(3)
    expect(alloc.aliasFor('pressure', 'vent-1')).toBe(2)
    // A node metric named like a device metric key does not collide with it.
    expect(alloc.aliasFor('vent-1/pressure')).toBe(4)
    const restored = new AliasAllocator(alloc.entries())
    expect(restored.aliasFor('pressure', 'vent-2')).toBe(3)
    expect(restored.aliasFor('new')).toBe(5)
  })
})

describe('host STATE payload', () => {
  it('round-trips 3.0 JSON', () => {
    const bytes = encodeState({ online: true, timestamp: 1_700_000_000_000 })
    expect(new TextDecoder().decode(bytes)).toBe('{"online":true,"timestamp":1700000000000}')
    expect(decodeState(bytes)).toEqual({ online: true, timestamp: 1_700_000_000_000 })
  })

  it.each([
    [new Uint8Array([0xff, 0xfe]), 'STATE payload is not UTF-8'],
    [new TextEncoder().encode('ONLINE'), 'STATE payload is the Sparkplug 2.2 form "ONLINE"; 3.0 uses JSON {"online":…,"timestamp":…}'],
    [new TextEncoder().encode('[1]'), 'STATE payload is not a JSON object'],
    [new TextEncoder().encode('{"online":"yes","timestamp":1}'), 'STATE payload "online" is missing or not a boolean'],
    [new TextEncoder().encode('{"online":false}'), 'STATE payload "timestamp" is missing or not a non-negative integer of ms'],
  ])('rejects %s', (bytes, message) => {
    expect(protocolError(() => decodeState(bytes), 'RHN_PROTO_PAYLOAD_INVALID')).toBe(message)
  })

  it('names bad JSON', () => {
    expect(protocolError(() => decodeState(new TextEncoder().encode('{')), 'RHN_PROTO_PAYLOAD_INVALID')).toMatch(/^STATE payload is not JSON: /)
  })
})

describe('metric properties and control metrics', () => {
  it('carries unit and MDC code through a BIRTH', () => {
    const init = { unit: 'cm[H2O]', mdcCode: 151_784, mdcRefId: 'MDC_PRESS_AWAY', engLow: 0, engHigh: 80, description: 'airway pressure' }
    const props = metricProperties(init)
    expect(props[METRIC_PROPERTY_KEYS.unit]).toEqual({ type: 'String', value: 'cm[H2O]' })
    expect(props.mdcCode).toEqual({ type: 'UInt32', value: 151_784 })
    const bytes = encodePayload({ seq: 1, metrics: [{ name: 'paw', alias: 3, datatype: 'Float', value: 12, properties: props }] })
    expect(readMetricProperties(decodePayload(bytes, { messageType: 'DBIRTH' }).metrics[0]?.properties)).toEqual(init)
    expect(readMetricProperties(undefined)).toEqual({})
    expect(protocolError(() => metricProperties({ mdcCode: -1 }), 'RHN_PROTO_PAYLOAD_ENCODE')).toBe('mdcCode -1 is not an integer 0..4294967295')
  })

  it('builds a rebirth NCMD', () => {
    const cmd = decodePayload(encodePayload(rebirthCommand(5)), { messageType: 'NCMD' })
    expect(cmd.metrics).toEqual([{ name: 'Node Control/Rebirth', timestamp: 5, datatype: 'Boolean', value: true }])
  })
})
