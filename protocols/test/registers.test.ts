import { describe, expect, it } from 'vitest'
import {
  VENTILATOR_MODBUS_MAP,
  decodeEnumLabel,
  decodeRegisters,
  encodeEnumLabel,
  encodeRegisters,
  orderFrom32,
  order32Of,
  type Order32,
  type RegisterEntry,
  type RegisterType,
} from '@rhn/protocols'

function entry(type: RegisterType, more: Partial<RegisterEntry> = {}): RegisterEntry {
  return { metric: 'Ventilation/TidalVolume', table: 'holding', address: 0, type, access: 'r', ...more }
}

const ORDERS: readonly Order32[] = ['ABCD', 'CDAB', 'BADC', 'DCBA']

describe('register codec', () => {
  it.each([
    // type, order, value, wire words
    ['float32', 'ABCD', 1.0, [0x3f80, 0x0000]],
    ['float32', 'CDAB', 1.0, [0x0000, 0x3f80]],
    ['float32', 'BADC', 1.0, [0x803f, 0x0000]],
    ['float32', 'DCBA', 1.0, [0x0000, 0x803f]],
    ['int32', 'ABCD', 0x12345678, [0x1234, 0x5678]],
    ['int32', 'CDAB', 0x12345678, [0x5678, 0x1234]],
    ['int32', 'BADC', 0x12345678, [0x3412, 0x7856]],
    ['int32', 'DCBA', 0x12345678, [0x7856, 0x3412]],
    ['int32', 'ABCD', -2, [0xffff, 0xfffe]],
    ['uint32', 'ABCD', 4_000_000_000, [0xee6b, 0x2800]],
    ['uint32', 'CDAB', 4_000_000_000, [0x2800, 0xee6b]],
  ] as const)('%s %s: %d <-> %j', (type, order, value, words) => {
    const e = entry(type, orderFrom32(order))
    expect(order32Of(e)).toBe(order)
    expect(encodeRegisters(e, value)).toEqual(words)
    expect(decodeRegisters(e, words)).toBe(value)
  })

  it('encodes 16-bit types, with byte swap', () => {
    expect(encodeRegisters(entry('int16'), -2)).toEqual([0xfffe])
    expect(decodeRegisters(entry('int16'), [0xfffe])).toBe(-2)
    expect(encodeRegisters(entry('int16', { byteOrder: 'little' }), -2)).toEqual([0xfeff])
    expect(decodeRegisters(entry('int16', { byteOrder: 'little' }), [0xfeff])).toBe(-2)
    expect(encodeRegisters(entry('uint16'), 65535)).toEqual([0xffff])
    expect(decodeRegisters(entry('uint16'), [0xffff])).toBe(65535)
    expect(encodeRegisters(entry('uint16', { byteOrder: 'little' }), 0x1234)).toEqual([0x3412])
  })

  it('encodes booleans for coils and registers', () => {
    expect(encodeRegisters(entry('bool', { table: 'coil' }), true)).toEqual([1])
    expect(encodeRegisters(entry('bool', { table: 'coil' }), false)).toEqual([0])
    expect(decodeRegisters(entry('bool', { table: 'coil' }), [1])).toBe(true)
    expect(decodeRegisters(entry('bool'), [0x0100])).toBe(true)
    expect(decodeRegisters(entry('bool'), [0])).toBe(false)
  })

  it('round-trips every numeric type in every order', () => {
    const samples: Record<Exclude<RegisterType, 'bool'>, number[]> = {
      int16: [-32768, -1, 0, 1, 32767],
      uint16: [0, 1, 65535],
      int32: [-2147483648, -1, 0, 123456789, 2147483647],
      uint32: [0, 1, 4294967295],
      float32: [0, -1.5, 3.25, 1e-3, 65504],
    }
    for (const [type, values] of Object.entries(samples) as [Exclude<RegisterType, 'bool'>, number[]][]) {
      for (const order of ORDERS) {
        const e = entry(type, orderFrom32(order))
        for (const v of values) {
          const words = encodeRegisters(e, v)
          for (const w of words) expect(w >= 0 && w <= 0xffff && Number.isInteger(w)).toBe(true)
          expect(decodeRegisters(e, words)).toBeCloseTo(v, 6)
        }
      }
    }
  })

  it('applies scale and offset: engineering = raw * scale + offset', () => {
    const fio2 = entry('int16', { scale: 0.1 })
    expect(encodeRegisters(fio2, 21.5)).toEqual([215])
    expect(decodeRegisters(fio2, [215])).toBe(21.5) // no float noise
    const peak = entry('int32', { scale: 0.01 })
    expect(encodeRegisters(peak, 25.37)).toEqual([0x0000, 0x09e9])
    expect(decodeRegisters(peak, [0x0000, 0x09e9])).toBe(25.37)
    const temp = entry('int16', { scale: 0.5, offset: -40 })
    expect(encodeRegisters(temp, 20)).toEqual([120])
    expect(decodeRegisters(temp, [120])).toBe(20)
  })

  it('rejects values that do not fit and short reads', () => {
    expect(() => encodeRegisters(entry('uint16'), -1)).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' }))
    expect(() => encodeRegisters(entry('int16', { scale: 0.1 }), 4000)).toThrow(/int16 range/)
    expect(() => encodeRegisters(entry('uint16'), Number.NaN)).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' }))
    expect(() => decodeRegisters(entry('float32'), [0x3f80])).toThrow(/needs 2/)
  })

  it('maps enum-coded status registers to catalogue strings', () => {
    const mode = VENTILATOR_MODBUS_MAP.entries.find((e) => e.metric === 'Status/OperatingMode')!
    expect(decodeEnumLabel(mode, decodeRegisters(mode, [0]))).toBe('standby')
    expect(encodeEnumLabel(mode, 'PSV')).toBe(3)
    expect(() => encodeEnumLabel(mode, 'HFOV')).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' }))
  })
})
