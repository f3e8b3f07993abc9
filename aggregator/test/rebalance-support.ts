/** Fixtures for the rebalancing tests and bench: hospitals placed by km offsets from one point. */
import type { RebalanceHospital, RebalanceUnit, RebalancePpe } from '../src/rebalance/index.js'

/** Valid GTIN-14s (GS1 check digit) for PPE lines. */
export const GLOVES = '05012345678900'
export const GOWNS = '05012345678917'

/** 1° of latitude, km (mean): places hospitals a chosen distance north of the origin. */
const KM_PER_DEG_LAT = 111.195

/** A hospital `kmNorth` km north of 51.5 N 0.1 W, with the given units and PPE. */
export function hospital(id: string, kmNorth: number, units: RebalanceUnit[], ppe: RebalancePpe[] = [], extra: Partial<RebalanceHospital> = {}): RebalanceHospital {
  return { id, name: `${id} General`, location: { lat: 51.5 + kmNorth / KM_PER_DEG_LAT, lon: -0.1 }, units, ppe, ...extra }
}

/** An ICU with `occupied` critical patients in `beds` beds and `ventilators` of which `inUse` in use. */
export function icu(beds: number, occupied: number, ventilators: number, inUse: number, waitingCritical = 0): RebalanceUnit {
  const unit: RebalanceUnit = { unitType: 'icu', beds: { total: beds, occupied }, ventilators: { total: ventilators, inUse } }
  if (waitingCritical > 0) unit.waiting = { critical: waitingCritical }
  return unit
}

/** A ward with no ventilators. */
export function ward(beds: number, occupied: number, waitingMild = 0): RebalanceUnit {
  const unit: RebalanceUnit = { unitType: 'ward', beds: { total: beds, occupied }, ventilators: { total: 0, inUse: 0 } }
  if (waitingMild > 0) unit.waiting = { mild: waitingMild }
  return unit
}

/** A PPE line of gloves. */
export function gloves(stock: number, burnPerDay: number): RebalancePpe {
  return { gtin: GLOVES, item: 'gloves', stock, burnPerDay }
}

/** The six PPE GTINs of a generated region, one per item. */
export const REGION_PPE = [
  { gtin: GLOVES, item: 'gloves' },
  { gtin: GOWNS, item: 'gown' },
  { gtin: '05012345678924', item: 'ffp3-mask' },
  { gtin: '05012345678931', item: 'fluid-resistant-mask' },
  { gtin: '05012345678948', item: 'visor' },
  { gtin: '05012345678955', item: 'apron' },
] as const

/** mulberry32: a small seeded PRNG, so a generated region is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A surge-shaped region: `count` hospitals within ~60 km, each with the six unit types and six PPE
 * GTINs, some full with patients waiting and ventilators short, others with room and stock to spare.
 */
export function generatedRegion(seed: number, count = 20): RebalanceHospital[] {
  const rnd = seededRandom(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  return Array.from({ length: count }, (_, i) => {
    const pressure = rnd() // 0 quiet … 1 overwhelmed
    const unit = (unitType: RebalanceUnit['unitType'], beds: number, ventilated: boolean): RebalanceUnit => {
      const total = int(Math.ceil(beds / 2), beds)
      const occupied = Math.min(total, Math.round(total * (0.4 + 0.6 * pressure) + int(0, 2)))
      const vents = ventilated ? Math.max(0, occupied + int(-4, 3)) : 0
      const u: RebalanceUnit = { unitType, beds: { total, occupied }, ventilators: { total: vents, inUse: Math.min(vents, occupied) } }
      if (pressure > 0.7 && occupied === total) u.waiting = unitType === 'icu' ? { critical: int(1, 4) } : { mild: int(0, 3), severe: int(0, 2) }
      return u
    }
    const units = [unit('icu', 16, true), unit('hdu', 12, true), unit('ed', 30, false), unit('ward', 80, false), unit('theatre', 8, true), unit('isolation', 10, false)]
    const ppe = REGION_PPE.map(({ gtin, item }) => {
      const burnPerDay = int(20, 400)
      return { gtin, item, burnPerDay, stock: Math.round(burnPerDay * (pressure > 0.6 ? rnd() * 2.5 : 3 + rnd() * 10)) }
    })
    const angle = rnd() * 2 * Math.PI
    const r = 60 * Math.sqrt(rnd())
    const id = `R${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`
    return { id, name: `${id} General`, location: { lat: 51.5 + (r * Math.cos(angle)) / 111.195, lon: -0.1 + (r * Math.sin(angle)) / 69.2 }, units, ppe }
  })
}
