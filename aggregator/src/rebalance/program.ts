/**
 * The rebalancing program (README.md "The program"), in independent blocks: patients and
 * ventilators together (a critical patient takes a ventilator's worth of need along), and one
 * transportation problem per PPE GTIN. Columns are integer flows on arcs within reach and
 * unmet-demand slacks bounded by each hospital's shortage before any move — which is what keeps
 * every donor from being left short.
 */
import { SEVERITIES, type Severity } from '@rhn/protocols'
import { makeProgram, type Flow, type Program, type Row, type Slack, type Term } from './lp.js'
import type { Prepared } from './prepare.js'

/** Weight of a patient without a bed, by severity: the sicker the patient, the more a bed matters. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { mild: 1, severe: 2, critical: 4 }
/** Cost of a move beyond its distance, km per unit: keeps zero-distance moves (co-located sites) from being free. */
export const HANDLING_KM = 0.01
/** A critical patient sent to a critical-care centre counts this share of the distance (seed: functional interdependence). */
export const CRITICAL_CARE_CENTRE_FACTOR = 0.5

/** `km[a][b]`: distance between hospitals a and b, or undefined when nothing may move between them. */
export type Reach = readonly (readonly (number | undefined)[])[]

function flowAdder(flows: Flow[], prefix: string) {
  return (f: Omit<Flow, 'name' | 'cost'>, factor = 1): string => {
    const name = `${prefix}${flows.length}`
    flows.push({ ...f, name, cost: f.km * factor + HANDLING_KM })
    return name
  }
}

/** Patients waiting with no bed at home, and ventilators, with the ventilator need critical patients carry. */
export function buildCareProgram(hs: readonly Prepared[], km: Reach, ventilatorsPerCritical: number): Program {
  const flows: Flow[] = []
  const slacks: Slack[] = []
  const rows: Row[] = []
  const add = flowAdder(flows, 'F')
  hs.forEach((h, a) => {
    for (const [unitType, bed] of h.beds) {
      for (const severity of SEVERITIES) {
        const over = bed.over[severity]
        if (over === 0) continue
        const out: Term[] = []
        hs.forEach((g, b) => {
          const d = km[a]?.[b]
          const free = g.beds.get(unitType)?.free ?? 0
          if (a === b || d === undefined || free === 0) return
          const factor = severity === 'critical' && g.criticalCareCentre ? CRITICAL_CARE_CENTRE_FACTOR : 1
          out.push([1, add({ kind: 'patient', from: a, to: b, km: d, upper: Math.min(over, free), unitType, severity }, factor)])
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
      const incoming = flows.filter((f) => f.to === b && f.unitType === unitType)
      if (incoming.length > 1) rows.push({ name: `beds${rows.length}`, terms: incoming.map((f) => [1, f.name]), sense: '<=', rhs: bed.free })
    }
  })
  // Ventilators: from a hospital with spare to one within reach that is short, or may take critical patients.
  const takesCritical = new Set(flows.filter((f) => f.severity === 'critical').map((f) => f.to))
  hs.forEach((h, a) => {
    if (h.ventilators.spare === 0) return
    hs.forEach((g, b) => {
      const d = km[a]?.[b]
      if (a !== b && d !== undefined && (g.ventilators.short > 0 || takesCritical.has(b))) add({ kind: 'ventilator', from: a, to: b, km: d, upper: h.ventilators.spare })
    })
  })
  hs.forEach((h, a) => {
    const out = flows.filter((f) => f.kind === 'ventilator' && f.from === a)
    if (out.length > 1) rows.push({ name: `spare${rows.length}`, terms: out.map((f) => [1, f.name]), sense: '<=', rhs: h.ventilators.spare })
    // have − need ≥ −short: ventilators given and received, and the need critical patients take along.
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
  return makeProgram('patients and ventilators', flows, slacks, rows)
}

/**
 * One GTIN: items beyond a donor's own horizon → hospitals short of theirs, within reach. A
 * transportation problem, so its LP relaxation has whole optimal vertices. Unmet items are
 * weighted 1 / (the region's mean burn per day of the GTIN): hospital-days, comparable across GTINs.
 */
export function buildPpeProgram(hs: readonly Prepared[], km: Reach, gtin: string): Program {
  const flows: Flow[] = []
  const slacks: Slack[] = []
  const rows: Row[] = []
  const add = flowAdder(flows, 'Q')
  const burns = hs.map((h) => h.ppe.get(gtin)?.burnPerDay ?? 0).filter((b) => b > 0)
  const weight = 1 / Math.max(1, burns.reduce((s, b) => s + b, 0) / Math.max(1, burns.length))
  hs.forEach((h, b) => {
    const need = h.ppe.get(gtin)
    if (need === undefined || need.short === 0) return
    const incoming: Term[] = []
    hs.forEach((g, a) => {
      const spare = g.ppe.get(gtin)?.spare ?? 0
      const d = km[a]?.[b]
      if (a === b || spare === 0 || d === undefined) return
      incoming.push([1, add({ kind: 'ppe', from: a, to: b, km: d, upper: Math.min(spare, need.short), gtin, item: need.item }, weight)])
    })
    const slack = `UP${slacks.length}`
    slacks.push({ name: slack, upper: need.short, weight })
    rows.push({ name: `ppe${rows.length}`, terms: [...incoming, [1, slack]], sense: '>=', rhs: need.short })
  })
  hs.forEach((h, a) => {
    const out = flows.filter((f) => f.from === a)
    if (out.length > 1) rows.push({ name: `stock${rows.length}`, terms: out.map((f) => [1, f.name]), sense: '<=', rhs: h.ppe.get(gtin)!.spare })
  })
  return makeProgram(`PPE ${gtin}`, flows, slacks, rows)
}

/** Every block with something to move: solving each on its own is the same optimum, since no row spans two. */
export function buildPrograms(hs: readonly Prepared[], km: Reach, ventilatorsPerCritical: number): Program[] {
  const gtins = [...new Set(hs.flatMap((h) => [...h.ppe.keys()]))].sort()
  return [buildCareProgram(hs, km, ventilatorsPerCritical), ...gtins.map((g) => buildPpeProgram(hs, km, g))].filter((p) => p.flows.length > 0)
}
