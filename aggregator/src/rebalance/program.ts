/**
 * The rebalancing program as a mixed-integer program in CPLEX LP format (README.md "The program").
 * Columns: integer flows on arcs within reach, and unmet-demand slacks bounded by each hospital's
 * shortage before any move — which is what keeps every donor from being left short.
 */
import { SEVERITIES, type PpeItem, type Severity, type UnitType } from '@rhn/protocols'
import type { Prepared } from './prepare.js'

/** Weight of a patient without a bed, by severity: the sicker the patient, the more a bed matters. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { mild: 1, severe: 2, critical: 4 }
/** Cost of a move beyond its distance, km per unit: keeps zero-distance moves (co-located sites) from being free. */
export const HANDLING_KM = 0.01
/** A critical patient sent to a critical-care centre counts this share of the distance (seed: functional interdependence). */
export const CRITICAL_CARE_CENTRE_FACTOR = 0.5

/** One flow column: what moves, between which hospitals (indices into the prepared list). */
export interface Flow {
  name: string
  kind: 'patient' | 'ventilator' | 'ppe'
  from: number
  to: number
  km: number
  /** Distance-objective cost per unit. */
  cost: number
  upper: number
  unitType?: UnitType
  severity?: Severity
  gtin?: string
  item?: PpeItem
}

type Term = [coefficient: number, column: string]
interface Row { name: string; terms: Term[]; sense: '>=' | '<=' | '='; rhs: number }

/** The built program: its columns, and its text for either stage. */
export interface Program {
  flows: Flow[]
  /** Weighted unmet demand: the first objective. */
  unmetTerms: Term[]
  /** The constant of the first objective when nothing moves (weighted unmet before). */
  unmetBefore: number
  /** CPLEX LP text minimising unmet demand, or distance with unmet demand capped at `unmetCap`. */
  render(stage: 'unmet' | 'distance', unmetCap?: number): string
}

const fmt = (x: number): string => String(Number(x.toPrecision(12)))

function renderTerms(terms: Term[]): string {
  if (terms.length === 0) return '0 ZERO'
  const parts = terms.map(([c, v], i) => `${c < 0 ? '-' : i === 0 ? '' : '+'} ${fmt(Math.abs(c))} ${v}`)
  // Short lines: the LP format allows a row to continue on the next line.
  const lines: string[] = []
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(' '))
  return lines.join('\n  ')
}

/**
 * Build the program for prepared hospitals. `km[a][b]` is the distance between hospitals a and b,
 * or undefined when no transfer may go between them (no location, or beyond maxTransferKm).
 */
