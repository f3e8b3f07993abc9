import { patientFlowMetricName, SEVERITIES } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { type HospitalSnapshot, isValidNhsNumber, nhsCheckDigit } from '../src/hospital/index.js'
import { exampleScenario, HOUR_MS, rig, scenarioWith } from './hospital-support.js'

/** Runs `hours` virtual hours, taking a snapshot at the end of each. */
function runHours(r: ReturnType<typeof rig>, hours: number): HospitalSnapshot[] {
  const series: HospitalSnapshot[] = []
  for (let h = 0; h < hours; h++) {
    r.clock.advance(HOUR_MS)
    series.push(r.model.snapshot())
  }
  return series
}

/** Every metric value of every component, for comparing whole runs. */
function allValues(r: ReturnType<typeof rig>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [id, c] of r.components) for (const m of c.metrics()) out[`${id}:${m}`] = c.get(m)
  return out
}

describe('HospitalModel: one seed, one history', () => {
  const scenario = exampleScenario('winter-surge')

  it('gives the same ADT events, snapshots and device values over 24 virtual hours for the same seed, and others for another seed', () => {
    const a = rig('RXB', scenario, 7)
    const b = rig('RXB', scenario, 7)
    const c = rig('RXB', scenario, 8)
    for (const r of [a, b, c]) r.model.start()
    const [sa, sb, sc] = [a, b, c].map((r) => runHours(r, 24))
    expect(a.events.length).toBeGreaterThan(100)
    // Compared as JSON: a deep toEqual of thousands of values costs seconds, a string compare microseconds.
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events))
    expect(JSON.stringify(sb)).toBe(JSON.stringify(sa))
    expect(JSON.stringify(allValues(b))).toBe(JSON.stringify(allValues(a)))
    expect(c.events.map((e) => e.patient.nhsNumber)).not.toEqual(a.events.map((e) => e.patient.nhsNumber))
    expect(JSON.stringify(sc)).not.toBe(JSON.stringify(sa))
    for (const r of [a, b, c]) r.model.stop()
  })

  it('sends the patients already in at start as initial A01s, matching the baseline occupancy per unit', () => {
    const r = rig('RXA', scenario)
    r.model.start()
    const initial = r.events.filter((e) => e.initial)
    expect(initial.length).toBe(r.events.length)
    for (const u of r.model.snapshot().units) {
      expect(u.beds.occupied, u.unitId).toBe(Math.round(u.beds.total * scenario.baselineOccupancy[u.type]))
      expect(initial.filter((e) => e.toUnit === u.unitId)).toHaveLength(u.beds.occupied)
    }
    // Case mix fits the unit: no mild patient in ICU, no critical one on a ward; admitted before start.
    expect(initial.some((e) => e.toUnit.includes('icu') && e.severity === 'mild')).toBe(false)
    expect(initial.some((e) => e.toUnit.includes('ward') && e.severity === 'critical')).toBe(false)
    expect(initial.every((e) => e.patient.admittedAt <= e.at)).toBe(true)
    r.model.stop()
  })

  it('leaves no timer behind after stop()', () => {
    const r = rig('RXC', scenario)
    r.model.start()
    r.clock.advance(2 * HOUR_MS)
    r.model.stop()
    expect(r.model.pendingTimers()).toBe(0)
    const before = allValues(r)
    const n = r.events.length
    r.clock.advance(24 * HOUR_MS)
    expect(r.events.length).toBe(n)
    expect(allValues(r)).toEqual(before)
  })
})

