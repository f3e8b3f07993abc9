import { describe, expect, it } from 'vitest'
import {
  COMPONENT_KINDS,
  METRICS,
  ProtocolError,
  UCUM_UNITS,
  getMetric,
  isKnownMetric,
  isKnownUcumUnit,
  metricsOfKind,
  parsePpeMetricName,
  patientFlowMetricName,
  ppeMetricName,
} from '@rhn/protocols'

describe('metric catalogue', () => {
  it('has unique names in the Folder/Name scheme', () => {
    const names = METRICS.map((m) => m.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*(\/([A-Z][A-Za-z0-9]*|\{gtin\}))+$/)
  })

  it('uses only known UCUM units, and none on Boolean or String metrics', () => {
    for (const m of METRICS) {
      if (m.datatype === 'Boolean' || m.datatype === 'String') expect(m.unit, m.name).toBeUndefined()
      else expect(m.unit !== undefined && isKnownUcumUnit(m.unit), `${m.name}: ${String(m.unit)}`).toBe(true)
    }
  })

  it('lists capacity units and rejects unit look-alikes (UCUM is case-sensitive)', () => {
    for (const u of ['{count}', '1', 'd', 'h', '%']) expect(UCUM_UNITS.has(u)).toBe(true)
    for (const u of ['ml', 'cmH2O', 'bpm', 'L/MIN', 'Kg']) expect(isKnownUcumUnit(u)).toBe(false)
  })

  it('records MDC codes as partition * 65536 + term', () => {
    const coded = METRICS.filter((m) => m.mdc !== undefined)
    expect(coded.length).toBeGreaterThanOrEqual(8)
    for (const m of coded) expect(m.mdc?.code, m.name).toBe((m.mdc?.partition ?? 0) * 65536 + (m.mdc?.term ?? 0))
  })

  it('carries the eight ventilator codes checked against two sources', () => {
    const expected: Record<string, [string, number]> = {
      'Ventilation/RespiratoryRate': ['MDC_VENT_RESP_RATE', 151586],
      'Ventilation/TidalVolume': ['MDC_VENT_VOL_TIDAL', 151980],
      'Ventilation/PEEP': ['MDC_VENT_PRESS_AWAY_END_EXP_POS', 151976],
      'Ventilation/FiO2': ['MDC_VENT_CONC_AWAY_O2_INSP', 151920],
      'Ventilation/PeakPressure': ['MDC_PRESS_AWAY_INSP_MAX', 151817],
      'Ventilation/PlateauPressure': ['MDC_PRESS_RESP_PLAT', 151784],
      'Ventilation/MinuteVolume': ['MDC_VOL_MINUTE_AWAY', 151880],
      'Ventilation/IERatio': ['MDC_RATIO_IE', 151832],
    }
    for (const [name, [refId, code]] of Object.entries(expected)) {
      expect(getMetric(name).mdc).toMatchObject({ refId, code, partition: 2 })
    }
  })

  it('gives every component kind its metrics, device state included', () => {
    for (const kind of COMPONENT_KINDS) {
      const names = metricsOfKind(kind).map((m) => m.name)
      expect(names).toContain('Device/Online')
      expect(names.length).toBeGreaterThan(2)
    }
    expect(metricsOfKind('bed').map((m) => m.name)).toEqual(
      expect.arrayContaining(['Bed/Occupied', 'Bed/PatientWeight', 'Bed/ExitAlarm', 'Bed/SideRailsUp', 'Bed/BrakeSet', 'Bed/HeadAngle']),
    )
    expect(getMetric('Bed/HeadAngle').unit).toBe('deg')
    expect(getMetric('Alarms/Disconnection/Acknowledged').writable).toBe(true)
  })

  it('throws RHN_PROTO_METRIC_UNKNOWN for a name not in the catalogue', () => {
    expect(() => getMetric('Ventilation/Nope')).toThrow(ProtocolError)
    try {
      getMetric('Ventilation/Nope')
    } catch (err) {
      expect((err as ProtocolError).code).toBe('RHN_PROTO_METRIC_UNKNOWN')
      expect((err as Error).message).toContain('Ventilation/Nope')
    }
  })

  it('builds, parses and resolves per-GTIN PPE names', () => {
    const name = ppeMetricName('Stock', '05012345678900')
    expect(name).toBe('PPE/Stock/05012345678900')
    expect(parsePpeMetricName(name)).toEqual({ counter: 'Stock', gtin: '05012345678900' })
    expect(getMetric(name)).toMatchObject({ name: 'PPE/Stock/{gtin}', unit: '{count}', resourceClass: 'consumable' })
    expect(isKnownMetric('PPE/Taken/05012345678900')).toBe(true)
    expect(() => ppeMetricName('Stock', '05012345678901')).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' })) // bad check digit
    expect(parsePpeMetricName('PPE/Stock/05012345678901')).toBeUndefined()
    expect(isKnownMetric('PPE/Stock/123')).toBe(false)
  })

  it('counts patient flow per severity with no identifiers', () => {
    expect(patientFlowMetricName('Census')).toBe('PatientFlow/Census')
    expect(patientFlowMetricName('TransfersOut', 'critical')).toBe('PatientFlow/TransfersOut/Critical')
    const flow = metricsOfKind('patient-flow').filter((m) => m.name.startsWith('PatientFlow/'))
    expect(flow).toHaveLength(5 * 4)
    for (const m of flow) expect(m.unit).toBe('{count}')
  })

  it('is frozen', () => {
    expect(Object.isFrozen(METRICS)).toBe(true)
    expect(Object.isFrozen(METRICS[0])).toBe(true)
  })
})
