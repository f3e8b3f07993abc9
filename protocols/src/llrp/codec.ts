/**
 * LLRP binary framing: message header, TLV and TV parameters ("Binary Encoding for LLRP" in LLRP 1.0.1),
 * shared by the simulated reader (firmware-sim) and the driver (edge-agent). Our own codec, not llrpjs's:
 * llrpjs 1.0.1 decodes one message per TCP read, and a reader's burst of reports often arrives in one
 * read; firmware-sim's tests decode what the reader sends with llrpjs, an independent codec.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { HEADER_BYTES, LLRP_VERSION, TLV_HEADER_BYTES, TV_LENGTH } from './constants.js'

/** A message as it came off the wire. */
export interface Frame {
  version: number
  type: number
  id: number
  /** Everything after the 10-byte header: fields, then parameters. */
  body: Buffer
}

/** A parameter inside a message or another parameter. */
export interface LlrpParam {
  type: number
  /** For TLV: fields and sub-parameters after the 4-byte header; for TV: the value after the type byte. */
  value: Buffer
}

/**
 * Bytes that cannot be LLRP: the stream cannot be framed any more, a message has the wrong version,
 * or a parameter overruns its message. Code `RHN_PROTO_LLRP_FRAMING`.
 */
export class LlrpFramingError extends ProtocolError {
  constructor(message: string, options?: ErrorOptions) {
    super('RHN_PROTO_LLRP_FRAMING', message, options)
  }
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

/** Encodes a TLV parameter: Rsvd(6)=0 Type(10), Length(16, header included), then fields and sub-parameters. */
export function tlv(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const out = Buffer.allocUnsafe(TLV_HEADER_BYTES + body.length)
  out.writeUInt16BE(type & 0x3ff, 0)
  out.writeUInt16BE(out.length, 2)
  body.copy(out, TLV_HEADER_BYTES)
  return out
}

/** Encodes a TV parameter: 1 then Type(7), then the fixed-size value. */
export function tv(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.of(0x80 | type), value])
}

/** Unsigned 8-bit field. */
export const u8 = (v: number): Buffer => Buffer.of(v & 0xff)
/** Unsigned 16-bit field, big-endian like every LLRP field. */
export function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2)
  b.writeUInt16BE(v & 0xffff)
  return b
}
/** Signed 16-bit field. */
export function s16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2)
  b.writeInt16BE(v)
  return b
}
/** Unsigned 32-bit field. */
export function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32BE(v >>> 0)
  return b
}
/** Unsigned 64-bit field (timestamps in microseconds). */
export function u64(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8)
  b.writeBigUInt64BE(v)
  return b
}
/** utf8v: a 16-bit byte count, then UTF-8 bytes. */
export function utf8v(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8')
  return Buffer.concat([u16(bytes.length), bytes])
}
/** u8v: a 16-bit element count, then the bytes. */
export function u8v(values: readonly number[]): Buffer {
  return Buffer.concat([u16(values.length), Buffer.from(values)])
}

/**
 * Default bound on one frame, used when a side does not choose its own: a ROSpec is a few hundred bytes
 * and a report of ~2,000 tags ~60 KiB; this only bounds memory against a corrupt length field.
 */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024 // 4 MiB

/** Options of {@link FrameScanner}; every field optional. */
export interface FrameScannerInit {
  /** Largest whole message accepted, bytes (header included); default {@link DEFAULT_MAX_FRAME_BYTES}. */
  maxFrameBytes?: number
}

/**
 * Splits a TCP byte stream into frames. A TCP read may hold several messages or part of one, so every
 * complete frame is returned, however the bytes were chunked; the rest is kept for the next push.
 * The version is not checked here: a reader answers a wrong version with an ERROR_MESSAGE
 * ("Binary Encoding", message header), a client may use {@link checkVersion}.
 */
export class FrameScanner {
  private pending: Buffer = Buffer.alloc(0)
  private readonly maxFrameBytes: number

  constructor(init: FrameScannerInit = {}) {
    this.maxFrameBytes = init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
  }

  /** Adds bytes; returns every complete frame. Throws {@link LlrpFramingError} when the stream cannot be framed. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Frame[] = []
    while (this.pending.length >= HEADER_BYTES) {
      const length = this.pending.readUInt32BE(2)
      if (length < HEADER_BYTES || length > this.maxFrameBytes) {
        throw new LlrpFramingError(`invalid LLRP message length ${length}`)
      }
      if (this.pending.length < length) break
      const word = this.pending.readUInt16BE(0)
      frames.push({
        version: (word >> 10) & 0x7,
        type: word & 0x3ff,
        id: this.pending.readUInt32BE(6),
        body: this.pending.subarray(HEADER_BYTES, length),
      })
      this.pending = this.pending.subarray(length)
    }
    return frames
  }

  /** Bytes received but not yet a whole frame. */
  get buffered(): number {
    return this.pending.length
  }
}

/** Returns `frame` if it is LLRP 1.0.1; throws {@link LlrpFramingError} otherwise. */
export function checkVersion(frame: Frame): Frame {
  if (frame.version !== LLRP_VERSION) throw new LlrpFramingError(`LLRP version ${frame.version} in message type ${frame.type}`)
  return frame
}

/** Parses a run of parameters (TLV and TV). Throws {@link LlrpFramingError} when a length runs past the buffer. */
export function parseParams(buf: Buffer): LlrpParam[] {
  const params: LlrpParam[] = []
  let at = 0
  while (at < buf.length) {
    const first = buf[at]!
    if ((first & 0x80) !== 0) {
      const type = first & 0x7f
      const len = TV_LENGTH[type]
      if (len === undefined || at + len > buf.length) throw new LlrpFramingError(`bad TV parameter ${type}`)
      params.push({ type, value: buf.subarray(at + 1, at + len) })
      at += len
      continue
    }
    if (at + TLV_HEADER_BYTES > buf.length) throw new LlrpFramingError('truncated TLV parameter header')
    const type = buf.readUInt16BE(at) & 0x3ff
    const len = buf.readUInt16BE(at + 2)
    if (len < TLV_HEADER_BYTES || at + len > buf.length) throw new LlrpFramingError(`bad TLV length ${len} for parameter ${type}`)
    params.push({ type, value: buf.subarray(at + TLV_HEADER_BYTES, at + len) })
    at += len
  }
  return params
}

/** The first parameter of `type`, if any. */
export const findParam = (params: readonly LlrpParam[], type: number): LlrpParam | undefined => params.find((p) => p.type === type)