export function buildProgram(hs: readonly Prepared[], km: readonly (readonly (number | undefined)[])[], ventilatorsPerCritical: number): Program {
  const flows: Flow[] = []
  const slacks: { name: string; upper: number; weight: number }[] = []
  const rows: Row[] = []
  const reach = (a: number, b: number): number | undefined => (a === b ? undefined : km[a]?.[b])
  const add = (f: Omit<Flow, 'name' | 'cost'>, factor = 1): void => {
    flows.push({ ...f, name: `F${flows.length}`, cost: f.km * factor + HANDLING_KM })
  }

  // Patients: waiting patients with no bed at home → free beds of the same unit type within reach.
  hs.forEach((h, a) => {
    for (const [unitType, bed] of h.beds) {
      for (const severity of SEVERITIES) {
        const over = bed.over[severity]
        if (over === 0) continue
        const out: Term[] = []
        hs.forEach((g, b) => {
          const d = reach(a, b)
          const free = g.beds.get(unitType)?.free ?? 0
          if (d === undefined || free === 0) return
          const factor = severity === 'critical' && g.criticalCareCentre ? CRITICAL_CARE_CENTRE_FACTOR : 1
          add({ kind: 'patient', from: a, to: b, km: d, upper: Math.min(over, free), unitType, severity }, factor)
          out.push([1, flows[flows.length - 1]!.name])
        })
        const slack = `UB${slacks.length}`
        slacks.push({ name: slack, upper: over, weight: SEVERITY_WEIGHT[severity] })
        rows.push({ name: `waiting${rows.length}`, terms: [...out, [1, slack]], sense: '=', rhs: over })
      }
    }
  })
  // Beds taken by others' patients never exceed the free beds left after one's own waiting patients.
  hs.forEach((g, b) => {
    for (const [unitType, bed] of g.beds) {
      const incoming = flows.filter((f) => f.kind === 'patient' && f.to === b && f.unitType === unitType)
      if (incoming.length > 1) rows.push({ name: `beds${rows.length}`, terms: incoming.map((f) => [1, f.name]), sense: '<=', rhs: bed.free })
    }
  })

  // Ventilators: from a hospital with spare to any hospital within reach.
  hs.forEach((h, a) => {
    if (h.ventilators.spare === 0) return
    hs.forEach((_g, b) => {
      const d = reach(a, b)
      if (d !== undefined) add({ kind: 'ventilator', from: a, to: b, km: d, upper: h.ventilators.spare })
    })
  })
  hs.forEach((h, a) => {
    const out = flows.filter((f) => f.kind === 'ventilator' && f.from === a)
    if (out.length > 1) rows.push({ name: `spare${rows.length}`, terms: out.map((f) => [1, f.name]), sense: '<=', rhs: h.ventilators.spare })
    // have − need ≥ −short: ventilators given and received, and the ventilators critical patients take with them.
    const terms: Term[] = out.map((f) => [-1, f.name])
    for (const f of flows) {
      if (f.kind === 'ventilator' && f.to === a) terms.push([1, f.name])
      if (f.kind === 'patient' && f.severity === 'critical' && ventilatorsPerCritical > 0) {
        if (f.to === a) terms.push([-ventilatorsPerCritical, f.name])
        if (f.from === a) terms.push([ventilatorsPerCritical, f.name])
      }
    }
    if (h.ventilators.short > 0) {
      const slack = `UV${slacks.length}`
      slacks.push({ name: slack, upper: h.ventilators.short, weight: 1 })
      terms.push([1, slack])
    }
    if (terms.length > 0) rows.push({ name: `vent${rows.length}`, terms, sense: '>=', rhs: h.ventilators.need - h.ventilators.total })
  })

  // PPE, per GTIN: items beyond a donor's own horizon → hospitals short of theirs, within reach.
  // One unmet item weighs 1 / (the region's mean burn per day of that GTIN): unmet PPE counts in
  // hospital-days, so a GTIN burnt by the thousand does not drown out ventilators and beds.
  const gtins = new Set(hs.flatMap((h) => [...h.ppe.keys()]))
  for (const gtin of gtins) {
    const burns = hs.map((h) => h.ppe.get(gtin)?.burnPerDay ?? 0).filter((b) => b > 0)
    const weight = 1 / Math.max(1, burns.reduce((s, b) => s + b, 0) / Math.max(1, burns.length))
    hs.forEach((h, b) => {
      const need = h.ppe.get(gtin)
      if (need === undefined || need.short === 0) return
      const incoming: Term[] = []
      hs.forEach((g, a) => {
        const have = g.ppe.get(gtin)
        const d = reach(a, b)
        if (have === undefined || have.spare === 0 || d === undefined) return
        add({ kind: 'ppe', from: a, to: b, km: d, upper: Math.min(have.spare, need.short), gtin, item: need.item }, weight)
        incoming.push([1, flows[flows.length - 1]!.name])
      })
      const slack = `UP${slacks.length}`
      slacks.push({ name: slack, upper: need.short, weight })
      rows.push({ name: `ppe${rows.length}`, terms: [...incoming, [1, slack]], sense: '>=', rhs: need.short })
    })
    hs.forEach((_g, a) => {
      const out = flows.filter((f) => f.kind === 'ppe' && f.gtin === gtin && f.from === a)
      if (out.length > 1) rows.push({ name: `stock${rows.length}`, terms: out.map((f) => [1, f.name]), sense: '<=', rhs: hs[a]!.ppe.get(gtin)!.spare })
    })
  }

  const unmetTerms: Term[] = slacks.map((s) => [s.weight, s.name])
  const unmetBefore = slacks.reduce((sum, s) => sum + s.weight * s.upper, 0)
  const render = (stage: 'unmet' | 'distance', unmetCap?: number): string => {
    const objective = stage === 'unmet' ? unmetTerms : flows.map((f): Term => [f.cost, f.name])
    const all = stage === 'distance' && unmetCap !== undefined ? [...rows, { name: 'unmetcap', terms: unmetTerms, sense: '<=' as const, rhs: unmetCap }] : rows
    const text = ['Minimize', ` obj: ${renderTerms(objective)}`, 'Subject To']
    for (const r of all) if (r.terms.length > 0) text.push(` ${r.name}: ${renderTerms(r.terms)} ${r.sense} ${fmt(r.rhs)}`)
    text.push('Bounds', ' ZERO = 0')
    for (const f of flows) text.push(` 0 <= ${f.name} <= ${f.upper}`)
    for (const s of slacks) text.push(` 0 <= ${s.name} <= ${fmt(s.upper)}`)
    if (flows.length > 0) {
      text.push('Generals')
      for (let i = 0; i < flows.length; i += 16) text.push(` ${flows.slice(i, i + 16).map((f) => f.name).join(' ')}`)
    }
    text.push('End')
    return text.join('\n')
  }
  return { flows, unmetTerms, unmetBefore, render }
}
