import { describe, expect, it } from 'vitest'
import type { TwinEvent, TwinTimers } from '../src/twin/index.js'
import { birth, data, death, makeTwin, T0 } from './twin-support.js'

const VENT = 'rxa-icu-bay-a-vent-07'
const BED = 'rxa-icu-bay-a-bed-07'
const onlineEvents = (events: TwinEvent[]) => events.flatMap((e) => (e.type === 'online' ? [[e.asset, e.online]] : []))

describe('twin liveness', () => {
  it('goes offline on DDEATH with an offline alarm, and back online on the next birth', () => {
    const { twin, events } = makeTwin()
    twin.apply(birth(VENT, { 'Status/OperatingMode': 'PSV' }, T0))
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.devices.online).toBe(1)
    twin.apply(death(VENT, T0 + 5000))
    expect(twin.asset(VENT)).toMatchObject({ online: false, lastSeen: T0 })
    expect(twin.alarms({ asset: VENT })).toMatchObject([{ source: 'offline', priority: 'medium', state: 'active', raisedAt: T0 + 5000, key: `${VENT}/offline` }])
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.devices.online).toBe(0)
    // Its last known state still counts: the ventilator was in use when it went quiet.
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.ventilators.inUse).toBe(1)

    twin.apply(birth(VENT, { 'Status/OperatingMode': 'PSV' }, T0 + 9000))
    expect(twin.asset(VENT)).toMatchObject({ online: true, lastSeen: T0 + 9000 })
    expect(twin.alarms({ asset: VENT })).toMatchObject([{ state: 'cleared', clearedAt: T0 + 9000 }])
    expect(onlineEvents(events)).toEqual([
      [VENT, true],
      [VENT, false],
      [VENT, true],
    ])
  })

  it('takes every device of a gateway offline on its NDEATH, and no other', () => {
    const { twin } = makeTwin()
    twin.apply(data(BED, { 'Bed/Occupied': true }, T0))
    twin.apply(data(VENT, { 'Status/OperatingMode': 'standby' }, T0))
    twin.apply(data('rxa-ward-1-bay-a-bed-01', { 'Bed/Occupied': true }, T0))
    twin.apply({ type: 'node-offline', groupId: 'RXA', edgeNodeId: 'gw-rxa-crit', at: T0 + 1000, reason: 'NDEATH' })
    expect(twin.asset(BED)!.online).toBe(false)
    expect(twin.asset(VENT)!.online).toBe(false)
    expect(twin.asset('rxa-ward-1-bay-a-bed-01')!.online).toBe(true)
    const offline = twin.alarms({ state: 'active' }).filter((a) => a.source === 'offline')
    expect(offline.find((a) => a.asset === BED)).toMatchObject({ priority: 'low', raisedAt: T0 + 1000 })
    expect(offline.find((a) => a.asset === BED)!.message).toContain('gw-rxa-crit')
    expect(offline.some((a) => a.asset === 'rxa-ward-1-bay-a-bed-01')).toBe(false)
    expect(twin.capacity('hospital', 'RXA')!.devices.online).toBe(1)
  })

  it('marks a silent device stale after staleAfterIntervals × expectedIntervalS, and fresh when it reports', () => {
    const { twin, clock } = makeTwin({ staleAfterIntervals: 2 })
    twin.apply(data(BED, { 'Bed/Occupied': false }, T0))
    clock.t = T0 + 2 * 120_000 // a bed is expected every 120 s
    twin.checkStale()
    expect(twin.asset(BED)!.stale).toBe(false)
    clock.advance(1)
    twin.checkStale()
    expect(twin.asset(BED)).toMatchObject({ stale: true, online: true })
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.devices.stale).toBeGreaterThanOrEqual(1)
    const [alarm] = twin.alarms({ asset: BED })
    expect(alarm).toMatchObject({ source: 'offline', state: 'active', raisedAt: clock.t })
    expect(alarm!.message).toContain('stale')

    clock.advance(10_000)
    twin.apply(data(BED, { 'Bed/Occupied': true }, clock.t))
    expect(twin.asset(BED)).toMatchObject({ stale: false, lastSeen: clock.t })
    expect(twin.alarms({ asset: BED })).toMatchObject([{ state: 'cleared', clearedAt: clock.t }])
  })

  it('counts a registered device that never reports as stale from when the twin started', () => {
    const { twin, clock } = makeTwin()
    clock.t = T0 + 61_000 // ventilators: 2 × 30 s
    twin.checkStale()
    const h = twin.capacity('hospital', 'RXA')!
    const vents = h.ventilators.total
    expect(h.devices.stale).toBe(vents)
    expect(twin.alarms({ asset: VENT })[0]!.message).toContain('no data since the twin started')
  })

  it('does not revive a dead device with historical data alone', () => {
    const { twin } = makeTwin()
    twin.apply(birth(VENT, {}, T0))
    twin.apply(death(VENT, T0 + 1000))
    twin.apply(data(VENT, { 'Ventilation/PEEP': 5 }, T0 + 500, { historical: true, at: T0 + 2000 }))
    expect(twin.asset(VENT)).toMatchObject({ online: false, lastSeen: T0 })
  })

  it('runs the staleness check on the injected timers until closed', () => {
    const ticks: (() => void)[] = []
    let cleared: unknown
    const timers: TwinTimers = {
      setInterval: (fn, ms) => {
        expect(ms).toBe(1000)
        ticks.push(fn)
        return 'handle-1'
      },
      clearInterval: (h) => {
        cleared = h
      },
    }
    const { twin, clock } = makeTwin({ timers, staleCheckMs: 1000 })
    twin.start()
    twin.start() // idempotent
    expect(ticks).toHaveLength(1)
    twin.apply(data(BED, { 'Bed/Occupied': true }, T0))
    clock.advance(240_000)
    ticks[0]!()
    expect(twin.asset(BED)!.stale).toBe(false)
    clock.advance(1_000)
    ticks[0]!()
    expect(twin.asset(BED)!.stale).toBe(true)
    twin.close()
    expect(cleared).toBe('handle-1')
  })
})
