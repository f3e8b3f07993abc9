/**
 * Protobuf wire-format reading (https://protobuf.dev/programming-guides/encoding/) for the direct
 * Sparkplug B decoder (wire-decode.ts). It reads exactly what protobufjs 6's `Reader` (the reader
 * of Tahu's generated classes) reads, value for value, with two deliberate differences, both on
 * corrupt input: a string or a 64-bit varint cut off by the end of the input is an error here,
 * where protobufjs returns a clamped string (Node `Buffer` input) or a varint completed with
 * bytes from past the end. Every failure is a {@link ProtocolError} RHN_PROTO_PAYLOAD_INVALID.
 */
import { ProtocolError } from '../errors/protocol-error.js'

/** 2^32, to join the two 32-bit halves of a 64-bit varint. */
const TWO_32 = 4294967296
/** The largest `hi` half whose value is still a safe integer: hi * 2^32 + lo <= 2^53 - 1. */
const SAFE_HI = 0x1fffff

/** A truncation error, worded as protobufjs words it ("index out of range: 7 + 10 > 9"). */
function outOfRange(pos: number, length: number, len: number): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `truncated: a field runs past the end of the input (index out of range: ${pos} + ${length} > ${len})`)
}

/** A uint64 from its 32-bit halves: a number up to 2^53 - 1, else a bigint (the rule of types.ts). */
export function unsigned64(lo: number, hi: number): number | bigint {
  if (hi <= SAFE_HI) return hi * TWO_32 + lo
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/** An int64 (two's complement) from its 32-bit halves: a number within ±(2^53 - 1), else a bigint. */
export function signed64(lo: number, hi: number): number | bigint {
  if (hi < 0x80000000) return unsigned64(lo, hi)
  // The magnitude of the negative value: the two's complement of (hi, lo).
  const mlo = (~lo + 1) >>> 0
  const mhi = (~hi + (mlo === 0 ? 1 : 0)) >>> 0
  if (mhi <= SAFE_HI) return -(mhi * TWO_32 + mlo)
  return -((BigInt(mhi) << 32n) | BigInt(mlo))
}

/** Reads protobuf wire values from one input; `lo`/`hi` hold the halves of the last {@link uint64}. */
export class WireReader {
  readonly buf: Buffer
  readonly len: number
  pos = 0
  /** Low 32 bits (unsigned) of the last 64-bit varint read. */
  lo = 0
  /** High 32 bits (unsigned) of the last 64-bit varint read. */
  hi = 0

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.len = bytes.length
  }

  /** A varint as uint32, like protobufjs `uint32()`: bits past 32 dropped, a 10-byte form skipped. */
  uint32(): number {
    const buf = this.buf
    const len = this.len
    let value = 0
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= len) throw outOfRange(this.pos, 1, len)
      const b = buf[this.pos++]!
      value = (value | ((b & 0x7f) << shift)) >>> 0
      if (b < 0x80) return value
    }
    if (this.pos >= len) throw outOfRange(this.pos, 1, len)
    const b = buf[this.pos++]!
    value = (value | ((b & 0x0f) << 28)) >>> 0
    if (b < 0x80) return value
    // The 10-byte encoding of a negative int32: protobufjs skips the rest unread.
    if (this.pos + 5 > len) throw outOfRange(this.pos, 5, len)
    this.pos += 5
    return value
  }

  /** A varint into {@link lo}/{@link hi}, as protobufjs `readLongVarint` splits it. */
  uint64(): void {
    const buf = this.buf
    const len = this.len
    let lo = 0
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= len) throw outOfRange(this.pos, 1, len)
      const b = buf[this.pos++]!
      lo = (lo | ((b & 0x7f) << shift)) >>> 0
      if (b < 0x80) {
        this.lo = lo
        this.hi = 0
        return
      }
    }
    if (this.pos >= len) throw outOfRange(this.pos, 1, len)
    let b = buf[this.pos++]!
    lo = (lo | ((b & 0x7f) << 28)) >>> 0
    let hi = (b & 0x7f) >> 4
    for (let i = 0; b >= 0x80; i++) {
      if (i === 5) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', 'malformed: invalid varint encoding (more than 10 bytes)')
      if (this.pos >= len) throw outOfRange(this.pos, 1, len)
      b = buf[this.pos++]!
      hi = (hi | ((b & 0x7f) << (i * 7 + 3))) >>> 0
    }
    this.lo = lo
    this.hi = hi
  }

  /** A float32, little-endian. */
  float(): number {
    if (this.pos + 4 > this.len) throw outOfRange(this.pos, 4, this.len)
    const value = this.buf.readFloatLE(this.pos)
    this.pos += 4
    return value
  }

  /** A float64, little-endian. */
  double(): number {
    if (this.pos + 8 > this.len) throw outOfRange(this.pos, 8, this.len)
    const value = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return value
  }

  /** A length prefix and that many bytes: returns where they start; {@link pos} is past them. */
  delimited(): number {
    const length = this.uint32()
    const start = this.pos
    if (start + length > this.len) throw outOfRange(start, length, this.len)
    this.pos = start + length
    return start
  }

  /** A length-delimited UTF-8 string (invalid sequences become U+FFFD, as Node decodes them). */
  string(): string {
    const start = this.delimited()
    return start === this.pos ? '' : this.buf.toString('utf8', start, this.pos)
  }

  /** A copy of `buf[start..end)` as a plain `Uint8Array` (the input buffer may be reused by MQTT). */
  copy(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start)
    out.set(this.buf.subarray(start, end))
    return out
  }

  /** Skips one field of `wireType`, as protobufjs `skipType` does (groups included). */
  skipType(wireType: number): void {
    switch (wireType) {
      case 0:
        do {
          if (this.pos >= this.len) throw outOfRange(this.pos, 1, this.len)
        } while (this.buf[this.pos++]! & 0x80)
        return
      case 1:
        return this.skip(8)
      case 2:
        return this.skip(this.uint32())
      case 3:
        for (let wt = this.uint32() & 7; wt !== 4; wt = this.uint32() & 7) this.skipType(wt)
        return
      case 5:
        return this.skip(4)
      default:
        throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `not a Sparkplug B protobuf: invalid wire type ${wireType} at offset ${this.pos}`)
    }
  }

  private skip(length: number): void {
    if (this.pos + length > this.len) throw outOfRange(this.pos, length, this.len)
    this.pos += length
  }
}
