/**
 * Input checks and the demand model (H1–H3): from what each hospital reports to what it is short of
 * and what it can spare. Every problem is named by its path in the input; all are reported at once.
 */
import { GtinSchema, OdsCodeSchema, PPE_ITEMS, SEVERITIES, UNIT_TYPES, type PpeItem, type Severity, type UnitType } from '@rhn/protocols'
import { AggregatorError } from '../errors.js'
import type { RebalanceHospital, RebalanceInput, RebalanceOptions, SeverityCounts } from './types.js'

/** Defaults of the config's `rebalance` block (protocols config/aggregator.ts), repeated for callers without a config. */
export const DEFAULT_OPTIONS: Readonly<Required<RebalanceOptions>> = { horizonDays: 3, maxTransferKm: 100, ventilatorsPerCriticalPatient: 1 }

/** Severity of a patient in an occupied bed when the caller gives none (H1): the unit type's usual patient. */
export const DEFAULT_SEVERITY: Readonly<Record<UnitType, Severity>> = { icu: 'critical', hdu: 'severe', ed: 'mild', ward: 'mild', theatre: 'mild', isolation: 'mild' }

/** Beds of one unit type at one hospital, after waiting patients took the free beds here. */
export interface BedState {
  total: number
  occupied: number
  waiting: number
  /** Free beds left after placing waiting patients locally: what others' patients may take. */
  free: number
  /** Waiting patients with no bed here, by severity: the only patients ever moved. */
  over: Record<Severity, number>
}

/** A hospital's ventilators against their need (H1: critical patients × ventilators each). */
export interface VentilatorState {
  total: number
  inUse: number
  critical: number
  /** max(in use, placed critical × per patient) + waiting critical × per patient. */
  need: number
  short: number
  /** Whole ventilators beyond the need: the most it may give. */
  spare: number
}

/** One GTIN at a hospital: stock against the horizon's burn (H3). */
export interface PpeState {
  item: PpeItem
  stock: number
  burnPerDay: number
  /** ⌈burn × horizon⌉ items. */
  need: number
  short: number
  spare: number
}

