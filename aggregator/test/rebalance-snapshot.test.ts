import { CapacitySnapshotTxSchema, type UnitCapacity } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { hospitalFromSnapshot, rebalance } from '../src/rebalance/index.js'
import { GLOVES } from './rebalance-support.js'

const escalation = { level: 1 as const, reason: 'steady' }
const unit = (id: string, unitType: UnitCapacity['unitType'], beds: [number, number], vents: [number, number], ppe: UnitCapacity['ppe'] = []): UnitCapacity => ({
  unit: id,
  unitType,
  beds: { total: beds[0], occupied: beds[1], available: beds[0] - beds[1] },
  ventilators: { total: vents[0], inUse: vents[1], available: vents[0] - vents[1] },
  ppe,
  admissions: 0,
  discharges: 0,
  escalation,
})

describe('rebalancing from confirmed snapshots', () => {
  it('turns two hospitals’ snapshots into advice: a full ICU short of ventilators, gloves below the horizon', async () => {
    const rxb = CapacitySnapshotTxSchema.parse({
      kind: 'capacity-snapshot',
      hospital: 'RXB',
      takenAt: 1,
      escalation,
      units: [unit('rxb-icu', 'icu', [12, 12], [10, 10], [{ gtin: GLOVES, item: 'gloves', stock: 150, daysOfSupply: 1.5 }]), unit('rxb-ward', 'ward', [30, 20], [0, 0])],
    })
    const rxa = CapacitySnapshotTxSchema.parse({
      kind: 'capacity-snapshot',
      hospital: 'RXA',
      takenAt: 1,
      escalation,
      units: [unit('rxa-icu', 'icu', [12, 5], [10, 5], [{ gtin: GLOVES, item: 'gloves', stock: 2000, daysOfSupply: 20 }])],
    })
    const hospitals = [
      hospitalFromSnapshot(rxa.hospital, rxa.units, { name: 'RXA General', location: { lat: 51.5, lon: -0.1 } }),
      hospitalFromSnapshot(rxb.hospital, rxb.units, { name: 'RXB General', location: { lat: 51.55, lon: -0.1 } }, { waiting: { 'rxb-icu': { critical: 1 } } }),
    ]
    expect(hospitals[1]!.ppe).toEqual([{ gtin: GLOVES, item: 'gloves', stock: 150, burnPerDay: 100 }])
    const result = await rebalance({ hospitals })
    // The waiting critical patient has no ICU bed at RXB: it goes to RXA, and RXB's 12 ventilated
    // critical patients still need 2 ventilators more than its 10.
    expect(result.recommendations.map((r) => [r.kind, r.from, r.to, r.quantity])).toEqual([
      ['patient', 'RXB', 'RXA', 1],
      ['ventilator', 'RXA', 'RXB', 2],
      ['ppe', 'RXA', 'RXB', 150],
    ])
    expect(result.unmet.after).toMatchObject({ patients: 0, ventilators: 0, ppe: {} })
  })
})
