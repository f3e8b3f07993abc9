/**
 * DDATA payloads written straight into protobuf bytes (Sparkplug B 3.0 §6.4, the
 * `org.eclipse.tahu.protobuf.Payload` schema): an edge node's hot path, the writing half of the wire
 * codec whose reading half is wire-decode.ts.
 *
 * Why not `encodePayload` (codec.ts): it maps each metric to Tahu's shape, Tahu maps it to protobufjs
 * classes, protobufjs to `Long`s and a writer chain. Profiled on the edge agent's pipeline bench that
 * was ~2.7 KB allocated and ~25 µs of CPU per 5-metric message, over half of the agent's allocation
 * (issue 4, "Speed": RSS and replay rate). This writes the same bytes (the tests compare them with
 * `encodePayload`'s, byte for byte) into one reused scratch buffer, then copies them out once. Only
 * what DDATA carries is written: payload timestamp and seq, and per metric alias, timestamp,
 * datatype, `is_historical` and a scalar value, the value in the field Tahu's `setValue` picks
 * (8/16/32-bit integers in `int_value` as uint32, Int64/UInt32/UInt64/DateTime in `long_value` as
 * uint64, negatives in two's complement as protobufjs writes them).
 */
import { SPARKPLUG_DATA_TYPES, type MetricDataType } from './types.js'

/** A scalar DDATA value (no bigint, Bytes or File: DDATA from the edge agent carries none). */
export type DataValue = number | boolean | string

/** One value to send: its value and source timestamp (ms since 1970). */
export interface DataSample {
  value: DataValue
  timestamp: number
}

/** How a metric goes out in DATA: the alias its BIRTH announced and its datatype's enum value. */
export interface DataMetricRef {
  /** The datatype's enum value, 1..21 (spec §6.4.16; see {@link dataTypeCode}). */
  typeCode: number
  alias: number
}

/** The enum value of `datatype` (spec §6.4.16; the order of `SPARKPLUG_DATA_TYPES`). */
export function dataTypeCode(datatype: MetricDataType): number {
  return SPARKPLUG_DATA_TYPES.indexOf(datatype) + 1
}

// Field tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
const PAYLOAD_TIMESTAMP = (1 << 3) | 0
const PAYLOAD_METRIC = (2 << 3) | 2
const PAYLOAD_SEQ = (3 << 3) | 0
const METRIC_ALIAS = (2 << 3) | 0
const METRIC_TIMESTAMP = (3 << 3) | 0
const METRIC_DATATYPE = (4 << 3) | 0
const METRIC_IS_HISTORICAL = (5 << 3) | 0
const INT_VALUE = (10 << 3) | 0
const LONG_VALUE = (11 << 3) | 0
const FLOAT_VALUE = (12 << 3) | 5
const DOUBLE_VALUE = (13 << 3) | 1
const BOOLEAN_VALUE = (14 << 3) | 0
const STRING_VALUE = (15 << 3) | 2

/** Scratch size to start with, bytes (a 500-metric DDATA of doubles is ~12 KB; it grows when needed). */
const INITIAL_SCRATCH_BYTES = 16 * 1024
/** Most bytes a metric of a non-string value takes: 4 tags + varints (alias, timestamp 10 each) + a 10-byte value. */
const MAX_FIXED_METRIC_BYTES = 64

/** Encodes DDATA payloads; one per message sender (the scratch buffer is reused across calls, never shared). */
export class DataPayloadEncoder {
  #buf = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES)
  #pos = 0

