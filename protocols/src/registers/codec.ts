import { registerWidth, type RegisterEntry } from './types.js'
import { ProtocolError } from '../errors/protocol-error.js'

/** Raw integer range of each integer type. */
const RANGES = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
} as const

function swap16(word: number): number {
  return ((word & 0xff) << 8) | (word >>> 8)
}

/** Canonical big-endian words (ABCD) -> wire words in the entry's order. Self-inverse. */
function reorder(entry: RegisterEntry, words: readonly number[]): number[] {
  let out = [...words]
  if (out.length === 2 && entry.wordOrder === 'little') out = [out[1] ?? 0, out[0] ?? 0]
  if (entry.byteOrder === 'little') out = out.map(swap16)
  return out
}

/** Decimal places of a number as written (0.01 -> 2), so scaled integers decode without float noise. */
function decimals(x: number): number {
  const s = String(x)
  const e = /e-(\d+)$/.exec(s)
  if (e !== null) return Number(e[1])
  const dot = s.indexOf('.')
  return dot < 0 ? 0 : s.length - dot - 1
}

/**
 * Encodes an engineering value into register words (0–65535 each) in the entry's byte/word order.
 * raw = (value - offset) / scale, rounded for integer types.
 * @throws ProtocolError `RHN_PROTO_VALUE_INVALID` when the raw value does not fit the type.
 */
export function encodeRegisters(entry: RegisterEntry, value: number | boolean): number[] {
  if (entry.type === 'bool') return [value === true || (typeof value === 'number' && value !== 0) ? 1 : 0]
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `${entry.metric}: not a finite number: ${String(value)}`)
  const raw = (value - (entry.offset ?? 0)) / (entry.scale ?? 1)
  const view = new DataView(new ArrayBuffer(4))
  if (entry.type === 'float32') {
    view.setFloat32(0, raw)
  } else {
    const int = Math.round(raw)
    const [min, max] = RANGES[entry.type]
    if (int < min || int > max) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `${entry.metric}: raw value ${int} outside ${entry.type} range ${min}..${max}`)
    if (entry.type === 'int16' || entry.type === 'uint16') view.setUint16(0, int & 0xffff)
    else view.setUint32(0, int >>> 0)
  }
  const words = registerWidth(entry) === 2 ? [view.getUint16(0), view.getUint16(2)] : [view.getUint16(0)]
  return reorder(entry, words)
}

/**
 * Decodes register words (as read, in the entry's order) to the engineering value:
 * raw * scale + offset, or a boolean for `bool` (any non-zero register or bit is true).
 * @throws ProtocolError `RHN_PROTO_VALUE_INVALID` when fewer words than the type needs are given.
 */
export function decodeRegisters(entry: RegisterEntry, words: readonly number[]): number | boolean {
  const width = registerWidth(entry)
  if (words.length < width) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `${entry.metric}: ${entry.type} needs ${width} register(s), got ${words.length}`)
  if (entry.type === 'bool') return (words[0] ?? 0) !== 0
  const canonical = reorder(entry, words.slice(0, width))
  const view = new DataView(new ArrayBuffer(4))
  canonical.forEach((w, i) => view.setUint16(i * 2, w & 0xffff))
  const raw =
    entry.type === 'int16' ? view.getInt16(0)
    : entry.type === 'uint16' ? view.getUint16(0)
    : entry.type === 'int32' ? view.getInt32(0)
    : entry.type === 'uint32' ? view.getUint32(0)
    : view.getFloat32(0)
  const scale = entry.scale ?? 1
  const offset = entry.offset ?? 0
  if (scale === 1 && offset === 0) return raw
  const value = raw * scale + offset
  if (entry.type === 'float32') return value
  // A scaled integer has no more decimals than its scale and offset: round away float noise (215*0.1).
  const places = Math.max(decimals(scale), decimals(offset))
  return Number(value.toFixed(Math.min(places, 15)))
}

/** The label of an enum-coded entry's raw value, or undefined when out of range or not an enum. */
export function decodeEnumLabel(entry: RegisterEntry, value: number | boolean): string | undefined {
  return typeof value === 'number' ? entry.enumLabels?.[value] : undefined
}

/** The code of `label` in an enum-coded entry. @throws ProtocolError `RHN_PROTO_VALUE_INVALID` when the label is unknown. */
export function encodeEnumLabel(entry: RegisterEntry, label: string): number {
  const code = entry.enumLabels?.indexOf(label) ?? -1
  if (code < 0) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `${entry.metric}: "${label}" is not one of ${(entry.enumLabels ?? []).join(', ')}`)
  return code
}
