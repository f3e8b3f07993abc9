import { ppeMetricName } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../src/twin/index.js'
import { data, FFP3, makeTwin, T0 } from './twin-support.js'

const STOCK = ppeMetricName('Stock', FFP3)
const TAKEN = ppeMetricName('Taken', FFP3)
const GOWN = '05012345000039'
const TEN_MIN = 10 * 60_000

describe('twin PPE', () => {
  it('sums stock per GTIN and derives burn per day and days of supply over a day of data time', () => {
    const { twin } = makeTwin()
    // One day of cabinet reports every 10 min of data time, while the host clock never moves:
    // the burn rate follows data timestamps, so a scenario at any speed gives the same answer.
    for (let i = 0; i <= 144; i++) {
      const ts = T0 + i * TEN_MIN
      twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 1200 - 2 * i, [TAKEN]: 2 * i }, ts, { at: T0 })) // 288 a day
      twin.apply(data('rxa-iso-rooms-ppe-1', { [STOCK]: 1000 - i, [TAKEN]: 500 + i }, ts, { at: T0 })) // 144 a day
    }
    const icu = twin.capacity('section', 'rxa-icu-bay-a')!.ppe[FFP3]!
    expect(icu).toMatchObject({ item: 'ffp3-mask', stock: 912, reorderPoint: 300 })
    expect(icu.burnPerDay).toBeCloseTo(288, 6)
    expect(icu.daysOfSupply).toBeCloseTo(912 / 288, 6)

    const h = twin.capacity('hospital', 'RXA')!.ppe[FFP3]!
    expect(h.stock).toBe(912 + 856)
    expect(h.burnPerDay).toBeCloseTo(432, 6)
    expect(h.daysOfSupply).toBeCloseTo(1768 / 432, 6)
    // Three cabinets in RXA list FFP3 masks with reorder point 300 each; the ED one never reported (stock 0).
    expect(h.reorderPoint).toBe(900)

    // A GTIN with stock but no takes: no burn, so days of supply is unknown (null), not infinite.
    twin.apply(data('rxa-icu-bay-a-ppe-1', { [ppeMetricName('Stock', GOWN)]: 600 }, T0 + DAY_MS))
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.ppe[GOWN]).toMatchObject({ item: 'gown', stock: 600, burnPerDay: 0, daysOfSupply: null })
  })

  it('uses the recent window only: a day without takes brings the burn to zero', () => {
    const { twin } = makeTwin()
    for (let i = 0; i <= 144; i++) twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 1200 - 3 * i, [TAKEN]: 3 * i }, T0 + i * TEN_MIN))
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.ppe[FFP3]!.burnPerDay).toBeCloseTo(432, 6)
    // The next day the counter stays put: its reports still arrive, but nothing is taken.
    for (let i = 145; i <= 290; i++) twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 768, [TAKEN]: 432 }, T0 + i * TEN_MIN))
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.ppe[FFP3]).toMatchObject({ stock: 768, burnPerDay: 0, daysOfSupply: null })
  })

  it('treats a counter drop as an agent restart and falls back to stock decreases without a counter', () => {
    const { twin } = makeTwin()
    // Taken: 0 → 60 over 6 h, then the agent restarts and counts 0 → 60 again over the next 6 h.
    for (let h = 0; h <= 12; h++) {
      const taken = h <= 6 ? h * 10 : (h - 6) * 10 - 5
      twin.apply(data('rxa-icu-bay-a-ppe-1', { [TAKEN]: Math.max(0, taken) }, T0 + h * 3_600_000))
    }
    // 60 + 55 (first report after the restart says 5) over 12 h.
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.ppe[FFP3]!.burnPerDay).toBeCloseTo(115 * 2, 6)

    // Stock only: decreases are takes, a restock is not negative consumption.
    const stock = [1000, 990, 980, 1200, 1190, 1180, 1170]
    stock.forEach((s, h) => twin.apply(data('rxa-iso-rooms-ppe-1', { [STOCK]: s }, T0 + h * 3_600_000)))
    expect(twin.capacity('section', 'rxa-iso-rooms')!.ppe[FFP3]!.burnPerDay).toBeCloseTo((50 / 6) * 24, 6)
  })

  it('raises a reorder alarm per cabinet and GTIN at or below the reorder point, cleared by a restock', () => {
    const { twin } = makeTwin()
    twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 301 }, T0))
    expect(twin.alarms({ asset: 'rxa-icu-bay-a-ppe-1' })).toEqual([])
    twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 300, [ppeMetricName('Stock', GOWN)]: 150 }, T0 + 1000))
    const open = twin.alarms({ asset: 'rxa-icu-bay-a-ppe-1', state: 'active' })
    expect(open.map((a) => a.key).sort()).toEqual([`rxa-icu-bay-a-ppe-1/ppe-reorder/${FFP3}`, `rxa-icu-bay-a-ppe-1/ppe-reorder/${GOWN}`])
    expect(open[0]).toMatchObject({ source: 'ppe-reorder', priority: 'medium', path: ['RXA', 'rxa-icu', 'rxa-icu-bay-a'] })
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.alarms.active).toBe(2)
    // Another cabinet is not affected.
    expect(twin.alarms({ asset: 'rxa-iso-rooms-ppe-1' })).toEqual([])

    twin.apply(data('rxa-icu-bay-a-ppe-1', { [STOCK]: 1200 }, T0 + 2000))
    const ffp3 = twin.alarms({ asset: 'rxa-icu-bay-a-ppe-1' }).find((a) => a.key.endsWith(FFP3))!
    expect(ffp3).toMatchObject({ state: 'cleared', clearedAt: T0 + 2000 })
    expect(twin.capacity('section', 'rxa-icu-bay-a')!.alarms.active).toBe(1)
  })
})
