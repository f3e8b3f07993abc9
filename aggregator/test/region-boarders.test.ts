/**
 * Boarders in the region's advice (issue 7, H1: demand follows the patients): a snapshot carries the
 * patients admitted without a bed (`waiting`), and the region recommends moving them to a hospital
 * with free ward beds nearby — while a hospital with no ADT census (`waiting` null) adds no demand.
 */
import { describe, expect, it } from 'vitest'
import { rebalance } from '../src/rebalance/index.js'
import { rebalanceHospital } from '../src/region/recommender.js'
import type { HospitalFigures } from '../src/region/types.js'

function hospital(id: string, location: { lat: number; lon: number }, ward: [total: number, occupied: number], waiting: number | null): HospitalFigures {
  const beds = { total: ward[0], occupied: ward[1], available: ward[0] - ward[1] }
  const escalation = { level: 1 as const, reason: 'all indicators below OPEL 2' }
  return {
    id,
    name: `Hospital ${id}`,
    location,
    specialisms: [],
    reporting: true,
    escalation,
    beds,
    ventilators: { total: 0, inUse: 0, available: 0 },
    ppe: [],
    admissions: 0,
    discharges: 0,
    byUnitType: { ward: { ...beds, units: 1 } },
    units: [{ id: `${id.toLowerCase()}-ward-1`, name: 'Ward 1', unitType: 'ward', beds, ventilators: { total: 0, inUse: 0, available: 0 }, ppe: [], admissions: 0, discharges: 0, escalation, flowsTo: [], takenAt: 1, confirmedAt: 2 }],
    admissionsTotal: 0,
    dischargesTotal: 0,
    snapshots: 1,
    waiting,
    takenAt: 1,
    confirmedAt: 2,
    txId: null,
    trend: [],
  }
}

describe('boarders in the rebalancing advice', () => {
  it('recommends moving a full hospital’s boarders to free ward beds nearby', async () => {
    const full = hospital('RXB', { lat: 53.745, lon: -1.602 }, [40, 40], 6)
    const spare = hospital('RXA', { lat: 53.801, lon: -1.549 }, [40, 30], 0)
    const result = await rebalance({ hospitals: [full, spare].map(rebalanceHospital) })
    const moves = result.recommendations.filter((r) => r.kind === 'patient')
    expect(moves).toHaveLength(1)
    expect(moves[0]).toMatchObject({ from: 'RXB', to: 'RXA', quantity: 6, unitType: 'ward' })
    expect(result.unmet.after.patients).toBe(0)
  })

  it('adds no demand for a hospital that reports no ADT census', async () => {
    const unknown = hospital('RXB', { lat: 53.745, lon: -1.602 }, [40, 40], null)
    const spare = hospital('RXA', { lat: 53.801, lon: -1.549 }, [40, 30], 0)
    const result = await rebalance({ hospitals: [unknown, spare].map(rebalanceHospital) })
    expect(result.recommendations.filter((r) => r.kind === 'patient')).toEqual([])
  })
})
