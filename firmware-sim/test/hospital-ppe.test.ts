import { type PpeItem, ppeMetricName, SEVERITIES } from '@rhn/protocols'
import epcTdsModule from 'epc-tds'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.js'
import { CabinetInventory, type CabinetChange, decodeSgtin96, encodeSgtin96, SimComponent } from '../src/hospital/index.js'
import { exampleScenario, HOUR_MS, hospital, rig } from './hospital-support.js'

// An independent decoder: epc-tds itself, loaded the way STACK.md says (its CJS default export is missing at runtime).
type Decoder = { valueOf(hex: string): { getType(): string; getGtin(): string; getSerial(): number } }
const tds = ((epcTdsModule as unknown as { default?: Decoder }).default ?? epcTdsModule) as unknown as Decoder

const FFP3 = '05012345000015'

/** Total items of `gtin` over every cabinet of the model. */
const total = (r: ReturnType<typeof rig>, gtin: string) => r.model.cabinets().reduce((n, c) => n + c.count(gtin), 0)

describe('CabinetInventory', () => {
  const reg = hospital('RXC').units.flatMap((u) => u.sections.flatMap((s) => s.components)).find((c) => c.id === 'rxc-ed-majors-ppe-1')!

  it('tags every item with an SGTIN-96 EPC that decodes back to its GTIN, one shelf (antenna) per GTIN', () => {
    const clock = new ManualClock(0)
    const cab = new CabinetInventory({ component: new SimComponent(reg, clock), stock: reg.capacity.ppe, clock })
    cab.fill(Object.fromEntries(reg.capacity.ppe.map((l) => [l.gtin, 50])))
    const items = cab.items()
    expect(items).toHaveLength(50 * reg.capacity.ppe.length)
    for (const it of items) {
      expect(it.epc).toMatch(/^[0-9A-F]{24}$/)
      const d = tds.valueOf(it.epc)
      expect(d.getType()).toBe('SGTIN-96')
      expect(d.getGtin()).toBe(it.gtin)
      expect(d.getSerial()).toBe(it.serial)
      expect(it.antenna).toBeGreaterThanOrEqual(1)
      expect(it.antenna).toBeLessThanOrEqual(cab.antennas)
      expect(reg.capacity.ppe.find((l) => l.gtin === it.gtin)?.item).toBe(it.item)
    }
    expect(new Set(items.map((i) => i.epc)).size).toBe(items.length)
    expect(decodeSgtin96(encodeSgtin96(FFP3, 123_456))).toMatchObject({ gtin: FFP3, serial: 123_456, filter: 1 })
  })

  it('keeps PPE/Stock/{gtin} equal to the count and reports what is taken and restocked', () => {
    const clock = new ManualClock(0)
    const component = new SimComponent(reg, clock)
    const cab = new CabinetInventory({ component, stock: reg.capacity.ppe, clock })
    const changes: CabinetChange[] = []
    cab.onChange((c) => changes.push(c))
    cab.fill({ [FFP3]: 10 })
    const firstTwo = cab.items().slice(0, 2).map((i) => i.epc)
    expect(cab.take('ffp3-mask', 2)).toBe(2)
    expect(cab.take('ffp3-mask', 20)).toBe(8) // only 8 left
    expect(cab.take('apron', 1)).toBe(0) // RXC's ED cabinet does not stock aprons
    expect(cab.restock('ffp3-mask', 5)).toBe(5)
    expect(component.get(ppeMetricName('Stock', FFP3))).toBe(5)
    expect(cab.count(FFP3)).toBe(5)
    expect(cab.taken(FFP3)).toBe(10)
    expect(cab.restocked(FFP3)).toBe(5)
    expect(changes.map((c) => [c.type, c.items.length])).toEqual([['filled', 10], ['taken', 2], ['taken', 8], ['restocked', 5]])
    expect(changes[1]!.items.map((i) => i.epc)).toEqual(firstTwo) // oldest stock goes first
    expect(cab.items().some((i) => firstTwo.includes(i.epc))).toBe(false)
  })
})

describe('HospitalModel: PPE', () => {
  const scenario = exampleScenario('winter-surge')

  it('fills cabinets to 70–90 % of capacity with PPE/Stock equal to the item count', () => {
    const r = rig('RXA', scenario)
    r.model.start()
    for (const cab of r.model.cabinets()) {
      const component = r.components.get(cab.id)!
      for (const line of cab.stockLines()) {
        expect(cab.count(line.gtin)).toBeGreaterThanOrEqual(0.7 * line.capacity)
        expect(cab.count(line.gtin)).toBeLessThanOrEqual(0.9 * line.capacity)
        expect(component.get(ppeMetricName('Stock', line.gtin))).toBe(cab.count(line.gtin))
      }
    }
    r.model.stop()
  })

  it('burns stock in line with patient-days by severity, and a delivery puts stock back', () => {
    const r = rig('RXA', scenario)
    r.model.start()
    const initial = total(r, FFP3)
    let expected = 0
    let stock = initial
    // Hours 0–19: no delivery yet; FFP3 use follows the census (critical and severe patients use FFP3).
    for (let h = 0; h < 19; h++) {
      const census = r.model.snapshot().units.reduce((acc, u) => acc.map((n, i) => n + u.census[SEVERITIES[i]!]), [0, 0, 0])
      expected += SEVERITIES.reduce((n, s, i) => n + census[i]! * scenario.ppePerPatientDay[s]['ffp3-mask'], 0) / 24
      r.clock.advance(HOUR_MS)
      const now = total(r, FFP3)
      expect(now).toBeLessThanOrEqual(stock)
      stock = now
    }
    const used = initial - stock
    expect(used).toBeGreaterThan(0.75 * expected)
    expect(used).toBeLessThan(1.25 * expected)
    // The 20 h delivery: 1500 FFP3 masks spread over RXA's cabinets.
    r.clock.advance(HOUR_MS - 1)
    const before = total(r, FFP3)
    r.clock.advance(2)
    expect(total(r, FFP3)).toBeGreaterThan(before + 1400)
    expect(r.model.cabinets().reduce((n, c) => n + c.restocked(FFP3), 0)).toBe(1500)
    for (const cab of r.model.cabinets()) {
      for (const line of cab.stockLines()) {
        // Conservation: what is there = initial fill + restocked − taken; the component shows the truth.
        expect(r.components.get(cab.id)!.get(ppeMetricName('Stock', line.gtin))).toBe(cab.count(line.gtin))
      }
    }
    const snap = r.model.snapshot()
    expect(snap.ppe[FFP3]).toBe(total(r, FFP3))
    r.model.stop()
  })

  it('takes from the patient unit\'s own cabinet first: ICU stock falls faster than its share', () => {
    const r = rig('RXA', scenario)
    r.model.start()
    const icuCab = r.model.cabinet('rxa-icu-bay-a-ppe-1')!
    const isoCab = r.model.cabinet('rxa-iso-rooms-ppe-1')!
    const gown = icuCab.gtinOf('gown' satisfies PpeItem)!
    const [icu0, iso0] = [icuCab.count(gown), isoCab.count(gown)]
    r.clock.advance(6 * HOUR_MS)
    // ICU holds ~20 critical patients (14 gowns a day each), isolation ~5 milder ones.
    expect(icu0 - icuCab.count(gown)).toBeGreaterThan(2 * (iso0 - isoCab.count(gown)))
    r.model.stop()
  })
})
