import { describe, expect, it } from 'vitest'
import { rebalance } from '../src/rebalance/index.js'
import { haversineKm } from '../src/rebalance/geo.js'
import { generatedRegion, hospital, icu } from './rebalance-support.js'

describe('rebalancing a whole region', () => {
  it('over many generated regions: less unmet demand, nobody worse off, nothing beyond reach', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const hospitals = generatedRegion(seed, 12)
      const maxTransferKm = 40
      const { recommendations, unmet, status } = await rebalance({ hospitals, options: { maxTransferKm } })
      expect(status, `seed ${seed}`).toBe('optimal')
      expect(unmet.after.patients).toBeLessThanOrEqual(unmet.before.patients)
      for (const h of hospitals) {
        const [b, a] = [unmet.before.byHospital[h.id]!, unmet.after.byHospital[h.id]!]
        expect(a.ventilators, `${h.id} ventilators, seed ${seed}`).toBeLessThanOrEqual(b.ventilators)
        for (const [gtin, n] of Object.entries(a.ppe)) expect(n, `${h.id} ${gtin}, seed ${seed}`).toBeLessThanOrEqual(b.ppe[gtin] ?? 0)
      }
      const where = new Map(hospitals.map((h) => [h.id, h.location!]))
      for (const r of recommendations) {
        expect(haversineKm(where.get(r.from)!, where.get(r.to)!)).toBeLessThanOrEqual(maxTransferKm)
        expect(Number.isInteger(r.quantity) && r.quantity >= 1).toBe(true)
      }
    }
  })

  it('puts unmet demand before distance: a far donor is used when the near one cannot cover it', async () => {
    // RXB is 5 short. RXA (3 km) has 2 spare, RXC (60 km) has 5: RXA gives its 2, RXC the other 3.
    const result = await rebalance({
      hospitals: [hospital('RXA', 3, [icu(10, 4, 6, 4)]), hospital('RXC', 60, [icu(10, 1, 6, 1)]), hospital('RXB', 0, [icu(15, 15, 10, 10)])],
    })
    expect(result.recommendations.map((r) => [r.from, r.quantity])).toEqual([
      ['RXA', 2],
      ['RXC', 3],
    ])
    expect(result.unmet.after.ventilators).toBe(0)
  })

  it('sends critical patients to a critical-care centre when it is not much further', async () => {
    const centre = { specialisms: ['critical-care-centre'] }
    const result = await rebalance({
      hospitals: [hospital('RXB', 0, [icu(10, 10, 12, 10, 1)]), hospital('RXA', 10, [icu(10, 5, 10, 5)]), hospital('RXT', 15, [icu(10, 5, 10, 5)], [], centre)],
    })
    expect(result.recommendations.map((r) => [r.kind, r.to])).toEqual([['patient', 'RXT']])
    expect(result.recommendations[0]!.reason).toMatch(/is a critical-care centre$/)
  })

  it('warns about a hospital without a location and leaves it out', async () => {
    const lost = { ...hospital('RXL', 0, [icu(10, 1, 10, 1)]), location: undefined }
    delete lost.location
    const result = await rebalance({ hospitals: [lost, hospital('RXB', 0, [icu(14, 12, 10, 10)])] })
    expect(result.warnings).toEqual(['RXL has no location in the registry: it is left out of every transfer'])
    expect(result.status).toBe('no-donor')
    expect(result.unmet.after.ventilators).toBe(2)
  })

  it('counts ventilators per critical patient from the options (H1)', async () => {
    // 12 critical patients × 0.5 = 6 ventilators needed at RXB, 4 there; RXA needs 2 of its 6.
    const result = await rebalance({
      hospitals: [hospital('RXA', 0, [icu(10, 4, 6, 2)]), hospital('RXB', 8, [icu(14, 12, 4, 4)])],
      options: { ventilatorsPerCriticalPatient: 0.5 },
    })
    expect(result.recommendations.map((r) => [r.from, r.to, r.quantity])).toEqual([['RXA', 'RXB', 2]])
    expect(result.recommendations[0]!.reason).toContain('needs 6: 12 critical patients × 0.5')
  })

  it('stops before solving when its signal is aborted', async () => {
    const signal = AbortSignal.abort()
    await expect(rebalance({ hospitals: [hospital('RXB', 0, [icu(14, 12, 10, 10)])] }, { signal })).rejects.toMatchObject({ name: 'AbortError' })
  })
})
