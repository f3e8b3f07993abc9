import { describe, expect, it } from 'vitest'
import {
  BED_MODBUS_MAP,
  ProtocolError,
  VENTILATOR_MODBUS_MAP,
  coalesce,
  decodeRegisters,
  encodeRegisters,
  getMetric,
  order32Of,
  validateRegisterMap,
  ventilatorModbusMap,
  wordsFor,
  type RegisterEntry,
  type RegisterMap,
} from '@rhn/protocols'

function invalid(map: RegisterMap): ProtocolError {
  try {
    validateRegisterMap(map)
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('RHN_PROTO_REGISTER_MAP_INVALID')
    return err as ProtocolError
  }
  throw new Error('map was accepted')
}

const e = (metric: string, address: number, more: Partial<RegisterEntry> = {}): RegisterEntry => ({
  metric,
  table: 'holding',
  address,
  type: 'uint16',
  access: 'r',
  ...more,
})

describe('shipped register maps', () => {
  it('name only catalogue metrics and validate', () => {
    for (const map of [VENTILATOR_MODBUS_MAP, BED_MODBUS_MAP]) {
      expect(validateRegisterMap(map)).toBe(map)
      for (const entry of map.entries) expect(() => getMetric(entry.metric)).not.toThrow()
    }
  })

  it('ventilator map uses 16/32-bit ints, scaling and a word-swapped float', () => {
    const byMetric = new Map(VENTILATOR_MODBUS_MAP.entries.map((x) => [x.metric, x]))
    expect(byMetric.get('Ventilation/TidalVolume')).toMatchObject({ type: 'uint16' })
    expect(byMetric.get('Ventilation/FiO2')).toMatchObject({ type: 'int16', scale: 0.1 })
    expect(byMetric.get('Ventilation/PeakPressure')).toMatchObject({ type: 'int32', scale: 0.01 })
    const mv = byMetric.get('Ventilation/MinuteVolume')!
    expect(order32Of(mv)).toBe('CDAB')
    expect(decodeRegisters(mv, [0x0000, 0x4100])).toBe(8) // 8.0 = 0x41000000
  })

  it('variants re-order every 32-bit entry and still validate', () => {
    const dcba = ventilatorModbusMap('DCBA')
    for (const x of dcba.entries) if (x.type.endsWith('32')) expect(order32Of(x)).toBe('DCBA')
    const mv = dcba.entries.find((x) => x.metric === 'Ventilation/MinuteVolume')!
    expect(encodeRegisters(mv, 8)).toEqual([0x0000, 0x0041])
  })

  it('bed map keeps booleans in coils and discrete inputs', () => {
    for (const x of BED_MODBUS_MAP.entries) {
      if (getMetric(x.metric).datatype === 'Boolean') expect(['coil', 'discrete']).toContain(x.table)
    }
  })
})

describe('validateRegisterMap', () => {
  it('rejects overlapping registers, naming both entries', () => {
    const err = invalid({
      name: 't',
      description: '',
      entries: [e('Ventilation/PeakPressure', 10, { type: 'int32' }), e('Ventilation/PEEP', 11)],
    })
    expect(err.message).toContain('"Ventilation/PeakPressure" (holding 10–11)')
    expect(err.message).toContain('"Ventilation/PEEP" (holding 11)')
  })

  it('allows the same address in different tables', () => {
    expect(() => validateRegisterMap({ name: 't', description: '', entries: [e('Ventilation/PEEP', 0), e('Ventilation/FiO2', 0, { table: 'input' })] })).not.toThrow()
  })

  it('rejects out-of-range addresses, including a 32-bit value at the last address', () => {
    expect(invalid({ name: 't', description: '', entries: [e('Ventilation/PEEP', 65536)] }).message).toMatch(/outside the address range/)
    expect(invalid({ name: 't', description: '', entries: [e('Ventilation/PEEP', -1)] }).message).toMatch(/outside/)
    expect(invalid({ name: 't', description: '', entries: [e('Ventilation/PEEP', 65535, { type: 'float32' })] }).message).toMatch(/65535–65536/)
  })

  it('rejects unknown metrics, non-bool coils and writable input registers', () => {
    expect(invalid({ name: 't', description: '', entries: [e('Nope/Nope', 0)] }).message).toMatch(/not in the catalogue/)
    expect(invalid({ name: 't', description: '', entries: [e('Bed/Occupied', 0, { table: 'coil' })] }).message).toMatch(/must be bool/)
    expect(invalid({ name: 't', description: '', entries: [e('Bed/HeadAngle', 0, { table: 'input', access: 'rw' })] }).message).toMatch(/read-only/)
    expect(invalid({ name: 't', description: '', entries: [e('Bed/HeadAngle', 0, { scale: 0 })] }).message).toMatch(/scale/)
  })
})

describe('coalesce', () => {
  it('reads the shipped ventilator map in one request per table', () => {
    const reqs = coalesce(VENTILATOR_MODBUS_MAP.entries)
    expect(reqs.map((r) => [r.table, r.address, r.count])).toEqual([
      ['coil', 0, 4],
      ['discrete', 0, 4],
      ['holding', 100, 4],
      ['input', 0, 15],
    ])
  })

  it('bridges gaps up to maxGap and never splits a 32-bit value', () => {
    const entries = [e('Ventilation/PEEP', 0), e('Ventilation/FiO2', 3), e('Ventilation/PeakPressure', 5, { type: 'int32' })]
    expect(coalesce(entries, 0).map((r) => [r.address, r.count])).toEqual([[0, 1], [3, 1], [5, 2]])
    expect(coalesce(entries, 1).map((r) => [r.address, r.count])).toEqual([[0, 1], [3, 4]])
    expect(coalesce(entries, 2).map((r) => [r.address, r.count])).toEqual([[0, 7]])
    // a limit of 6 cannot hold 0..6, and the int32 at 5–6 stays whole
    expect(coalesce(entries, 2, 6).map((r) => [r.address, r.count])).toEqual([[0, 4], [5, 2]])
  })

  it('respects the Modbus limits: 125 registers, 2000 coils per request', () => {
    const regs = Array.from({ length: 300 }, (_, i) => e('Ventilation/PEEP', i))
    expect(coalesce(regs).map((r) => r.count)).toEqual([125, 125, 50])
    expect(coalesce(regs, 0, 500).map((r) => r.count)).toEqual([125, 125, 50])
    const coils = Array.from({ length: 2500 }, (_, i) => e('Bed/ExitAlarm', i, { table: 'coil', type: 'bool' }))
    expect(coalesce(coils).map((r) => r.count)).toEqual([2000, 500])
    expect(coalesce(coils, 0, 125)).toHaveLength(20)
  })

  it('lets a driver pick each entry out of a response', () => {
    const [input] = coalesce(VENTILATOR_MODBUS_MAP.entries.filter((x) => x.table === 'input'))
    const response = new Array<number>(input!.count).fill(0)
    const peak = input!.entries.find((x) => x.metric === 'Ventilation/PeakPressure')!
    response.splice(peak.address - input!.address, 2, ...encodeRegisters(peak, 31.5))
    expect(decodeRegisters(peak, wordsFor(input!, peak, response))).toBe(31.5)
  })
})
