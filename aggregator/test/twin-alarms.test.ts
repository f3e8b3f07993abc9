import { describe, expect, it } from 'vitest'
import type { TwinEvent } from '../src/twin/index.js'
import { data, makeTwin, rule, T0 } from './twin-support.js'

const VENT = 'rxa-icu-bay-b-vent-03'
const alarmEvents = (events: TwinEvent[]) => events.flatMap((e) => (e.type === 'alarm' ? [e.alarm] : []))

describe('twin alarms', () => {
  it('raises device alarms from Alarms/X/Active with IEC 60601-1-8 style priorities and clears them', () => {
    const { twin } = makeTwin()
    twin.apply(
      data(VENT, { 'Alarms/HighPressure/Active': true, 'Alarms/Disconnection/Active': true, 'Alarms/LowTidalVolume/Active': true, 'Alarms/LowBattery/Active': true }, T0),
    )
    const byKey = Object.fromEntries(twin.alarms({ asset: VENT }).map((a) => [a.key, a]))
    expect(Object.fromEntries(Object.entries(byKey).map(([k, a]) => [k, a.priority]))).toEqual({
      [`${VENT}/HighPressure`]: 'high',
      [`${VENT}/Disconnection`]: 'high',
      [`${VENT}/LowTidalVolume`]: 'medium',
      [`${VENT}/LowBattery`]: 'medium',
    })
    expect(byKey[`${VENT}/HighPressure`]).toMatchObject({ source: 'device', state: 'active', raisedAt: T0, path: ['RXA', 'rxa-icu', 'rxa-icu-bay-b'] })
    expect(twin.capacity('unit', 'rxa-icu')!.alarms.active).toBe(4)
    // A repeated true is the same alarm, not a new one.
    twin.apply(data(VENT, { 'Alarms/HighPressure/Active': true }, T0 + 500))
    expect(twin.alarms({ asset: VENT })).toHaveLength(4)

    twin.apply(data(VENT, { 'Alarms/HighPressure/Active': false }, T0 + 1000))
    expect(twin.alarms({ asset: VENT, state: 'cleared' })).toMatchObject([{ key: `${VENT}/HighPressure`, clearedAt: T0 + 1000 }])
    expect(twin.capacity('unit', 'rxa-icu')!.alarms.active).toBe(3)
    expect(twin.asset(VENT)!.alarms).toHaveLength(4)
  })

  it('acknowledges by user, keeps cleared alarms in history, and makes a re-raise a new alarm', () => {
    const { twin, clock, events } = makeTwin()
    twin.apply(data(VENT, { 'Alarms/Disconnection/Active': true }, T0))
    const [raised] = twin.alarms({ state: 'active' })
    clock.advance(20_000)
    const acked = twin.acknowledge(raised!.id, 'sister.jones')
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sister.jones', acknowledgedAt: T0 + 20_000 })
    // Acknowledged is still open: it counts, and a second acknowledge changes nothing.
    expect(twin.capacity('hospital', 'RXA')!.alarms.active).toBe(1)
    expect(twin.acknowledge(raised!.id, 'someone.else')).toMatchObject({ acknowledgedBy: 'sister.jones' })
    expect(twin.acknowledge('no-such-alarm', 'x')).toBeUndefined()

    twin.apply(data(VENT, { 'Alarms/Disconnection/Active': false }, T0 + 30_000))
    twin.apply(data(VENT, { 'Alarms/Disconnection/Active': true }, T0 + 40_000))
    const all = twin.alarms({ asset: VENT })
    expect(all).toHaveLength(2)
    expect(all[0]).toMatchObject({ state: 'active', raisedAt: T0 + 40_000 })
    expect(all[0]!.acknowledgedBy).toBeUndefined()
    expect(all[1]).toMatchObject({ id: raised!.id, state: 'cleared', acknowledgedBy: 'sister.jones', clearedAt: T0 + 30_000 })
    expect(all[0]!.id).not.toBe(raised!.id)
    expect(alarmEvents(events).map((a) => a.state)).toEqual(['active', 'acknowledged', 'cleared', 'active'])
    // Returned alarms are copies: changing one does not change the twin.
    all[0]!.state = 'cleared'
    expect(twin.alarms({ state: 'active' })).toHaveLength(1)
  })

  it('mirrors an acknowledgement made at the device', () => {
    const { twin } = makeTwin()
    twin.apply(data(VENT, { 'Alarms/LowTidalVolume/Active': true }, T0))
    twin.apply(data(VENT, { 'Alarms/LowTidalVolume/Acknowledged': true }, T0 + 3000))
    expect(twin.alarms({ asset: VENT })).toMatchObject([{ state: 'acknowledged', acknowledgedBy: 'device', acknowledgedAt: T0 + 3000 }])
  })

  it('raises a high-priority bed-exit alarm and clears it when the bed resets', () => {
    const { twin } = makeTwin()
    twin.apply(data('rxa-ward-1-bay-b-bed-07', { 'Bed/ExitAlarm': true }, T0))
    expect(twin.alarms({ state: 'active' })).toMatchObject([
      { asset: 'rxa-ward-1-bay-b-bed-07', source: 'bed-exit', priority: 'high', key: 'rxa-ward-1-bay-b-bed-07/bed-exit', path: ['RXA', 'rxa-ward-1', 'rxa-ward-1-bay-b'] },
    ])
    twin.apply(data('rxa-ward-1-bay-b-bed-07', { 'Bed/ExitAlarm': false }, T0 + 90_000))
    expect(twin.alarms({ state: 'active' })).toEqual([])
    expect(twin.alarms({ state: 'cleared' })).toHaveLength(1)
  })

  it('applies a threshold rule at once when forMs is 0', () => {
    const { twin } = makeTwin({ rules: [rule({ id: 'peep-high', metric: 'Ventilation/PEEP', op: '>', value: 15, severity: 'high' })] })
    twin.apply(data(VENT, { 'Ventilation/PEEP': 15 }, T0))
    expect(twin.alarms()).toEqual([])
    twin.apply(data(VENT, { 'Ventilation/PEEP': 16 }, T0 + 1000))
    expect(twin.alarms()).toMatchObject([{ source: 'threshold', priority: 'high', key: `${VENT}/rule/peep-high`, raisedAt: T0 + 1000 }])
    expect(twin.alarms()[0]!.message).toContain('peep-high')
    twin.apply(data(VENT, { 'Ventilation/PEEP': 10 }, T0 + 2000))
    expect(twin.alarms({ state: 'active' })).toEqual([])
  })

  it('raises a rule with forMs only once the condition has held that long, by data time or by the clock', () => {
    const battery = rule({ id: 'battery-low', metric: 'Status/BatteryLevel', op: '<', value: 20, forMs: 15_000 })
    const { twin, clock } = makeTwin({ rules: [battery] })
    // Data time: values at 0 s and 10 s are not enough, 16 s is.
    twin.apply(data(VENT, { 'Status/BatteryLevel': 19 }, T0))
    twin.apply(data(VENT, { 'Status/BatteryLevel': 18 }, T0 + 10_000))
    expect(twin.alarms()).toEqual([])
    twin.apply(data(VENT, { 'Status/BatteryLevel': 17 }, T0 + 16_000))
    expect(twin.alarms({ state: 'active' })).toMatchObject([{ key: `${VENT}/rule/battery-low`, priority: 'medium' }])

    // A dip shorter than forMs never alarms.
    const other = 'rxa-icu-bay-b-vent-04'
    twin.apply(data(other, { 'Status/BatteryLevel': 10 }, T0 + 20_000))
    twin.apply(data(other, { 'Status/BatteryLevel': 50 }, T0 + 25_000))
    clock.t = T0 + 60_000
    twin.checkStale()
    expect(twin.alarms({ asset: other })).toEqual([])

    // Report by exception: one value and then silence; the clock check raises it after forMs.
    const third = 'rxa-icu-bay-b-vent-05'
    twin.apply(data(third, { 'Status/BatteryLevel': 5 }, clock.t))
    clock.advance(14_000)
    twin.checkStale()
    expect(twin.alarms({ asset: third })).toEqual([])
    clock.advance(1_000)
    twin.checkStale()
    expect(twin.alarms({ asset: third })).toMatchObject([{ state: 'active', raisedAt: T0 + 75_000 }])
  })
})
