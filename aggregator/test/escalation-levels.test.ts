import { escalationSchema, type EscalationConfig } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { AdmissionTrend, escalationOf, hospitalEscalation, OPEL1_REASON, trendPercent, unitEscalation } from '../src/escalation/index.js'
import { data, FFP3, makeTwin, T0 } from './twin-support.js'

const DEFAULTS: EscalationConfig = escalationSchema.parse({})
const HOUR = 3_600_000

describe('escalationOf', () => {
  it('is OPEL 1 below every opel2 threshold, and with no indicators at all', () => {
    expect(escalationOf({ occupancyPercent: 84, ventilatorsInUsePercent: 69, ppeDaysOfSupply: 15, admissionTrendPercent: 9 }, DEFAULTS, 'ICU')).toMatchObject({ level: 1, reason: OPEL1_REASON, findings: [] })
    expect(escalationOf({}, DEFAULTS, 'ICU')).toMatchObject({ level: 1, reason: 'all indicators below OPEL 2' })
  })

  it('takes the highest level any indicator reaches, naming it with value and threshold', () => {
    const r = escalationOf({ occupancyPercent: 96, ventilatorsInUsePercent: 72 }, DEFAULTS, 'ICU')
    expect(r.level).toBe(3)
    expect(r.reason).toBe('ICU occupancy 96 % > 92 %')
    expect(escalationOf({ occupancyPercent: 50, ppeDaysOfSupply: 2.46, ppeLine: 'ffp3-mask' }, DEFAULTS, 'Isolation')).toMatchObject({ level: 4, reason: 'Isolation ffp3-mask supply 2.5 days < 3 days' })
    expect(escalationOf({ admissionTrendPercent: 30 }, DEFAULTS, 'Hospital')).toMatchObject({ level: 3, reason: 'Hospital admissions up 30 % > 25 %' })
  })

  it('escalates at the threshold itself and says so (≥, ≤)', () => {
    expect(escalationOf({ occupancyPercent: 85 }, DEFAULTS, 'Ward')).toMatchObject({ level: 2, reason: 'Ward occupancy 85 % ≥ 85 %' })
    expect(escalationOf({ ppeDaysOfSupply: 7 }, DEFAULTS, 'ED')).toMatchObject({ level: 3, reason: 'ED PPE supply 7 days ≤ 7 days' })
  })

  it('names every indicator at the top level, and follows configured thresholds', () => {
    const r = escalationOf({ occupancyPercent: 98, ventilatorsInUsePercent: 96 }, DEFAULTS, 'ICU')
    expect(r.level).toBe(4)
    expect(r.reason).toBe('ICU occupancy 98 % > 97 %; ICU ventilators in use 96 % > 95 %')
    const strict = escalationSchema.parse({ occupancyPercent: { opel2: 50, opel3: 60, opel4: 70 } })
    expect(escalationOf({ occupancyPercent: 65 }, strict, 'ICU')).toMatchObject({ level: 3, reason: 'ICU occupancy 65 % > 60 %' })
  })
})

describe('unit and hospital escalation from live twin rollups', () => {
  it('escalates the ICU as its beds fill, while the whole hospital stays at OPEL 1', () => {
    const { twin } = makeTwin()
    const icu = () => unitEscalation(twin.capacity('unit', 'rxa-icu')!, 'icu', DEFAULTS)
    expect(icu()).toMatchObject({ level: 1, reason: OPEL1_REASON })
    // 23 of the ICU's 24 beds: 95.8 %.
    let n = 0
    for (const bay of ['a', 'b']) {
      for (let i = 1; i <= 12 && n < 23; i++, n++) twin.apply(data(`rxa-icu-bay-${bay}-bed-${String(i).padStart(2, '0')}`, { 'Bed/Occupied': true }, T0))
    }
    expect(icu()).toMatchObject({ level: 3, reason: 'ICU occupancy 96 % > 92 %' })
    expect(icu().indicators.occupancyPercent).toBeCloseTo((23 / 24) * 100, 6)
    const hospital = hospitalEscalation(twin.capacity('hospital', 'RXA')!, DEFAULTS)
    expect(hospital.level).toBe(1)
  })

  it('escalates on the PPE line with the fewest days of supply', () => {
    const { twin } = makeTwin()
    // 288 masks a day taken, 600 left: about 2 days of supply.
    for (let i = 0; i <= 144; i++) twin.apply(data('rxa-icu-bay-a-ppe-1', { [`PPE/Stock/${FFP3}`]: 888 - 2 * i, [`PPE/Taken/${FFP3}`]: 2 * i }, T0 + i * 600_000))
    const r = unitEscalation(twin.capacity('unit', 'rxa-icu')!, 'icu', DEFAULTS)
    expect(r.level).toBe(4)
    expect(r.reason).toBe('ICU ffp3-mask supply 2.1 days < 3 days')
  })
})

describe('admission trend', () => {
  it('compares the last window with the one before, across the midnight reset of the counter', () => {
    const trend = new AdmissionTrend(24 * HOUR)
    // Day 1: 10 admissions; day 2: 15 (the counter resets at midnight).
    for (let h = 0; h <= 24; h++) trend.observe(Math.round((10 * h) / 24), T0 + h * HOUR)
    expect(trend.percent()).toBeUndefined()
    for (let h = 1; h <= 24; h++) trend.observe(Math.round((15 * h) / 24), T0 + (24 + h) * HOUR)
    expect(trend.percent()).toBeCloseTo(50, 0)
    expect(escalationOf({ admissionTrendPercent: trend.percent()! }, DEFAULTS, 'Hospital').level).toBe(4)
  })

  it('has no trend without a baseline', () => {
    expect(trendPercent(5, 0)).toBeUndefined()
    expect(trendPercent(12, 10)).toBeCloseTo(20, 6)
  })
})
