/**
 * PropertySet conversion between RHN's types and Tahu's (spec §6.4.8 PropertySet, §6.4.9
 * PropertyValue, §6.4.10 PropertySetList).
 */
import { ProtocolError } from '../errors/protocol-error.js'
import type { TahuPropertyValue } from './tahu.js'
import { SPARKPLUG_DATA_TYPES, type SparkplugDataType, type SparkplugPropertySet, type SparkplugPropertyValue } from './types.js'
import { decodeValue, encodeValue } from './values.js'

const TYPE_NAMES: ReadonlySet<string> = new Set(SPARKPLUG_DATA_TYPES)

/** True when `type` is a Sparkplug datatype name. */
export function isDataType(type: unknown): type is SparkplugDataType {
  return typeof type === 'string' && TYPE_NAMES.has(type)
}

/** RHN property set → Tahu's `Record<string, UPropertyValue>`; throws RHN_PROTO_PAYLOAD_ENCODE. */
export function encodePropertySet(set: SparkplugPropertySet, where: string): Record<string, TahuPropertyValue> {
  const out: Record<string, TahuPropertyValue> = {}
  for (const [key, prop] of Object.entries(set)) {
    const at = `${where} property "${key}"`
    if (!isDataType(prop.type)) throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${at}: unknown datatype ${String(prop.type)}`)
    out[key] = { type: prop.type, value: encodePropertyValue(prop, at) }
  }
  return out
}

function encodePropertyValue(prop: SparkplugPropertyValue, at: string): unknown {
  const { type, value } = prop
  if (value === null) return null
  if (type === 'PropertySet') {
    if (typeof value !== 'object' || Array.isArray(value)) throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${at}: PropertySet needs an object`)
    return encodePropertySet(value, at)
  }
  if (type === 'PropertySetList') {
    if (!Array.isArray(value)) throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${at}: PropertySetList needs an array`)
    return value.map((s, i) => encodePropertySet(s, `${at}[${i}]`))
  }
  if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${at}: ${type} needs a scalar value`)
  }
  return encodeValue(type, value, at)
}

/** Tahu's decoded property set (unknown shape) → RHN's; throws RHN_PROTO_PAYLOAD_INVALID. */
export function decodePropertySet(raw: unknown, where: string, depth = 0): SparkplugPropertySet {
  // Nesting is bounded by the input size already; the cap keeps error messages short on garbage.
  if (depth > 16) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${where}: property sets nested deeper than 16`)
  if (typeof raw !== 'object' || raw === null) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${where}: properties are not a PropertySet`)
  const entries: [string, SparkplugPropertyValue][] = []
  for (const [key, prop] of Object.entries(raw as Record<string, unknown>)) {
    const at = `${where} property "${key}"`
    if (typeof prop !== 'object' || prop === null) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${at}: no value`)
    const { type, value } = prop as { type?: unknown; value?: unknown }
    if (!isDataType(type)) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${at}: unknown datatype`)
    entries.push([key, { type, value: decodePropertyValue(type, value, at, depth) }])
  }
  return Object.fromEntries(entries)
}

function decodePropertyValue(type: SparkplugDataType, value: unknown, at: string, depth: number): SparkplugPropertyValue['value'] {
  if (value === null) return null
  if (type === 'PropertySet') return decodePropertySet(value, at, depth + 1)
  if (type === 'PropertySetList') {
    if (!Array.isArray(value)) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${at}: PropertySetList is not a list`)
    return value.map((s, i) => decodePropertySet(s, `${at}[${i}]`, depth + 1))
  }
  const decoded = decodeValue(type, value, at)
  if (decoded instanceof Uint8Array) throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `${at}: ${type} is not a property value type`)
  return decoded
}
