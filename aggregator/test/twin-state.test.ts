import { parseRegistry } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import type { TwinEvent } from '../src/twin/index.js'
import { birth, data, makeTwin, REGISTRY_TEXT, T0 } from './twin-support.js'

const VENT = 'rxa-icu-bay-a-vent-01'

describe('twin state', () => {
  it('returns one store point per timestamp with bounded tags', () => {
    const { twin } = makeTwin()
    const points = twin.apply(data(VENT, { 'Ventilation/PEEP': 8.1, 'Status/OperatingMode': 'VC-CMV', 'Alarms/HighPressure/Active': false }, T0))
    expect(points).toEqual([
      {
        tags: { region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset: VENT, kind: 'ventilator' },
        fields: { 'Ventilation/PEEP': 8.1, 'Status/OperatingMode': 'VC-CMV', 'Alarms/HighPressure/Active': false },
        timestamp: T0,
      },
    ])
  })

  it('stores historical data but never lets it overwrite newer live state', () => {
    const { twin } = makeTwin()
    twin.apply(data(VENT, { 'Ventilation/PEEP': 8 }, T0 + 60_000))
    // A replay from the gateway outbox: older values, flagged historical.
    const replay = {
      type: 'device-data' as const,
      device: { groupId: 'RXA', edgeNodeId: 'gw-rxa-crit', deviceId: VENT },
      metrics: [
        { name: 'Ventilation/PEEP', value: 5, timestamp: T0, historical: true },
        { name: 'Ventilation/PEEP', value: 6, timestamp: T0 + 30_000, historical: true },
        { name: 'Ventilation/RespiratoryRate', value: 14, timestamp: T0 + 30_000, historical: true },
      ],
      at: T0 + 61_000,
    }
    const points = twin.apply(replay)
    expect(points.map((p) => [p.timestamp, p.fields])).toEqual([
      [T0, { 'Ventilation/PEEP': 5 }],
      [T0 + 30_000, { 'Ventilation/PEEP': 6, 'Ventilation/RespiratoryRate': 14 }],
    ])
    const view = twin.asset(VENT)!
    expect(view.values['Ventilation/PEEP']).toMatchObject({ value: 8, timestamp: T0 + 60_000 })
    // A metric the twin had no newer value for does become current.
    expect(view.values['Ventilation/RespiratoryRate']).toMatchObject({ value: 14, timestamp: T0 + 30_000 })
    // A historical-only message is not a sign of life: last seen stays at the live report.
    expect(view.lastSeen).toBe(T0 + 60_000)
    // A late live value older than the current one is stored only, too.
    expect(twin.apply(data(VENT, { 'Ventilation/PEEP': 7 }, T0 + 50_000))).toHaveLength(1)
    expect(twin.asset(VENT)!.values['Ventilation/PEEP']!.value).toBe(8)
  })

  it('tells change subscribers once per message that made a value current, not for a value older than the current one', () => {
    const { twin } = makeTwin()
    let changes = 0
    const off = twin.onChange(() => changes++)
    twin.apply(data(VENT, { 'Ventilation/PEEP': 8, 'Ventilation/RespiratoryRate': 14 }, T0 + 60_000))
    expect(changes).toBe(2) // the device came online, and its values (two metrics, one call)
    twin.apply(data(VENT, { 'Ventilation/PEEP': 7 }, T0 + 50_000)) // stored only: nothing a person sees moved
    expect(changes).toBe(2)
    twin.apply(data(VENT, { 'Ventilation/PEEP': 9, 'Ventilation/RespiratoryRate': 15 }, T0 + 70_000))
    expect(changes).toBe(3)
    off()
    twin.apply(data(VENT, { 'Ventilation/PEEP': 10 }, T0 + 80_000))
    expect(changes).toBe(3)
  })

  it('takes a device value timed before a BIRTH that said "not known yet" (the device clock lags the gateway)', () => {
    const { twin } = makeTwin()
    twin.apply(birth(VENT, { 'Status/OperatingMode': null }, T0 + 60_000))
    twin.apply(data(VENT, { 'Status/OperatingMode': 'VC-CMV' }, T0))
    expect(twin.asset(VENT)!.values['Status/OperatingMode']?.value).toBe('VC-CMV')
    expect(twin.capacity('unit', 'rxa-icu')!.ventilators.inUse).toBe(1)
  })

  it('shows an unknown device under unassigned with a warning alarm, its points tagged unassigned', () => {
    const warnings: [Record<string, unknown>, string][] = []
    const { twin } = makeTwin({ logger: { warn: (o, m) => warnings.push([o, m]), debug: () => undefined } })
    const points = twin.apply(data('mystery-pump', { 'Device/Online': true }, T0, { gateway: 'gw-rxa-ward' }))
    expect(points[0]!.tags).toEqual({ region: 'north', hospital: 'RXA', unit: 'unassigned', section: 'unassigned', asset: 'gw-rxa-ward:mystery-pump', kind: 'unassigned' })
    const unassigned = twin.tree().children.find((c) => c.level === 'unassigned')!
    expect(unassigned.children.map((c) => c.id)).toEqual(['gw-rxa-ward:mystery-pump'])
    expect(unassigned.rollup.devices).toEqual({ total: 1, online: 1, stale: 0 })
    const [alarm] = twin.alarms({ asset: 'gw-rxa-ward:mystery-pump' })
    expect(alarm).toMatchObject({ source: 'unassigned', priority: 'low', state: 'active', path: ['RXA', 'unassigned', 'unassigned'] })
    expect(alarm!.message).toContain('mystery-pump')
    expect(warnings).toEqual([[{ group: 'RXA', edgeNode: 'gw-rxa-ward', device: 'mystery-pump', asset: 'gw-rxa-ward:mystery-pump' }, expect.stringContaining('unassigned')]])
    // Further data of the same device is no new warning.
    twin.apply(data('mystery-pump', { 'Device/Online': true }, T0 + 1000, { gateway: 'gw-rxa-ward' }))
    expect(warnings).toHaveLength(1)
    expect(twin.alarms({ asset: 'gw-rxa-ward:mystery-pump' })).toHaveLength(1)
    expect(twin.asset('gw-rxa-ward:mystery-pump')).toMatchObject({ kind: 'unassigned', online: true, values: { 'Device/Online': { value: true } } })
    // A device of the registry reported in another group is not this hospital's component.
    twin.apply(data(VENT, { 'Ventilation/PEEP': 5 }, T0, { group: 'RXB' }))
    expect(twin.asset('RXB:gw-rxa-crit:rxa-icu-bay-a-vent-01')?.kind).toBe('unassigned')
    expect(twin.asset(VENT)!.values).toEqual({})
  })

  it('gives current values UCUM units from the birth, else from the catalogue', () => {
    const { twin } = makeTwin()
    twin.apply(birth(VENT, { 'Ventilation/PEEP': 8, 'Status/BatteryLevel': 90, 'Status/OperatingMode': 'PSV' }, T0, { units: { 'Ventilation/PEEP': 'cm[H2O]' } }))
    const v = twin.asset(VENT)!.values
    expect(v['Ventilation/PEEP']).toEqual({ value: 8, timestamp: T0, unit: 'cm[H2O]' })
    expect(v['Status/BatteryLevel']).toEqual({ value: 90, timestamp: T0, unit: '%' })
    expect(v['Status/OperatingMode']).toEqual({ value: 'PSV', timestamp: T0 })
  })

  it('emits value, online and alarm events carrying the registry path', () => {
    const { twin, events } = makeTwin()
    twin.apply(birth('rxa-hdu-main-bed-04', { 'Bed/Occupied': true }, T0))
    twin.apply(data('rxa-hdu-main-bed-04', { 'Bed/ExitAlarm': true }, T0 + 1000))
    const path = ['RXA', 'rxa-hdu', 'rxa-hdu-main']
    expect(events.map((e) => e.type)).toEqual(['online', 'value', 'value', 'alarm'])
    for (const e of events) expect(e).toMatchObject({ asset: 'rxa-hdu-main-bed-04', path })
    expect(events[0]).toMatchObject({ online: true, at: T0 })
    expect(events[1]).toMatchObject({ metric: 'Bed/Occupied', value: { value: true, timestamp: T0 } })
    expect((events[3] as Extract<TwinEvent, { type: 'alarm' }>).alarm).toMatchObject({ source: 'bed-exit', state: 'active' })
  })

  it('keeps state over a registry reload, adopts a newly registered device and drops a removed one', () => {
    const { twin, clock } = makeTwin()
    twin.apply(data('rxa-icu-bay-a-bed-01', { 'Bed/Occupied': true }, T0))
    twin.apply(data('rxa-ward-2-bay-a-bed-01', { 'Bed/Occupied': true }, T0))
    twin.apply(data('rxa-ward-2-bay-a-bed-02', { 'Bed/ExitAlarm': true }, T0))
    // An ICU bed 13 is installed and reports before the registry knows it.
    twin.apply(data('rxa-icu-bay-a-bed-13', { 'Bed/Occupied': true, 'Bed/ExitAlarm': true }, T0, { gateway: 'gw-rxa-crit' }))
    expect(twin.alarms({ asset: 'gw-rxa-crit:rxa-icu-bay-a-bed-13', state: 'active' })).toHaveLength(2)

    // New registry: bay A has 13 beds, ward 2 bay A is gone.
    clock.advance(1000)
    const text = REGISTRY_TEXT.replace('prefix: rxa-icu-bay-a-bed-, count: 12', 'prefix: rxa-icu-bay-a-bed-, count: 13').replace(
      / {10}- id: rxa-ward-2-bay-a\n[\s\S]*?(?= {10}- id: rxa-ward-2-bay-b)/,
      '',
    )
    twin.setRegistry(parseRegistry(text))

    expect(twin.asset('rxa-icu-bay-a-bed-01')).toMatchObject({ online: true, lastSeen: T0, values: { 'Bed/Occupied': { value: true } } })
    expect(twin.asset('rxa-icu-bay-a-bed-13')).toMatchObject({ kind: 'bed', online: true, path: ['RXA', 'rxa-icu', 'rxa-icu-bay-a'] })
    expect(twin.asset('gw-rxa-crit:rxa-icu-bay-a-bed-13')).toBeUndefined()
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.beds).toMatchObject({ total: 13, occupied: 2 })
    // Its bed-exit alarm is now raised under its registry id; the old ones are cleared.
    expect(twin.alarms({ asset: 'rxa-icu-bay-a-bed-13', state: 'active' }).map((a) => a.source)).toEqual(['bed-exit'])
    expect(twin.alarms({ asset: 'gw-rxa-crit:rxa-icu-bay-a-bed-13' }).every((a) => a.state === 'cleared')).toBe(true)
    // Removed beds: gone from the twin, their alarms cleared.
    expect(twin.asset('rxa-ward-2-bay-a-bed-01')).toBeUndefined()
    expect(twin.capacity('section', 'rxa-ward-2-bay-a')).toBeUndefined()
    expect(twin.alarms({ asset: 'rxa-ward-2-bay-a-bed-02' })).toMatchObject([{ state: 'cleared', clearedAt: T0 + 1000 }])
    expect(twin.tree().children.some((c) => c.level === 'unassigned')).toBe(false)
    expect(twin.capacity('hospital', 'RXA')!.alarms.active).toBe(1)
  })

  it('refuses a registry without its hospital and keeps the old one', () => {
    const { twin } = makeTwin()
    const other = parseRegistry(REGISTRY_TEXT.replace(/id: RXA\b/, 'id: RXZ'))
    expect(() => twin.setRegistry(other)).toThrow(expect.objectContaining({ code: 'RHN_AGG_CONFIG_INVALID' }))
    expect(twin.capacity('hospital', 'RXA')).toBeDefined()
  })
})
