/**
 * A metric's PropertySet read straight from the wire (spec §6.4.8 PropertySet, §6.4.9
 * PropertyValue, §6.4.10 PropertySetList). Properties travel in BIRTHs only, so this favours
 * exactness over speed: the fields are read first (a later occurrence of a field replaces an earlier
 * one, and values past the last key are read but never interpreted, as with Tahu), then shaped the
 * way Tahu's `decodePropertySet` shapes them, so properties-codec.ts checks them exactly as before.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { decodePropertySet } from './properties-codec.js'
import type { LongLike } from './tahu.js'
import { SPARKPLUG_DATA_TYPES, type SparkplugPropertySet } from './types.js'
import type { WireReader } from './wire-reader.js'
import { METRIC_EXTENSION, walkMessage } from './wire-walk.js'

/** The fields of one PropertyValue as read; `null` where the field was absent. */
interface RawPropertyValue {
  type: number
  isNull: boolean
  intValue: number | null
  long: LongLike | null
  floatValue: number | null
  doubleValue: number | null
  booleanValue: boolean | null
  stringValue: string | null
  propertySet: RawPropertySet | null
  propertySets: RawPropertySet[] | null
}

/** The fields of one PropertySet as read: keys and values pair up by position. */
export interface RawPropertySet {
  keys: string[]
  values: RawPropertyValue[]
}

function malformed(at: string, message: string): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `malformed metric, property or dataset: ${at}: ${message}`)
}

/** Reads one length-prefixed PropertySet at the reader's position. */
export function readPropertySet(r: WireReader): RawPropertySet {
  const end = r.uint32() + r.pos
  const set: RawPropertySet = { keys: [], values: [] }
  while (r.pos < end) {
    const tag = r.uint32()
    if (tag >>> 3 === 1) set.keys.push(r.string())
    else if (tag >>> 3 === 2) set.values.push(readPropertyValue(r))
    else r.skipType(tag & 7)
  }
  return set
}

function readPropertySetList(r: WireReader): RawPropertySet[] {
  const end = r.uint32() + r.pos
  const sets: RawPropertySet[] = []
  while (r.pos < end) {
    const tag = r.uint32()
    if (tag >>> 3 === 1) sets.push(readPropertySet(r))
    else r.skipType(tag & 7)
  }
  return sets
}

function readPropertyValue(r: WireReader): RawPropertyValue {
  const end = r.uint32() + r.pos
  const v: RawPropertyValue = {
    type: 0,
    isNull: false,
    intValue: null,
    long: null,
    floatValue: null,
    doubleValue: null,
    booleanValue: null,
    stringValue: null,
    propertySet: null,
    propertySets: null,
  }
  while (r.pos < end) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: v.type = r.uint32(); break
      case 2: v.isNull = r.uint32() !== 0; break
      case 3: v.intValue = r.uint32(); break
      case 4: r.uint64(); v.long = { low: r.lo | 0, high: r.hi | 0, unsigned: true }; break
      case 5: v.floatValue = r.float(); break
      case 6: v.doubleValue = r.double(); break
      case 7: v.booleanValue = r.uint32() !== 0; break
      case 8: v.stringValue = r.string(); break
      case 9: v.propertySet = readPropertySet(r); break
      case 10: v.propertySets = readPropertySetList(r); break
      case 11: walkMessage(r, METRIC_EXTENSION); break
      default: r.skipType(tag & 7)
    }
  }
  return v
}

/** Tahu's `getValue` for a PropertyValue: the field its datatype names, `Long`s for 64-bit types. */
function tahuValue(v: RawPropertyValue, at: string): unknown {
  switch (v.type) {
    case 1: // Int8
    case 2: // Int16
    case 3: // Int32: Tahu reads an absent int_value as 0 (`new Int32Array([null])`)
      return (v.intValue ?? 0) | 0
    case 5: // UInt8
    case 6: // UInt16
      return v.intValue
    case 4: // Int64
      return v.long === null ? null : { ...v.long, unsigned: false }
    case 7: // UInt32 (Tahu: `Long.toInt()`)
      return v.long === null ? null : v.long.low
    case 8: // UInt64
    case 13: // DateTime
      return v.long
    case 9: return v.floatValue
    case 10: return v.doubleValue
    case 11: return v.booleanValue
    case 12: // String
    case 14: // Text
    case 15: // UUID
      return v.stringValue
    case 16: throw malformed(at, 'a DataSet property has no dataset_value field')
    case 17: // Bytes
    case 18: // File: PropertyValue has no bytes_value field
      return undefined
    case 19: throw malformed(at, 'a Template property has no template_value field')
    case 20:
      if (v.propertySet === null) throw malformed(at, 'PropertySet property without propertyset_value')
      return tahuPropertySet(v.propertySet, at)
    case 21:
      if (v.propertySets === null) throw malformed(at, 'PropertySetList property without propertysets_value')
      return v.propertySets.map((s, i) => tahuPropertySet(s, `${at}[${i}]`))
    default:
      return null
  }
}

/** Tahu's decoded shape of a PropertySet: `{ [key]: { value, type } }` with Tahu's type names. */
function tahuPropertySet(raw: RawPropertySet, where: string): Record<string, unknown> {
  const set: Record<string, unknown> = {}
  for (let i = 0; i < raw.keys.length; i++) {
    const key = raw.keys[i]!
    const at = `${where} property "${key}"`
    const v = raw.values[i]
    if (v === undefined) throw malformed(at, 'no PropertyValue for this key')
    const value = tahuValue(v, at)
    // Plain assignment, as Tahu does (a key "__proto__" sets the prototype and is not an entry).
    set[key] = { value: v.isNull ? null : value, type: SPARKPLUG_DATA_TYPES[v.type - 1] }
  }
  return set
}

/** A metric's raw PropertySet → RHN's, checked by properties-codec.ts; throws RHN_PROTO_PAYLOAD_INVALID. */
export function propertiesOf(raw: RawPropertySet, where: string): SparkplugPropertySet {
  return decodePropertySet(tahuPropertySet(raw, where), where)
}
