import { describe, expect, it } from 'vitest'
import {
  ENGINEERING_UNITS,
  UNECE_NAMESPACE_URI,
  VENTILATOR_FOLDERS,
  VENTILATOR_NAMESPACE_URI,
  VENTILATOR_OPCUA_VARIABLES,
  getMetric,
  isKnownUcumUnit,
  metricsOfKind,
  opcuaVariableAt,
  opcuaVariableForMetric,
  parseVentilatorNodeId,
  uneceUnitId,
  ventilatorExpandedNodeId,
  ventilatorNodeId,
} from '@rhn/protocols'

describe('OPC UA ventilator layout', () => {
  it('maps every variable to a catalogue metric with a matching unit and type', () => {
    for (const v of VENTILATOR_OPCUA_VARIABLES) {
      const metric = getMetric(v.metric)
      expect(metric.kinds).toContain('ventilator')
      expect(v.engineeringUnits?.ucum, v.path).toBe(metric.unit)
      const expectedType = metric.datatype === 'Boolean' ? 'Boolean' : metric.datatype === 'String' ? 'String' : 'Double'
      expect(v.dataType, v.path).toBe(expectedType)
      expect(v.writable, v.path).toBe(metric.writable === true)
      expect(VENTILATOR_FOLDERS).toContain(v.folder)
      expect(v.path.startsWith(`${v.folder}.`)).toBe(true)
    }
  })

  it('exposes every ventilator metric except the driver-side device state', () => {
    const exposed = new Set(VENTILATOR_OPCUA_VARIABLES.map((v) => v.metric))
    const missing = metricsOfKind('ventilator').filter((m) => !exposed.has(m.name)).map((m) => m.name)
    expect(missing).toEqual(['Device/Online', 'Device/LastError'])
  })

  it('gives each variable a unique path and node id, and a way back', () => {
    const ids = VENTILATOR_OPCUA_VARIABLES.map((v) => ventilatorNodeId('vent-01', v.path))
    expect(new Set(ids).size).toBe(ids.length)
    expect(new Set(VENTILATOR_OPCUA_VARIABLES.map((v) => v.metric)).size).toBe(ids.length)
    for (const v of VENTILATOR_OPCUA_VARIABLES) {
      expect(opcuaVariableAt(v.path)).toBe(v)
      expect(opcuaVariableForMetric(v.metric)).toBe(v)
    }
  })

  it('gives measurements an EURange and UNECE EngineeringUnits', () => {
    const measurements = VENTILATOR_OPCUA_VARIABLES.filter((v) => v.folder === 'Measurements')
    expect(measurements).toHaveLength(8)
    for (const v of measurements) {
      expect(v.euRange!.low).toBeLessThan(v.euRange!.high)
      expect(v.engineeringUnits!.namespaceUri).toBe(UNECE_NAMESPACE_URI)
      expect(v.engineeringUnits!.unitId).toBe(uneceUnitId(v.engineeringUnits!.commonCode))
    }
    for (const [ucum, eu] of Object.entries(ENGINEERING_UNITS)) expect(isKnownUcumUnit(ucum) && eu.ucum === ucum).toBe(true)
  })

  it('packs UNECE common codes as OPC 10000-8 says', () => {
    expect(uneceUnitId('CEL')).toBe(4408652) // degree Celsius, the example clients commonly check
    expect(uneceUnitId('C81')).toBe(0x433831) // radian
    expect(ENGINEERING_UNITS['mL']!.unitId).toBe(0x4d4c54) // "MLT"
  })

  it('builds and parses string node ids', () => {
    expect(ventilatorNodeId('vent-01', 'Measurements.RespiratoryRate')).toBe('ns=1;s=vent-01.Measurements.RespiratoryRate')
    expect(ventilatorNodeId('vent-01', '')).toBe('ns=1;s=vent-01')
    expect(ventilatorNodeId('vent-01', 'Alarms.LowBattery.Active', 3)).toBe('ns=3;s=vent-01.Alarms.LowBattery.Active')
    expect(ventilatorExpandedNodeId('vent-01', 'Status.BatteryLevel')).toBe(`nsu=${VENTILATOR_NAMESPACE_URI};s=vent-01.Status.BatteryLevel`)
    expect(parseVentilatorNodeId('ns=1;s=vent-01.Alarms.HighPressure.Active')).toEqual({ namespaceIndex: 1, deviceId: 'vent-01', path: 'Alarms.HighPressure.Active' })
    expect(parseVentilatorNodeId('i=85')).toBeUndefined()
    expect(() => ventilatorNodeId('vent.01', 'Status.BatteryLevel')).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' }))
    expect(() => ventilatorNodeId('vent-01', 'Status..BatteryLevel')).toThrow(expect.objectContaining({ code: 'RHN_PROTO_VALUE_INVALID' }))
  })
})
