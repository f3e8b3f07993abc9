/**
 * LLRP binary framing for the client side: message header, TLV and TV parameters ("Binary Encoding
 * for LLRP" in LLRP 1.0.1). Our own codec, not llrpjs's: llrpjs 1.0.1 decodes one message per TCP
 * read, and a reader's burst of reports often arrives in one read (firmware-sim LLRP README).
 */
import { HEADER_BYTES, LLRP_VERSION, MAX_FRAME_BYTES, TLV_HEADER_BYTES, TV_LENGTH } from './constants.js'

/** A message as it came off the wire. */
export interface Frame {
  version: number
  type: number
  id: number
  /** Everything after the 10-byte header. */
  body: Buffer
}

/** A parameter: TLV value = fields and sub-parameters after the 4-byte header; TV value = after the type byte. */
export interface LlrpParam {
  type: number
  value: Buffer
}

/** Bytes that cannot be LLRP: the stream cannot be framed any more, or a parameter overruns its message. */
export class LlrpDecodeError extends Error {
  override readonly name = 'LlrpDecodeError'
}

/** Encodes a message: Rsvd(3)=0 Ver(3)=1 Type(10), Length(32, whole message), ID(32). */
export function encodeMessage(type: number, id: number, parts: readonly Buffer[] = []): Buffer {
  const body = Buffer.concat(parts)
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length)
  out.writeUInt16BE((LLRP_VERSION << 10) | (type & 0x3ff), 0)
  out.writeUInt32BE(out.length, 2)
  out.writeUInt32BE(id >>> 0, 6)
  body.copy(out, HEADER_BYTES)
  return out
}

/** Encodes a TLV parameter: Rsvd(6)=0 Type(10), Length(16, header included), then the parts. */
export function tlv(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const out = Buffer.allocUnsafe(TLV_HEADER_BYTES + body.length)
  out.writeUInt16BE(type & 0x3ff, 0)
  out.writeUInt16BE(out.length, 2)
  body.copy(out, TLV_HEADER_BYTES)
  return out
}

/** Unsigned 8-bit field. */
export const u8 = (v: number): Buffer => Buffer.of(v & 0xff)
/** Unsigned 16-bit big-endian field (every LLRP field is big-endian). */
export function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2)
  b.writeUInt16BE(v & 0xffff)
  return b
}
/** Unsigned 32-bit big-endian field. */
export function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32BE(v >>> 0)
  return b
}

/**
 * Splits a TCP byte stream into frames: one read may hold several messages or part of one, and every
 * complete frame is returned however the bytes were chunked.
 */
export class FrameScanner {
  private pending: Buffer = Buffer.alloc(0)

  /** Adds bytes; returns every complete frame. Throws {@link LlrpDecodeError} when the stream cannot be framed. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Frame[] = []
    while (this.pending.length >= HEADER_BYTES) {
      const length = this.pending.readUInt32BE(2)
      if (length < HEADER_BYTES || length > MAX_FRAME_BYTES) throw new LlrpDecodeError(`invalid LLRP message length ${length}`)
      if (this.pending.length < length) break
      const word = this.pending.readUInt16BE(0)
      frames.push({ version: (word >> 10) & 0x7, type: word & 0x3ff, id: this.pending.readUInt32BE(6), body: this.pending.subarray(HEADER_BYTES, length) })
      this.pending = this.pending.subarray(length)
    }
    return frames
  }
}

/** Parses a run of parameters (TLV and TV). Throws {@link LlrpDecodeError} when a length runs past the buffer. */
export function parseParams(buf: Buffer): LlrpParam[] {
  const params: LlrpParam[] = []
  let at = 0
  while (at < buf.length) {
    const first = buf[at]!
    if ((first & 0x80) !== 0) {
      const type = first & 0x7f
      const len = TV_LENGTH[type]
      if (len === undefined || at + len > buf.length) throw new LlrpDecodeError(`bad TV parameter ${type}`)
      params.push({ type, value: buf.subarray(at + 1, at + len) })
      at += len
      continue
    }
    if (at + TLV_HEADER_BYTES > buf.length) throw new LlrpDecodeError('truncated TLV parameter header')
    const type = buf.readUInt16BE(at) & 0x3ff
    const len = buf.readUInt16BE(at + 2)
    if (len < TLV_HEADER_BYTES || at + len > buf.length) throw new LlrpDecodeError(`bad TLV length ${len} for parameter ${type}`)
    params.push({ type, value: buf.subarray(at + TLV_HEADER_BYTES, at + len) })
    at += len
  }
  return params
}

/** The first parameter of `type`, if any. */
export const findParam = (params: readonly LlrpParam[], type: number): LlrpParam | undefined => params.find((p) => p.type === type)
