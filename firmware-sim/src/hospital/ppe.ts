/**
 * PPE demand and supply of one hospital (the seed's consumable resource): initial stock, staff
 * taking items in proportion to patient-days by severity (H1), and deliveries restocking cabinets.
 */
import { PPE_ITEMS, type PpeItem, type Scenario, SEVERITIES, type Severity } from '@rhn/protocols'
import type { Rng } from '../rng.js'
import type { CabinetInventory } from './cabinet.js'
import { poisson } from './draws.js'
import type { HospitalLayout } from './layout.js'

/** Consumption step, virtual ms: a staff visit to the cabinet every 5 minutes per unit, in effect. */
export const DEFAULT_PPE_STEP_MS = 5 * 60_000
/** Cabinets start 70–90 % full: topped up on the last round, partly used since. */
export const INITIAL_FILL = { min: 0.7, max: 0.9 } as const

const DAY_MS = 86_400_000

/** One scenario delivery. */
export type Delivery = Scenario['deliveries'][number]

/** Takes and restocks items across one hospital's cabinets. */
export class PpeSupply {
  /** Items asked for when no cabinet had any, per item type. */
  readonly unmet: Record<PpeItem, number> = { 'ffp3-mask': 0, 'fluid-resistant-mask': 0, gown: 0, gloves: 0, visor: 0, apron: 0 }
  private readonly order = new Map<string, readonly CabinetInventory[]>()

  constructor(
    private readonly layout: HospitalLayout,
    private readonly scenario: Scenario,
    private readonly rng: Rng,
  ) {}

  /** Fills every cabinet to 70–90 % of each line's capacity (seeded). */
  fillInitial(): void {
    for (const cab of this.layout.cabinets) {
      const counts: Record<string, number> = {}
      for (const line of cab.stockLines()) counts[line.gtin] = Math.round(line.capacity * this.rng.uniform(INITIAL_FILL.min, INITIAL_FILL.max))
      cab.fill(counts)
    }
  }

  /**
   * One consumption step of `stepMs`: per unit and item, a Poisson number of items with mean
   * Σ patients × items-per-patient-day × step, taken item by item from the preferred cabinets.
   */
  step(stepMs: number, censusByUnit: ReadonlyMap<string, Record<Severity, number>>): void {
    for (const [unitId, census] of censusByUnit) {
      for (const item of PPE_ITEMS) {
        let perDay = 0
        for (const s of SEVERITIES) perDay += census[s] * this.scenario.ppePerPatientDay[s][item]
        const n = poisson(this.rng, (perDay * stepMs) / DAY_MS)
        if (n > 0) this.take(unitId, item, n)
      }
    }
  }

  /** Takes `n` items for a patient in `unitId`; what no cabinet has is counted as unmet. */
  take(unitId: string, item: PpeItem, n: number): void {
    let left = n
    for (const cab of this.cabinetsFor(unitId)) {
      if (left === 0) break
      left -= cab.take(item, left)
    }
    this.unmet[item] += left
  }

  /** Puts a delivery away: into its cabinet, or spread over the hospital's cabinets by capacity. Returns items put away. */
  deliver(d: Delivery): number {
    if (d.cabinet !== undefined) return this.layout.cabinets.find((c) => c.id === d.cabinet)?.restock(d.item, d.quantity) ?? 0
    const stocking = this.layout.cabinets
      .map((c) => ({ c, cap: c.stockLines().find((l) => l.item === d.item)?.capacity ?? 0 }))
      .filter((x) => x.cap > 0)
    const total = stocking.reduce((s, x) => s + x.cap, 0)
    let left = d.quantity
    let put = 0
    stocking.forEach((x, i) => {
      const share = i === stocking.length - 1 ? left : Math.floor((d.quantity * x.cap) / total)
      left -= share
      put += x.c.restock(d.item, share)
    })
    return put
  }

  /**
   * Cabinets tried for a patient in `unitId`: the unit's own, then ED's (the department store for
   * units without one), then every other cabinet of the hospital in registry order.
   */
  cabinetsFor(unitId: string): readonly CabinetInventory[] {
    let list = this.order.get(unitId)
    if (list === undefined) {
      const own = this.layout.cabinets.filter((c) => c.unitId === unitId)
      const ed = this.layout.unitsOfType('ed').flatMap((u) => u.cabinets)
      list = [...new Set([...own, ...ed, ...this.layout.cabinets])]
      this.order.set(unitId, list)
    }
    return list
  }
}
