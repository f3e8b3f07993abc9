import { describe, expect, it } from 'vitest'
import { llrp } from '@rhn/protocols'

const { FrameScanner, HEADER_BYTES, LlrpFramingError, Msg, Param, checkVersion, encodeMessage, findParam, parseParams, tlv, tv, u16, u32, u8, utf8v } = llrp
type LlrpFramingError = llrp.LlrpFramingError

function framingError(fn: () => unknown): LlrpFramingError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(LlrpFramingError)
    expect((err as LlrpFramingError).code).toBe('RHN_PROTO_LLRP_FRAMING')
    return err as LlrpFramingError
  }
  throw new Error('expected RHN_PROTO_LLRP_FRAMING')
}

describe('LLRP codec', () => {
  it('round-trips a header, a TLV with sub-parameters and a TV parameter', () => {
    const status = tlv(Param.LLRPStatus, u16(0), utf8v('ok'))
    const roSpec = tlv(Param.ROSpec, u32(7), u8(0), status)
    const antenna = tv(Param.AntennaID, u16(3))
    const bytes = encodeMessage(Msg.ADD_ROSPEC, 0xdeadbeef, [roSpec, antenna])

    const [frame, ...more] = new FrameScanner().push(bytes)
    expect(more).toEqual([])
    expect(frame).toMatchObject({ version: 1, type: Msg.ADD_ROSPEC, id: 0xdeadbeef })
    expect(frame!.body.length).toBe(bytes.length - HEADER_BYTES)

    const params = parseParams(frame!.body)
    expect(params.map((p) => p.type)).toEqual([Param.ROSpec, Param.AntennaID])
    expect(findParam(params, Param.AntennaID)!.value).toEqual(Buffer.of(0, 3))

    const inner = findParam(params, Param.ROSpec)!.value
    expect(inner.readUInt32BE(0)).toBe(7)
    expect(inner[4]).toBe(0)
    const [sub] = parseParams(inner.subarray(5))
    expect(sub!.type).toBe(Param.LLRPStatus)
    expect(sub!.value).toEqual(Buffer.concat([u16(0), utf8v('ok')]))
  })

  it('returns every complete frame of a chunk and keeps the partial rest', () => {
    const third = encodeMessage(Msg.KEEPALIVE, 3)
    const chunk = Buffer.concat([encodeMessage(Msg.KEEPALIVE, 1), encodeMessage(Msg.RO_ACCESS_REPORT, 2, [Buffer.alloc(40, 7)]), third.subarray(0, 6)])
    const scanner = new FrameScanner()
    expect(scanner.push(chunk).map((f) => [f.type, f.id])).toEqual([[Msg.KEEPALIVE, 1], [Msg.RO_ACCESS_REPORT, 2]])
    expect(scanner.buffered).toBe(6)
    expect(scanner.push(third.subarray(6)).map((f) => f.id)).toEqual([3])
    expect(scanner.buffered).toBe(0)
  })

  it('rejects an impossible length and a bad version with RHN_PROTO_LLRP_FRAMING', () => {
    expect(framingError(() => new FrameScanner().push(Buffer.from('0000000000030000000000', 'hex'))).message).toMatch(/invalid LLRP message length 3/)
    const big = encodeMessage(Msg.KEEPALIVE, 1, [Buffer.alloc(100)])
    expect(framingError(() => new FrameScanner({ maxFrameBytes: 64 }).push(big)).message).toMatch(/invalid LLRP message length 110/)

    const v2 = encodeMessage(Msg.KEEPALIVE, 9)
    v2.writeUInt16BE((2 << 10) | Msg.KEEPALIVE, 0)
    const [frame] = new FrameScanner().push(v2)
    expect(frame!.version).toBe(2)
    expect(framingError(() => checkVersion(frame!)).message).toMatch(/LLRP version 2 in message type 62/)
    expect(checkVersion(new FrameScanner().push(encodeMessage(Msg.KEEPALIVE, 1))[0]!).id).toBe(1)
  })

  it('rejects a parameter that overruns its message', () => {
    framingError(() => parseParams(Buffer.from('00f0', 'hex')))
    framingError(() => parseParams(Buffer.from('00f00010', 'hex')))
    framingError(() => parseParams(Buffer.of(0x80 | 127)))
  })
})
