import { describe, expect, it } from 'vitest'
import { MbapDecoder, encodeMbap } from '../src/devices/modbus/index.js'
import { adu } from './modbus-support.js'

describe('MBAP framing (IG §3.1.3)', () => {
  it('reassembles frames across chunk boundaries and splits several frames out of one chunk', () => {
    const a = adu(1, 5, [0x03, 0, 100, 0, 4])
    const b = adu(2, 6, [0x10, 0, 100, 0, 1, 2, 0x12, 0x34])
    const c = adu(3, 7, [0x01, 0, 0, 0, 8])
    const stream = Buffer.concat([a, b, c])
    const decoder = new MbapDecoder()
    const cut = a.length + b.length + 4 // two frames and part of the third's header
    const first = decoder.push(stream.subarray(0, cut))
    expect(first.error).toBeUndefined()
    expect(first.frames.map((f) => [f.transactionId, f.unitId, [...f.pdu]])).toEqual([
      [1, 5, [0x03, 0, 100, 0, 4]],
      [2, 6, [0x10, 0, 100, 0, 1, 2, 0x12, 0x34]],
    ])
    expect(decoder.buffered).toBe(4)
    expect(decoder.push(stream.subarray(cut, cut + 5)).frames).toEqual([])
    const rest = decoder.push(stream.subarray(cut + 5))
    expect(rest.frames.map((f) => [f.transactionId, f.protocolId, f.unitId, [...f.pdu]])).toEqual([[3, 0, 7, [0x01, 0, 0, 0, 8]]])
    expect(decoder.buffered).toBe(0)
  })

  it('reports a length field outside 2..254 as unframeable', () => {
    expect(new MbapDecoder().push(Buffer.from([0, 1, 0, 0, 0, 1, 1])).error).toMatch(/length 1/)
    expect(new MbapDecoder().push(Buffer.from([0, 1, 0, 0, 0, 255, 1])).error).toMatch(/length 255/)
  })

  it('encodes the length as unit id plus PDU bytes', () => {
    expect([...encodeMbap(0x1234, 9, Buffer.from([0x83, 0x02]))]).toEqual([0x12, 0x34, 0, 0, 0, 3, 9, 0x83, 0x02])
  })
})