  /**
   * The payload of one DDATA: `timestamp`, then `samples[i]` sent as `metrics[i]`, then `seq`.
   * The caller checked each value against its datatype (a number that fits it, a boolean for
   * Boolean, a string for String/Text/UUID). Returns a buffer of its own.
   */
  encode(timestamp: number, seq: number, samples: readonly DataSample[], metrics: readonly DataMetricRef[], historical: boolean): Buffer {
    this.#pos = 0
    this.#ensure(24)
    this.#varint(PAYLOAD_TIMESTAMP)
    this.#uint64(timestamp)
    for (let i = 0; i < samples.length; i++) this.#metric(samples[i]!, metrics[i]!, historical)
    this.#ensure(8)
    this.#varint(PAYLOAD_SEQ)
    this.#uint64(seq)
    const out = Buffer.allocUnsafe(this.#pos)
    this.#buf.copy(out, 0, 0, this.#pos)
    return out
  }

  #metric(sample: DataSample, metric: DataMetricRef, historical: boolean): void {
    const value = sample.value
    const text = typeof value === 'string' ? Buffer.byteLength(value) : 0
    this.#ensure(MAX_FIXED_METRIC_BYTES + text + 5)
    this.#varint(PAYLOAD_METRIC)
    // The length comes first: reserve one byte (a numeric metric is < 128 bytes) and widen if needed.
    const lengthAt = this.#pos++
    const start = this.#pos
    this.#varint(METRIC_ALIAS)
    this.#uint64(metric.alias)
    this.#varint(METRIC_TIMESTAMP)
    this.#uint64(sample.timestamp)
    this.#varint(METRIC_DATATYPE)
    this.#varint(metric.typeCode)
    if (historical) {
      this.#varint(METRIC_IS_HISTORICAL)
      this.#varint(1)
    }
    this.#value(metric.typeCode, value, text)
    const length = this.#pos - start
    if (length < 0x80) {
      this.#buf[lengthAt] = length
      return
    }
    const extra = varintBytes(length) - 1
    this.#buf.copyWithin(start + extra, start, this.#pos)
    this.#pos = lengthAt
    this.#varint(length)
    this.#pos += length
  }

  /** The value field Tahu's `setValue` uses for `typeCode` (Bytes/File are not DDATA values here). */
  #value(typeCode: number, value: DataValue, textBytes: number): void {
    switch (typeCode) {
      case 1: // Int8
      case 2: // Int16
      case 3: // Int32
      case 5: // UInt8
      case 6: // UInt16
        this.#varint(INT_VALUE)
        this.#varint((value as number) >>> 0) // protobufjs uint32: negatives as their 32-bit pattern
        return
      case 4: // Int64
      case 7: // UInt32
      case 8: // UInt64
      case 13: // DateTime
        this.#varint(LONG_VALUE)
        this.#uint64(value as number)
        return
      case 9: // Float
        this.#varint(FLOAT_VALUE)
        this.#pos = this.#buf.writeFloatLE(value as number, this.#pos)
        return
      case 10: // Double
        this.#varint(DOUBLE_VALUE)
        this.#pos = this.#buf.writeDoubleLE(value as number, this.#pos)
        return
      case 11: // Boolean
        this.#varint(BOOLEAN_VALUE)
        this.#varint(value === true ? 1 : 0)
        return
      default: // String, Text, UUID
        this.#varint(STRING_VALUE)
        this.#varint(textBytes)
        this.#pos += this.#buf.write(value as string, this.#pos, 'utf8')
    }
  }

  /** A varint of a non-negative integer below 2^32. */
  #varint(n: number): void {
    const buf = this.#buf
    while (n > 0x7f) {
      buf[this.#pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    buf[this.#pos++] = n
  }

  /** A uint64 varint of a safe integer, negatives as 64-bit two's complement (protobufjs `LongBits.fromNumber`). */
  #uint64(value: number): void {
    if (value >= 0 && value < 0x80000000) return this.#varint(value)
    const negative = value < 0
    if (negative) value = -value
    let lo = value >>> 0
    let hi = ((value - lo) / 4294967296) >>> 0
    if (negative) {
      hi = ~hi >>> 0
      lo = ~lo >>> 0
      if (++lo > 0xffffffff) {
        lo = 0
        if (++hi > 0xffffffff) hi = 0
      }
    }
    const buf = this.#buf
    while (hi > 0) {
      buf[this.#pos++] = (lo & 0x7f) | 0x80
      lo = ((lo >>> 7) | (hi << 25)) >>> 0
      hi >>>= 7
    }
    this.#varint(lo)
  }

  /** Makes room for `bytes` more (doubling; the old contents are kept). */
  #ensure(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes))
    this.#buf.copy(grown, 0, 0, this.#pos)
    this.#buf = grown
  }
}

/** Bytes of the varint of `n` (non-negative, below 2^32). */
function varintBytes(n: number): number {
  let bytes = 1
  while (n > 0x7f) {
    n >>>= 7
    bytes++
  }
  return bytes
}