/** A hospital with its demand worked out. */
export interface Prepared {
  id: string
  name: string
  location?: { lat: number; lon: number }
  criticalCareCentre: boolean
  beds: Map<UnitType, BedState>
  ventilators: VentilatorState
  ppe: Map<string, PpeState>
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0
const sumCounts = (c: SeverityCounts | undefined): number => SEVERITIES.reduce((s, k) => s + (c?.[k] ?? 0), 0)

/** Validate the options and fill defaults. */
export function prepareOptions(options: RebalanceOptions | undefined, problems: string[]): Required<RebalanceOptions> {
  const o = { ...DEFAULT_OPTIONS, ...options }
  for (const key of ['horizonDays', 'maxTransferKm'] as const) {
    if (!(Number.isFinite(o[key]) && o[key] > 0)) problems.push(`options.${key}: must be a number > 0, got ${String(o[key])}`)
  }
  if (!(Number.isFinite(o.ventilatorsPerCriticalPatient) && o.ventilatorsPerCriticalPatient >= 0)) {
    problems.push(`options.ventilatorsPerCriticalPatient: must be a number ≥ 0, got ${String(o.ventilatorsPerCriticalPatient)}`)
  }
  return o
}

function checkCounts(c: SeverityCounts | undefined, path: string, problems: string[]): void {
  if (c === undefined) return
  for (const [k, v] of Object.entries(c)) {
    if (!(SEVERITIES as readonly string[]).includes(k)) problems.push(`${path}.${k}: not a severity (${SEVERITIES.join(', ')})`)
    else if (!isCount(v)) problems.push(`${path}.${k}: must be a whole number ≥ 0, got ${String(v)}`)
  }
}

function prepareHospital(h: RebalanceHospital, path: string, o: Required<RebalanceOptions>, problems: string[]): Prepared {
  if (!OdsCodeSchema.safeParse(h.id).success) problems.push(`${path}.id: must be an ODS code like "RXA", got ${JSON.stringify(h.id)}`)
  const beds = new Map<UnitType, BedState>()
  let inUse = 0
  let total = 0
  let placedCritical = 0
  let waitingCritical = 0
  h.units.forEach((u, i) => {
    const p = `${path}.units[${i}]`
    if (!UNIT_TYPES.includes(u.unitType)) problems.push(`${p}.unitType: must be one of ${UNIT_TYPES.join(', ')}, got ${JSON.stringify(u.unitType)}`)
    for (const [k, v] of [['beds.total', u.beds.total], ['beds.occupied', u.beds.occupied], ['ventilators.total', u.ventilators.total], ['ventilators.inUse', u.ventilators.inUse]] as const) {
      if (!isCount(v)) problems.push(`${p}.${k}: must be a whole number ≥ 0, got ${String(v)}`)
    }
    if (u.beds.occupied > u.beds.total) problems.push(`${p}.beds.occupied: ${u.beds.occupied} is more than beds.total ${u.beds.total}`)
    if (u.ventilators.inUse > u.ventilators.total) problems.push(`${p}.ventilators.inUse: ${u.ventilators.inUse} is more than ventilators.total ${u.ventilators.total}`)
    checkCounts(u.patients, `${p}.patients`, problems)
    checkCounts(u.waiting, `${p}.waiting`, problems)
    if (u.patients !== undefined && sumCounts(u.patients) !== u.beds.occupied) {
      problems.push(`${p}.patients: add up to ${sumCounts(u.patients)} but beds.occupied is ${u.beds.occupied}`)
    }
    const patients = u.patients ?? { [DEFAULT_SEVERITY[u.unitType]]: u.beds.occupied }
    placedCritical += patients.critical ?? 0
    waitingCritical += u.waiting?.critical ?? 0
    inUse += u.ventilators.inUse
    total += u.ventilators.total
    const b = beds.get(u.unitType) ?? { total: 0, occupied: 0, waiting: 0, free: 0, over: { mild: 0, severe: 0, critical: 0 } }
    b.total += u.beds.total
    b.occupied += u.beds.occupied
    for (const s of SEVERITIES) b.over[s] += u.waiting?.[s] ?? 0
    beds.set(u.unitType, b)
  })
  for (const b of beds.values()) {
    // Waiting patients take this hospital's free beds first, sickest first: no transport risk for them.
    b.free = b.total - b.occupied
    b.waiting = sumCounts(b.over)
    for (const s of [...SEVERITIES].reverse()) {
      const placed = Math.min(b.free, b.over[s])
      b.free -= placed
      b.over[s] -= placed
    }
  }
  const per = o.ventilatorsPerCriticalPatient
  const need = Math.max(inUse, placedCritical * per) + waitingCritical * per
  const ventilators: VentilatorState = {
    total,
    inUse,
    critical: placedCritical + waitingCritical,
    need,
    short: Math.max(0, need - total),
    spare: Math.max(0, Math.floor(total - need + 1e-9)),
  }
  const ppe = new Map<string, PpeState>()
  h.ppe.forEach((l, i) => {
    const p = `${path}.ppe[${i}]`
    if (!GtinSchema.safeParse(l.gtin).success) problems.push(`${p}.gtin: must be a GTIN-14 with a valid check digit, got ${JSON.stringify(l.gtin)}`)
    if (!PPE_ITEMS.includes(l.item)) problems.push(`${p}.item: must be one of ${PPE_ITEMS.join(', ')}, got ${JSON.stringify(l.item)}`)
    if (!isCount(l.stock)) problems.push(`${p}.stock: must be a whole number ≥ 0, got ${String(l.stock)}`)
    if (!(Number.isFinite(l.burnPerDay) && l.burnPerDay >= 0)) problems.push(`${p}.burnPerDay: must be a number ≥ 0, got ${String(l.burnPerDay)}`)
    const s = ppe.get(l.gtin) ?? { item: l.item, stock: 0, burnPerDay: 0, need: 0, short: 0, spare: 0 }
    if (s.item !== l.item) problems.push(`${p}.item: GTIN ${l.gtin} is "${s.item}" on another line of this hospital, not "${l.item}"`)
    s.stock += l.stock
    s.burnPerDay += l.burnPerDay
    ppe.set(l.gtin, s)
  })
  for (const s of ppe.values()) {
    s.need = Math.ceil(s.burnPerDay * o.horizonDays - 1e-9)
    s.short = Math.max(0, s.need - s.stock)
    // Without a burn rate the stock may still be in use: such a line neither asks nor gives.
    s.spare = s.burnPerDay > 0 ? Math.max(0, s.stock - s.need) : 0
  }
  const prepared: Prepared = { id: h.id, name: h.name, criticalCareCentre: h.specialisms?.includes('critical-care-centre') ?? false, beds, ventilators, ppe }
  if (h.location !== undefined) prepared.location = h.location
  return prepared
}

/** Check the whole input and work out every hospital's demand; throws `RHN_AGG_REBALANCE_INPUT` listing each problem. */
export function prepare(input: RebalanceInput): { hospitals: Prepared[]; options: Required<RebalanceOptions>; warnings: string[] } {
  const problems: string[] = []
  const warnings: string[] = []
  const options = prepareOptions(input.options, problems)
  const seen = new Set<string>()
  const hospitals = input.hospitals.map((h, i) => {
    const path = `hospitals[${i}] (${h.id})`
    if (seen.has(h.id)) problems.push(`${path}.id: ${h.id} appears twice`)
    seen.add(h.id)
    if (h.location === undefined) warnings.push(`${h.id} has no location in the registry: it is left out of every transfer`)
    else if (!(Math.abs(h.location.lat) <= 90 && Math.abs(h.location.lon) <= 180)) {
      problems.push(`${path}.location: lat must be within ±90 and lon within ±180, got ${h.location.lat}, ${h.location.lon}`)
    }
    return prepareHospital(h, path, options, problems)
  })
  if (problems.length > 0) {
    throw new AggregatorError('RHN_AGG_REBALANCE_INPUT', `rebalance: bad input: ${problems.join('; ')}`)
  }
  return { hospitals, options, warnings }
}
