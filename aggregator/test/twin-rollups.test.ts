import { patientFlowMetricName } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { data, makeTwin, rxaComponents, T0 } from './twin-support.js'

const occupied = (twin: ReturnType<typeof makeTwin>['twin'], ids: string[], ts = T0) => {
  for (const id of ids) twin.apply(data(id, { 'Bed/Occupied': true }, ts))
}

describe('twin rollups', () => {
  it('counts beds total / occupied / available per section, unit and hospital, and by unit type', () => {
    const { twin } = makeTwin()
    const totalBeds = rxaComponents().filter((c) => c.kind === 'bed').length
    expect(twin.capacity('hospital', 'RXA')?.beds).toMatchObject({ total: totalBeds, occupied: 0, available: totalBeds })

    occupied(twin, ['rxa-icu-bay-a-bed-01', 'rxa-icu-bay-a-bed-02', 'rxa-icu-bay-b-bed-01', 'rxa-ward-1-bay-a-bed-03'])
    twin.apply(data('rxa-icu-bay-a-bed-03', { 'Bed/Occupied': false }, T0))

    expect(twin.capacity('section', 'rxa-icu-bay-a')?.beds).toMatchObject({ total: 12, occupied: 2, available: 10 })
    expect(twin.capacity('unit', 'rxa-icu')?.beds).toMatchObject({ total: 24, occupied: 3, available: 21 })
    const h = twin.capacity('hospital', 'RXA')!
    expect(h.beds).toMatchObject({ total: totalBeds, occupied: 4, available: totalBeds - 4 })
    expect(h.beds.byUnitType.icu).toEqual({ total: 24, occupied: 3, available: 21 })
    expect(h.beds.byUnitType.ward?.occupied).toBe(1)
    expect(h.beds.byUnitType.hdu).toEqual({ total: 12, occupied: 0, available: 12 })

    // A discharge frees the bed at every level.
    twin.apply(data('rxa-icu-bay-a-bed-01', { 'Bed/Occupied': false }, T0 + 1000))
    expect(twin.capacity('section', 'rxa-icu-bay-a')?.beds.occupied).toBe(1)
    expect(twin.capacity('hospital', 'RXA')?.beds.byUnitType.icu?.occupied).toBe(2)
  })

  it('counts ventilators in use (mode not standby) and alarming (any Alarms/*/Active)', () => {
    const { twin } = makeTwin()
    twin.apply(data('rxa-icu-bay-a-vent-01', { 'Status/OperatingMode': 'VC-CMV' }, T0))
    twin.apply(data('rxa-icu-bay-a-vent-02', { 'Status/OperatingMode': 'PSV', 'Alarms/LowTidalVolume/Active': true }, T0))
    twin.apply(data('rxa-icu-bay-a-vent-03', { 'Status/OperatingMode': 'standby' }, T0))
    twin.apply(data('rxa-hdu-main-vent-01', { 'Status/OperatingMode': 'SIMV', 'Alarms/HighPressure/Active': false }, T0))

    expect(twin.capacity('section', 'rxa-icu-bay-a')?.ventilators).toEqual({ total: 12, inUse: 2, available: 10, alarming: 1 })
    expect(twin.capacity('unit', 'rxa-hdu')?.ventilators).toEqual({ total: 6, inUse: 1, available: 5, alarming: 0 })
    const totalVents = rxaComponents().filter((c) => c.kind === 'ventilator').length
    expect(twin.capacity('hospital', 'RXA')?.ventilators).toEqual({ total: totalVents, inUse: 3, available: totalVents - 3, alarming: 1 })

    // Back to standby and the alarm ends: free and quiet again.
    twin.apply(data('rxa-icu-bay-a-vent-02', { 'Status/OperatingMode': 'standby', 'Alarms/LowTidalVolume/Active': false }, T0 + 5000))
    expect(twin.capacity('section', 'rxa-icu-bay-a')?.ventilators).toEqual({ total: 12, inUse: 1, available: 11, alarming: 0 })
  })

  it('takes census, admissions and discharges from the patient-flow feed (counts only)', () => {
    const { twin } = makeTwin()
    twin.apply(
      data('rxa-adt', { [patientFlowMetricName('Census')]: 87, [patientFlowMetricName('Census', 'critical')]: 9, [patientFlowMetricName('Admissions')]: 14, [patientFlowMetricName('Discharges')]: 11 }, T0),
    )
    expect(twin.capacity('hospital', 'RXA')?.patients).toEqual({ census: 87, admissions: 14, discharges: 11 })
    expect(twin.capacity('unit', 'rxa-ed')?.patients.census).toBe(87)
    twin.apply(data('rxa-adt', { [patientFlowMetricName('Census')]: 88, [patientFlowMetricName('Admissions')]: 15 }, T0 + 60_000))
    expect(twin.capacity('hospital', 'RXA')?.patients).toEqual({ census: 88, admissions: 15, discharges: 11 })
  })

  it('builds the tree hospital ▸ unit ▸ section ▸ component with rollups and device counts', () => {
    const { twin } = makeTwin()
    occupied(twin, ['rxa-iso-rooms-bed-01'])
    const tree = twin.tree()
    expect(tree).toMatchObject({ level: 'hospital', id: 'RXA', name: 'Northgate General Hospital' })
    const iso = tree.children.find((u) => u.id === 'rxa-iso')!
    expect(iso).toMatchObject({ level: 'unit', unitType: 'isolation' })
    const rooms = iso.children[0]!
    expect(rooms).toMatchObject({ level: 'section', id: 'rxa-iso-rooms' })
    const bed = rooms.children.find((c) => c.id === 'rxa-iso-rooms-bed-01')!
    expect(bed).toMatchObject({ level: 'component', kind: 'bed', online: true, stale: false, lastSeen: T0, children: [] })
    expect(bed.rollup.beds).toMatchObject({ total: 1, occupied: 1 })
    expect(tree.rollup.devices).toEqual({ total: rxaComponents().length, online: 1, stale: 0 })
    // No unknown device yet: no unassigned node.
    expect(tree.children.some((c) => c.level === 'unassigned')).toBe(false)
  })

  it('answers undefined for a scope it does not hold', () => {
    const { twin } = makeTwin()
    expect(twin.capacity('hospital', 'RXB')).toBeUndefined()
    expect(twin.capacity('unit', 'rxb-icu')).toBeUndefined()
    expect(twin.capacity('section', 'nope')).toBeUndefined()
  })

  it('keeps earlier rollups unchanged when state moves on (rollups are replaced, not mutated)', () => {
    const { twin } = makeTwin()
    const before = twin.capacity('unit', 'rxa-icu')!
    occupied(twin, ['rxa-icu-bay-b-bed-05'])
    const after = twin.capacity('unit', 'rxa-icu')!
    expect(before.beds.occupied).toBe(0)
    expect(after.beds.occupied).toBe(1)
    // Nothing changed since: the cached rollup is served again.
    expect(twin.capacity('unit', 'rxa-icu')).toBe(after)
  })
})