describe('HospitalModel: admissions follow the surge curve', () => {
  it('admits about ten times as many patients per hour at a 20/h peak as at a 2/h baseline, within Poisson tolerance', () => {
    const scenario = scenarioWith({ surge: [{ atHours: 0, admissionsPerHour: 2 }, { atHours: 10, admissionsPerHour: 2 }, { atHours: 11, admissionsPerHour: 20 }, { atHours: 21, admissionsPerHour: 20 }], deliveries: [] })
    const r = rig('RXC', scenario)
    r.model.start()
    runHours(r, 21)
    const start = Date.parse(scenario.startTime)
    const admitted = (fromH: number, toH: number) =>
      r.events.filter((e) => e.type === 'A01' && !e.initial && e.at >= start + fromH * HOUR_MS && e.at < start + toH * HOUR_MS).length
    const quiet = admitted(0, 10) // expected 20
    const peak = admitted(11, 21) // expected 200
    expect(Math.abs(quiet - 20)).toBeLessThan(4 * Math.sqrt(20))
    expect(Math.abs(peak - 200)).toBeLessThan(4 * Math.sqrt(200))
    expect(peak).toBeGreaterThan(4 * quiet)
    r.model.stop()
  })
})

describe('HospitalModel: placement, ventilators and boarding', () => {
  it('puts critical patients on ventilators in ICU when ICU beds are free, head of bed at 30–45°', () => {
    const scenario = scenarioWith({ baselineOccupancy: { icu: 0, hdu: 0.5, ed: 0.5, ward: 0.9, theatre: 0, isolation: 0.5 }, severityMix: { mild: 0, severe: 0, critical: 1 }, ventilatorNeed: { mild: 0, severe: 0, critical: 1 }, surge: [{ atHours: 0, admissionsPerHour: 1 }] })
    const r = rig('RXA', scenario)
    r.model.start()
    runHours(r, 12)
    const admits = r.events.filter((e) => e.type === 'A01' && !e.initial)
    expect(admits.length).toBeGreaterThan(3)
    for (const e of admits) {
      expect(e.toUnit).toBe('rxa-icu')
      expect(e.ventilated).toBe(true)
      expect(e.boarding).toBe(false)
      const bed = r.components.get(e.bedId)!
      expect(bed.get('Bed/Occupied')).toBe(true)
      expect(bed.get('Bed/HeadAngle')).toBeGreaterThanOrEqual(30)
      expect(bed.get('Bed/HeadAngle')).toBeLessThanOrEqual(45)
      expect(Math.abs(Number(bed.get('Bed/PatientWeight')) - e.patient.weightKg)).toBeLessThan(1.5) // scale noise sd 0.3 kg
    }
    const icu = r.model.snapshot().units.find((u) => u.unitId === 'rxa-icu')!
    expect(icu.ventilators.inUse).toBe(icu.census.critical)
    const inUse = [...r.components.values()].filter((c) => c.kind === 'ventilator' && c.get('Status/OperatingMode') !== 'standby')
    expect(inUse.every((c) => c.unitId === 'rxa-icu')).toBe(true)
    r.model.stop()
  })

  it('sends critical patients to HDU when ICU is full, then boards them in ED, counted, until a bed frees', () => {
    const critical = { severityMix: { mild: 0, severe: 0, critical: 1 }, surge: [{ atHours: 0, admissionsPerHour: 3 }], lengthOfStayDays: { mild: 3, severe: 8, critical: 60 } }
    const toHdu = rig('RXA', scenarioWith({ ...critical, baselineOccupancy: { icu: 1, hdu: 0, ed: 0, ward: 0.9, theatre: 0, isolation: 0 } }))
    toHdu.model.start()
    toHdu.clock.advance(2 * HOUR_MS)
    const first = toHdu.events.find((e) => e.type === 'A01' && !e.initial)!
    expect(first.toUnit).toBe('rxa-hdu')
    toHdu.model.stop()

    const boarding = rig('RXA', scenarioWith({ ...critical, baselineOccupancy: { icu: 1, hdu: 1, ed: 0.9, ward: 0.9, theatre: 0, isolation: 0 } }))
    boarding.model.start()
    const series = runHours(boarding, 8)
    const boarded = boarding.events.filter((e) => e.type === 'A01' && !e.initial && e.boarding)
    expect(boarded.length).toBeGreaterThan(5)
    expect(boarded.every((e) => e.toUnit === 'rxa-ed')).toBe(true)
    // Trolleys first, then the corridor (no bed) once ED is full too.
    expect(boarded.some((e) => e.bedId.startsWith('rxa-ed-'))).toBe(true)
    expect(boarded.some((e) => e.bedId === '')).toBe(true)
    const last = series[series.length - 1]!
    const moved = boarding.events.filter((e) => e.type === 'A02' && e.fromUnit === 'rxa-ed' && !e.boarding).length
    const left = boarding.events.filter((e) => e.type === 'A03' && e.fromUnit === 'rxa-ed' && boarded.some((b) => b.patient.key === e.patient.key)).length
    expect(last.boarding).toBe(boarded.length - moved - left)
    expect(last.units.find((u) => u.unitId === 'rxa-ed')!.boarding).toBe(last.boarding)
    expect(series.some((s) => s.boarding > 0 && s.awaitingVentilator > 0)).toBe(true)
    boarding.model.stop()
  })

  it('steps ICU patients down with an A08 then an A02, releasing their ventilator', () => {
    const r = rig('RXA', scenarioWith({ lengthOfStayDays: { mild: 1, severe: 1, critical: 1 } }))
    r.model.start()
    runHours(r, 24)
    const improved = r.events.filter((e) => e.type === 'A08' && e.severity === 'severe' && e.toUnit === 'rxa-icu')
    expect(improved.length).toBeGreaterThan(0)
    expect(improved.every((e) => !e.ventilated)).toBe(true)
    const stepDowns = improved.flatMap((a08) => r.events.filter((e) => e.type === 'A02' && e.patient.key === a08.patient.key && e.at === a08.at))
    expect(stepDowns.length).toBeGreaterThan(0)
    for (const e of stepDowns) {
      expect(e.fromUnit).toBe('rxa-icu')
      expect(e.toUnit === 'rxa-hdu' || e.toUnit.startsWith('rxa-ward-')).toBe(true)
    }
    r.model.stop()
  })
})

