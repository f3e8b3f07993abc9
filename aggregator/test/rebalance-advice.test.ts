import { randomUUID } from 'node:crypto'
import { ResourceRequestTxSchema } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { rebalance, toRequest } from '../src/rebalance/index.js'
import { gloves, GLOVES, hospital, icu, ward } from './rebalance-support.js'

describe('rebalancing advice', () => {
  it('moves spare ventilators from a near hospital to one short of them, and says why', async () => {
    // RXB: 12 critical patients in ICU, 10 ventilators. RXA, 8 km away: 4 critical patients, 10 ventilators.
    const result = await rebalance({ hospitals: [hospital('RXA', 0, [icu(10, 4, 10, 4)]), hospital('RXB', 8, [icu(14, 12, 10, 10)])] })
    expect(result.status).toBe('optimal')
    expect(result.recommendations).toHaveLength(1)
    const [rec] = result.recommendations
    expect(rec).toMatchObject({ kind: 'ventilator', from: 'RXA', to: 'RXB', quantity: 2 })
    expect(rec!.distanceKm).toBeCloseTo(8, 0)
    expect(rec!.reason).toMatch(/^RXB needs 2 more ventilators than it has \(needs 12: 12 critical patients × 1, 10 in use; has 10\); RXA has 6 spare, 8 km away$/)
    expect(result.unmet.before.ventilators).toBe(2)
    expect(result.unmet.after.ventilators).toBe(0)
  })

  it('takes from the nearer of two donors', async () => {
    const result = await rebalance({
      hospitals: [hospital('RXC', 30, [icu(10, 2, 10, 2)]), hospital('RXA', 0, [icu(10, 2, 10, 2)]), hospital('RXB', 8, [icu(14, 13, 10, 10)])],
    })
    expect(result.recommendations.map((r) => [r.kind, r.from, r.to, r.quantity])).toEqual([['ventilator', 'RXA', 'RXB', 3]])
  })

  it('never leaves a donor short: it gives only what its own patients do not need', async () => {
    // RXA has 1 ventilator spare; RXD has none spare (6 critical, 6 ventilators); RXB is 4 short.
    const result = await rebalance({
      hospitals: [hospital('RXA', 0, [icu(10, 5, 6, 5)]), hospital('RXD', 2, [icu(10, 6, 6, 6)]), hospital('RXB', 8, [icu(14, 14, 10, 10)])],
    })
    expect(result.recommendations.map((r) => [r.from, r.to, r.quantity])).toEqual([['RXA', 'RXB', 1]])
    expect(result.unmet.after.byHospital.RXA!.ventilators).toBe(0)
    expect(result.unmet.after.byHospital.RXD!.ventilators).toBe(0)
    expect(result.unmet.after.byHospital.RXB!.ventilators).toBe(3)
  })

  it('recommends nothing when no hospital is short', async () => {
    const result = await rebalance({ hospitals: [hospital('RXA', 0, [icu(10, 4, 10, 4), ward(20, 10)], [gloves(1000, 100)]), hospital('RXB', 8, [icu(10, 9, 10, 9)])] })
    expect(result).toMatchObject({ recommendations: [], status: 'not-needed', solverStatus: null })
    expect(result.unmet.after).toEqual(result.unmet.before)
    expect(result.unmet.before.ventilators + result.unmet.before.patients).toBe(0)
  })

  it('recommends no transfer beyond maxTransferKm and reports the demand left unmet', async () => {
    const hospitals = [hospital('RXF', 150, [icu(10, 2, 10, 2)], [gloves(5000, 100)]), hospital('RXB', 0, [icu(14, 12, 10, 10)], [gloves(100, 100)])]
    const far = await rebalance({ hospitals, options: { maxTransferKm: 100 } })
    expect(far.recommendations).toEqual([])
    expect(far.status).toBe('no-donor')
    expect(far.unmet.after.byHospital.RXB).toEqual({ patients: {}, ventilators: 2, ppe: { [GLOVES]: 200 } })
    // The same region with a longer reach does move them.
    const near = await rebalance({ hospitals, options: { maxTransferKm: 200 } })
    expect(near.recommendations.map((r) => r.kind).sort()).toEqual(['ppe', 'ventilator'])
  })

  it('brings every hospital to the PPE horizon when the region has the stock, keeping the donor covered', async () => {
    // Horizon 3 days. RXB: 1 day of gloves; RXC: 2 days; RXA: 20 days.
    const result = await rebalance({
      hospitals: [hospital('RXA', 0, [], [gloves(2000, 100)]), hospital('RXB', 8, [], [gloves(100, 100)]), hospital('RXC', 12, [], [gloves(400, 200)])],
      options: { horizonDays: 3 },
    })
    const moves = result.recommendations.map((r) => [r.kind, r.from, r.to, r.gtin, r.quantity])
    expect(moves).toEqual([
      ['ppe', 'RXA', 'RXB', GLOVES, 200],
      ['ppe', 'RXA', 'RXC', GLOVES, 200],
    ])
    const days = { RXA: (2000 - 400) / 100, RXB: (100 + 200) / 100, RXC: (400 + 200) / 200 }
    for (const d of Object.values(days)) expect(d).toBeGreaterThanOrEqual(3)
    expect(result.unmet.after.ppe).toEqual({})
    expect(result.recommendations[0]!.reason).toBe(
      'RXB has 1 days of gloves (GTIN 05012345678900) for a 3-day horizon: 200 short (stock 100, using 100/day); RXA has 1700 beyond its own 3 days (20 days in stock), 8 km away',
    )
  })

  it('shares what there is when the region is short, never below a donor’s own horizon', async () => {
    const result = await rebalance({ hospitals: [hospital('RXA', 0, [], [gloves(400, 100)]), hospital('RXB', 8, [], [gloves(0, 100)])] })
    expect(result.recommendations.map((r) => r.quantity)).toEqual([100])
    expect(result.unmet.after.ppe).toEqual({ [GLOVES]: 200 })
    expect(result.unmet.after.byHospital.RXA!.ppe).toEqual({})
  })

  it('moves waiting patients to free beds of the same type, with the ventilators critical patients need', async () => {
    // RXB: ICU full, 3 critical patients waiting. RXA: 2 free ICU beds but no spare ventilator.
    // RXE: 1 free ICU bed. RXC: spare ventilators, no ICU bed.
    const result = await rebalance({
      hospitals: [
        hospital('RXB', 0, [icu(10, 10, 12, 10, 3), ward(20, 20, 4)]),
        hospital('RXA', 5, [icu(10, 8, 8, 8), ward(30, 25)]),
        hospital('RXE', 20, [icu(6, 5, 6, 5)]),
        hospital('RXC', 10, [icu(4, 4, 10, 4)]),
      ],
    })
    const moves = result.recommendations.map((r) => [r.kind, r.from, r.to, r.unitType, r.severity, r.quantity])
    expect(moves).toEqual([
      ['patient', 'RXB', 'RXA', 'icu', 'critical', 2],
      ['patient', 'RXB', 'RXA', 'ward', 'mild', 4],
      ['patient', 'RXB', 'RXE', 'icu', 'critical', 1],
      ['ventilator', 'RXC', 'RXA', undefined, undefined, 2],
    ])
    expect(result.unmet.before.patients).toBe(7)
    expect(result.unmet.after.patients).toBe(0)
    expect(result.unmet.after.ventilators).toBe(0)
    expect(result.recommendations[0]!.reason).toContain('RXB has 3 patients waiting for icu beds and 0 free (10/10 occupied), leaving 3 critical patients without one; RXA has 2 free icu beds')
    expect(result.recommendations[3]!.reason).toContain('RXA takes 2 critical patients from RXB')
  })

  it('turns a recommendation into a resource request in one step', async () => {
    const result = await rebalance({
      hospitals: [hospital('RXA', 0, [icu(10, 4, 10, 4), ward(20, 5)], [gloves(2000, 100)]), hospital('RXB', 8, [icu(14, 12, 10, 10), ward(10, 10, 2)], [gloves(0, 100)])],
    })
    const byKind = Object.fromEntries(result.recommendations.map((r) => [r.kind, r]))
    const vent = ResourceRequestTxSchema.parse(toRequest(byKind.ventilator!, randomUUID()))
    expect(vent).toMatchObject({ kind: 'resource-request', from: 'RXB', to: ['RXA'], resource: 'ventilator', quantity: 2 })
    const ppe = ResourceRequestTxSchema.parse(toRequest(byKind.ppe!, randomUUID(), 1_700_000_000_000))
    expect(ppe).toMatchObject({ from: 'RXB', to: ['RXA'], resource: 'ppe', gtin: GLOVES, quantity: 300, neededBy: 1_700_000_000_000 })
    const bed = ResourceRequestTxSchema.parse(toRequest(byKind.patient!, randomUUID()))
    expect(bed).toMatchObject({ from: 'RXB', to: ['RXA'], resource: 'bed', unitType: 'ward', quantity: 2 })
    expect(bed.reason).toBe(byKind.patient!.reason)
  })

  it('names every bad input in one error', async () => {
    const bad = rebalance({
      hospitals: [hospital('RXA', 0, [icu(10, 12, 4, 5)], [{ gtin: '05012345678901', item: 'gloves', stock: -1, burnPerDay: 1 }]), hospital('RXA', 1, [])],
      options: { maxTransferKm: 0 },
    })
    await expect(bad).rejects.toMatchObject({ code: 'RHN_AGG_REBALANCE_INPUT' })
    const message = await bad.catch((e: Error) => e.message)
    for (const part of [
      'options.maxTransferKm: must be a number > 0, got 0',
      'hospitals[0] (RXA).units[0].beds.occupied: 12 is more than beds.total 10',
      'hospitals[0] (RXA).units[0].ventilators.inUse: 5 is more than ventilators.total 4',
      'hospitals[0] (RXA).ppe[0].gtin: must be a GTIN-14 with a valid check digit',
      'hospitals[0] (RXA).ppe[0].stock: must be a whole number ≥ 0, got -1',
      'hospitals[1] (RXA).id: RXA appears twice',
    ]) {
      expect(message).toContain(part)
    }
  })
})
