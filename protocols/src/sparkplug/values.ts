/**
 * Conversion of metric and property values between RHN's types and what Tahu's codec writes and
 * reads. Range checks follow the datatype table of spec §6.4.16; 8/16-bit and 32-bit integers travel
 * in `int_value` (uint32), UInt32/64-bit types in `long_value` (uint64), as Tahu's `setValue` does.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import type { LongLike } from './tahu.js'
import type { SparkplugDataType, SparkplugValue } from './types.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Integer ranges per datatype, inclusive. */
const INTEGER_RANGES: Partial<Record<SparkplugDataType, readonly [bigint, bigint]>> = {
  Int8: [-(2n ** 7n), 2n ** 7n - 1n],
  Int16: [-(2n ** 15n), 2n ** 15n - 1n],
  Int32: [-(2n ** 31n), 2n ** 31n - 1n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  UInt8: [0n, 2n ** 8n - 1n],
  UInt16: [0n, 2n ** 16n - 1n],
  UInt32: [0n, 2n ** 32n - 1n],
  UInt64: [0n, 2n ** 64n - 1n],
  DateTime: [0n, 2n ** 64n - 1n],
}

/** True for a protobufjs `Long` (or any object of that shape). */
export function isLongLike(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && 'low' in value && 'high' in value && 'unsigned' in value
}

/**
 * A `Long`, `number` or `bigint` as `number` when |v| <= 2^53 - 1, else as `bigint`
 * (the one integer rule of this codec, see types.ts).
 */
export function toSafeInteger(value: LongLike | number | bigint): number | bigint {
  let big: bigint
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') big = value
  else {
    const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)
    big = value.unsigned ? bits : BigInt.asIntN(64, bits)
  }
  return big >= -MAX_SAFE && big <= MAX_SAFE ? Number(big) : big
}

/** A 64-bit integer as the `{low, high, unsigned}` shape protobufjs's writer accepts. */
function toLongLike(value: bigint, unsigned: boolean): LongLike {
  const bits = BigInt.asUintN(64, value)
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned }
}

function encodeError(where: string, message: string): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${where}: ${message}`)
}

/**
 * Checks `value` against `type` and returns it in the form Tahu's `encodePayload` writes.
 * Throws RHN_PROTO_PAYLOAD_ENCODE naming `where` when the value does not fit.
 */
export function encodeValue(type: SparkplugDataType, value: SparkplugValue, where: string): unknown {
  if (value === null) return null
  const range = INTEGER_RANGES[type]
  if (range !== undefined) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw encodeError(where, `${type} value ${value} is not an integer (use a bigint beyond 2^53)`)
    }
    if (typeof value !== 'number' && typeof value !== 'bigint') {
      throw encodeError(where, `${type} needs a number or bigint, got ${typeof value}`)
    }
    const big = BigInt(value)
    if (big < range[0] || big > range[1]) throw encodeError(where, `${type} value ${big} is outside ${range[0]}..${range[1]}`)
    if (typeof value === 'number') return value
    return toLongLike(big, type !== 'Int64')
  }
  switch (type) {
    case 'Float':
    case 'Double':
      if (typeof value !== 'number') throw encodeError(where, `${type} needs a number, got ${typeof value}`)
      return value
    case 'Boolean':
      if (typeof value !== 'boolean') throw encodeError(where, `Boolean needs a boolean, got ${typeof value}`)
      return value
    case 'String':
    case 'Text':
    case 'UUID':
      if (typeof value !== 'string') throw encodeError(where, `${type} needs a string, got ${typeof value}`)
      return value
    case 'Bytes':
    case 'File':
      if (!(value instanceof Uint8Array)) throw encodeError(where, `${type} needs a Uint8Array, got ${typeof value}`)
      return value
    default:
      throw encodeError(where, `datatype ${type} is not supported for this value`)
  }
}

function decodeError(where: string, message: string): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${where}: ${message}`)
}

/**
 * Converts a value Tahu's `decodePayload` produced for `type` into RHN's form.
 * Throws RHN_PROTO_PAYLOAD_INVALID naming `where` when it has the wrong shape.
 */
export function decodeValue(type: SparkplugDataType, value: unknown, where: string): SparkplugValue {
  if (value === null) return null
  switch (type) {
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'UInt8':
    case 'UInt16':
    case 'Float':
    case 'Double':
      if (typeof value !== 'number') throw decodeError(where, `${type} value is not a number`)
      return value
    case 'UInt32':
      // Tahu decodes UInt32 with Long.toInt(), which is signed: restore the unsigned value.
      if (typeof value === 'number') return value >>> 0
      if (isLongLike(value)) return value.low >>> 0
      throw decodeError(where, 'UInt32 value is not an integer')
    case 'Int64':
    case 'UInt64':
    case 'DateTime':
      if (typeof value === 'number' || isLongLike(value)) return toSafeInteger(value)
      throw decodeError(where, `${type} value is not an integer`)
    case 'Boolean':
      if (typeof value !== 'boolean') throw decodeError(where, 'Boolean value is not a boolean')
      return value
    case 'String':
    case 'Text':
    case 'UUID':
      if (typeof value !== 'string') throw decodeError(where, `${type} value is not a string`)
      return value
    case 'Bytes':
    case 'File':
      // protobufjs yields a Buffer on Node (or a plain array for the default): copy to a Uint8Array.
      if (value instanceof Uint8Array || Array.isArray(value)) return Uint8Array.from(value as ArrayLike<number>)
      throw decodeError(where, `${type} value is not bytes`)
    default:
      throw decodeError(where, `datatype ${type} is not supported for this value`)
  }
}