describe('HospitalModel: identities and patient flow', () => {
  it('gives every patient a distinct NHS number in the 999 test range with a valid modulus-11 check digit', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true) // the NHS Data Dictionary's worked example
    expect(isValidNhsNumber('9434765918')).toBe(false)
    expect(nhsCheckDigit('943476591')).toBe(9)
    const r = rig('RXA', exampleScenario('winter-surge'))
    r.model.start()
    runHours(r, 12)
    const people = new Map(r.events.map((e) => [e.patient.key, e.patient]))
    expect(people.size).toBeGreaterThan(300)
    for (const p of people.values()) {
      expect(p.nhsNumber).toMatch(/^999\d{7}$/)
      expect(isValidNhsNumber(p.nhsNumber)).toBe(true)
      expect(p.mrn.startsWith('RXA')).toBe(true)
      expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(p.address.postcode.startsWith('ZZ')).toBe(true)
    }
    expect(new Set([...people.values()].map((p) => p.nhsNumber)).size).toBe(people.size)
    r.model.stop()
  })

  it('writes census by severity and daily admissions to the ADT feed component, equal to the snapshot', () => {
    const r = rig('RXA', exampleScenario('winter-surge'))
    r.model.start()
    const snap = runHours(r, 6).at(-1)!
    const feed = r.components.get('rxa-adt')!
    for (const s of SEVERITIES) expect(feed.get(patientFlowMetricName('Census', s))).toBe(snap.units.reduce((n, u) => n + u.census[s], 0))
    expect(feed.get(patientFlowMetricName('Admissions'))).toBe(snap.admissions)
    expect(feed.get(patientFlowMetricName('Discharges'))).toBe(snap.discharges)
    const occupied = [...r.components.values()].filter((c) => c.kind === 'bed' && c.get('Bed/Occupied') === true).length
    expect(occupied).toBe(snap.units.reduce((n, u) => n + u.beds.occupied, 0))
    r.model.stop()
  })
})
