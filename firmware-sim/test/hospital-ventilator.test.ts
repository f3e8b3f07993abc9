import { describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.js'
import {
  drawVentilation,
  idealBodyWeightKg,
  SimComponent,
  type TimedValue,
  VentilatorDynamics,
  type VentilatorDynamicsInit,
  type VentilatorSettings,
} from '../src/hospital/index.js'
import { createRng } from '../src/rng.js'
import { hospital } from './hospital-support.js'

const MIN = 60_000
const reg = hospital('RXA').units.flatMap((u) => u.sections.flatMap((s) => s.components)).find((c) => c.id === 'rxa-icu-bay-a-vent-01')!

/** A ventilator on a manual clock, recording every value it writes. */
function ventilator(init: VentilatorDynamicsInit = {}, seed = 1) {
  const clock = new ManualClock(Date.parse('2025-01-13T06:00:00Z'))
  const component = new SimComponent(reg, clock)
  const log: [string, TimedValue][] = []
  component.onChange((m, v) => log.push([m, v]))
  const vent = new VentilatorDynamics({ component, clock, rng: createRng(seed, reg.id) }, init)
  vent.start()
  return { clock, component, vent, log }
}

const settings: VentilatorSettings = { mode: 'VC-CMV', respiratoryRate: 20, tidalVolumeMl: 450, peepCmH2O: 10, fio2Percent: 60, ieRatio: 0.5 }
const mechanics = { complianceMlPerCmH2O: 40, resistanceCmH2OPerLps: 12 }

describe('VentilatorDynamics', () => {
  it('shows identity, mains power, a full battery and standby with zero measurements before a patient', () => {
    const { component } = ventilator()
    expect(component.get('Identity/Manufacturer')).toBeTypeOf('string')
    expect(component.get('Identity/SerialNumber')).toMatch(/^[A-Z0-9]{3}\d{6}$/)
    expect(component.get('Status/PowerSource')).toBe('mains')
    expect(component.get('Status/BatteryLevel')).toBe(100)
    expect(component.get('Status/OperatingMode')).toBe('standby')
    expect(component.get('Ventilation/TidalVolume')).toBe(0)
    expect(component.get('Alarms/HighPressure/Active')).toBe(false)
  })

  it('breathes around the settings: VT within 5 %, MV = RR × VT, plateau = PEEP + VT/C, peak above plateau', () => {
    const { clock, component, vent, log } = ventilator({ disconnectionsPerDay: 0 })
    vent.ventilate(settings, mechanics)
    expect(component.get('Status/OperatingMode')).toBe('VC-CMV')
    expect(component.get('Settings/TidalVolume')).toBe(450)
    const breaths: Record<string, number>[] = []
    for (let i = 0; i < 200; i++) {
      clock.advance(MIN / 20)
      const b: Record<string, number> = {}
      for (const m of ['RespiratoryRate', 'TidalVolume', 'PEEP', 'FiO2', 'PeakPressure', 'PlateauPressure', 'MinuteVolume', 'IERatio']) b[m] = Number(component.get(`Ventilation/${m}`))
      breaths.push(b)
    }
    // About one write per breath at 20 /min.
    expect(log.filter(([m]) => m === 'Ventilation/TidalVolume').length).toBeGreaterThan(150)
    for (const b of breaths) {
      expect(Math.abs(b.TidalVolume! - 450)).toBeLessThanOrEqual(0.05 * 450 + 1)
      expect(Math.abs(b.RespiratoryRate! - 20)).toBeLessThanOrEqual(1.05)
      expect(Math.abs(b.PEEP! - 10)).toBeLessThan(1.5)
      expect(Math.abs(b.FiO2! - 60)).toBeLessThan(3)
      expect(b.MinuteVolume!).toBeCloseTo((b.RespiratoryRate! * b.TidalVolume!) / 1000, 2)
      expect(Math.abs(b.PlateauPressure! - (b.PEEP! + b.TidalVolume! / 40))).toBeLessThan(1.5)
      expect(b.PeakPressure!).toBeGreaterThan(b.PlateauPressure!)
      expect(b.IERatio).toBe(0.5)
    }
  })

  it('goes back to standby with zero measurements and stops writing after stop()', () => {
    const { clock, component, vent, log } = ventilator()
    vent.ventilate(settings, mechanics)
    clock.advance(MIN)
    vent.standby()
    expect(vent.inUse).toBe(false)
    expect(component.get('Status/OperatingMode')).toBe('standby')
    expect(component.get('Ventilation/MinuteVolume')).toBe(0)
    vent.ventilate(settings, mechanics)
    vent.stop()
    const n = log.length
    clock.advance(10 * MIN)
    expect(log.length).toBe(n)
  })

  it('raises Disconnection (not LowTidalVolume) while the circuit is open; acknowledging sticks until the next activation', () => {
    const { clock, component, vent, log } = ventilator({ disconnectionsPerDay: 500 })
    vent.ventilate(settings, mechanics)
    const activations = () => log.filter(([m, v]) => m === 'Alarms/Disconnection/Active' && v.value === true).length
    while (activations() === 0) clock.advance(MIN / 20)
    expect(component.get('Alarms/LowTidalVolume/Active')).toBe(false)
    expect(Number(component.get('Ventilation/TidalVolume'))).toBeLessThan(50)
    vent.acknowledge('Disconnection')
    expect(component.get('Alarms/Disconnection/Acknowledged')).toBe(true)
    while (component.get('Alarms/Disconnection/Active') === true) clock.advance(1_000)
    expect(component.get('Alarms/Disconnection/Acknowledged')).toBe(true)
    while (activations() < 2) clock.advance(MIN / 20)
    expect(component.get('Alarms/Disconnection/Acknowledged')).toBe(false)
  })

  it('raises HighPressure when peak pressure passes 40 cmH2O', () => {
    const { clock, component, vent } = ventilator({ disconnectionsPerDay: 0 })
    vent.ventilate({ ...settings, tidalVolumeMl: 700, peepCmH2O: 15 }, { complianceMlPerCmH2O: 25, resistanceCmH2OPerLps: 15 })
    clock.advance(MIN)
    expect(Number(component.get('Ventilation/PeakPressure'))).toBeGreaterThan(40)
    expect(component.get('Alarms/HighPressure/Active')).toBe(true)
  })

  it('drains the battery on mains failure, with LowBattery under 20 %, and recharges on mains', () => {
    const { clock, component, vent } = ventilator({ batteryMinutes: 90, sampleMs: MIN })
    vent.ventilate(settings, mechanics)
    vent.onBattery(true)
    expect(component.get('Status/PowerSource')).toBe('battery')
    clock.advance(60 * MIN)
    expect(Number(component.get('Status/BatteryLevel'))).toBeCloseTo(100 / 3, 0)
    expect(component.get('Alarms/LowBattery/Active')).toBe(false)
    clock.advance(15 * MIN)
    expect(component.get('Alarms/LowBattery/Active')).toBe(true)
    vent.onBattery(false)
    clock.advance(30 * MIN)
    expect(component.get('Status/PowerSource')).toBe('mains')
    expect(Number(component.get('Status/BatteryLevel'))).toBeGreaterThan(20)
    expect(component.get('Alarms/LowBattery/Active')).toBe(false)
  })

  it('raises `count` alarm activations for an alarm burst, even on standby', () => {
    const { clock, vent, log } = ventilator()
    log.length = 0 // forget start()'s initial writes
    vent.alarmBurst(6, 500)
    clock.advance(5_000)
    const on = log.filter(([m, v]) => /^Alarms\/\w+\/Active$/.test(m) && v.value === true)
    const off = log.filter(([m, v]) => /^Alarms\/\w+\/Active$/.test(m) && v.value === false)
    expect(on).toHaveLength(6)
    expect(off).toHaveLength(6)
  })
})

describe('drawVentilation', () => {
  it('draws lung-protective settings within RR 12–28, VT ≈ 6–8 mL/kg IBW, PEEP 5–15, FiO2 30–90', () => {
    const rng = createRng(3, 'settings')
    for (let i = 0; i < 500; i++) {
      const patient = { heightCm: rng.uniform(150, 195), sex: rng.chance(0.5) ? ('F' as const) : ('M' as const) }
      const { settings: s, mechanics: m } = drawVentilation(rng, patient)
      const perKg = s.tidalVolumeMl / idealBodyWeightKg(patient)
      expect(s.respiratoryRate).toBeGreaterThanOrEqual(12)
      expect(s.respiratoryRate).toBeLessThanOrEqual(28)
      expect(perKg).toBeGreaterThan(5.8) // rounded to 10 mL
      expect(perKg).toBeLessThan(8.2)
      expect(s.peepCmH2O).toBeGreaterThanOrEqual(5)
      expect(s.peepCmH2O).toBeLessThanOrEqual(15)
      expect(s.fio2Percent).toBeGreaterThanOrEqual(30)
      expect(s.fio2Percent).toBeLessThanOrEqual(90)
      expect(m.complianceMlPerCmH2O).toBeGreaterThanOrEqual(20)
      expect(m.complianceMlPerCmH2O).toBeLessThanOrEqual(60)
      expect(s.peepCmH2O + s.tidalVolumeMl / m.complianceMlPerCmH2O).toBeLessThanOrEqual(32) // plateau ≲ 30
    }
  })
})
