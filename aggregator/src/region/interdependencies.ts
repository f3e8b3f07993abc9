/**
 * Typed interdependencies of the region twin (issue 7 "Interdependencies between hospitals"; the seed
 * paper's Table 3): spatial (one outbreak area), functional (specialisation by condition; unit service
 * chains), physical (resources requested and moved between hospitals), cyber (patient records moved
 * with a patient; record updates along a unit chain). Registry ones come from the asset registry,
 * ledger ones from confirmed transactions only.
 */
import type { Registry } from '@rhn/protocols'
import type { RegionFlows } from './types.js'
import type { Interdependency } from './types.js'

/**
 * What a specialism means for the others, for the description. A specialism not listed is still a
 * functional dependency ("others rely on its <specialism>").
 */
export const SPECIALISM_MEANING: Readonly<Record<string, string>> = Object.freeze({
  'critical-care-centre': 'sends critical patients to the critical care centre',
  ecmo: 'sends patients needing ECMO to the ECMO centre',
  'high-risk-centre': 'sends high-risk patients to the high-risk centre',
  'infectious-diseases': 'sends infectious patients to the infectious diseases unit',
})

function registryLinks(registry: Registry): Interdependency[] {
  const out: Interdependency[] = []
  const hs = registry.hospitals
  for (let i = 0; i < hs.length; i++) {
    for (let j = i + 1; j < hs.length; j++) {
      const a = hs[i]!
      const b = hs[j]!
      if (a.outbreakArea !== undefined && a.outbreakArea === b.outbreakArea) {
        out.push({ type: 'spatial', level: 'hospital', from: a.id, to: b.id, mutual: true, source: 'registry', description: `same outbreak area "${a.outbreakArea}": an outbreak in one reaches the other` })
      }
    }
  }
  for (const centre of hs) {
    for (const s of centre.specialisms) {
      const meaning = SPECIALISM_MEANING[s] ?? `relies on its ${s}`
      for (const other of hs) {
        if (other.id !== centre.id) out.push({ type: 'functional', level: 'hospital', from: other.id, to: centre.id, mutual: false, source: 'registry', description: `${other.id} ${meaning} ${centre.id} (${s})` })
      }
    }
  }
  for (const h of hs) {
    const names = new Map(h.units.map((u) => [u.id, u.name]))
    for (const u of h.units) {
      for (const next of u.flowsTo) {
        const to = names.get(next) ?? next
        out.push({ type: 'functional', level: 'unit', from: u.id, to: next, mutual: false, source: 'registry', description: `service chain: patients move on from ${u.name} to ${to}` })
        out.push({ type: 'cyber', level: 'unit', from: u.id, to: next, mutual: false, source: 'registry', description: `record updates follow the patient from ${u.name} to ${to}` })
      }
    }
  }
  return out
}

interface Tally {
  count: number
  confirmedAt: number
  parts: Map<string, number>
}

function tally(map: Map<string, Tally>, key: string, part: string, n: number, confirmedAt: number): void {
  const t = map.get(key) ?? { count: 0, confirmedAt: 0, parts: new Map<string, number>() }
  t.count += 1
  t.confirmedAt = Math.max(t.confirmedAt, confirmedAt)
  t.parts.set(part, (t.parts.get(part) ?? 0) + n)
  map.set(key, t)
}

function partsText(t: Tally): string {
  return [...t.parts].map(([what, n]) => `${what} ${n}`).join(', ')
}

function ledgerLinks(flows: RegionFlows): Interdependency[] {
  const physical = new Map<string, Tally>()
  for (const r of flows.requests) {
    const what = r.resource === 'ppe' && r.gtin !== undefined ? `ppe ${r.gtin}` : r.resource
    for (const to of r.to) tally(physical, `${r.from}>${to}`, `${what} requested`, r.quantity, r.confirmedAt)
    for (const o of r.offers) {
      // The offerer supplies the requester: resources move from the offerer to the requester.
      const state = o.decision?.kind === 'accept' ? 'moved' : o.decision?.kind === 'decline' ? 'declined' : 'offered'
      tally(physical, `${o.from}>${r.from}`, `${what} ${state}`, o.quantity, o.decision?.confirmedAt ?? o.confirmedAt)
    }
  }
  const cyber = new Map<string, Tally>()
  for (const t of flows.transfers) tally(cyber, `${t.origin}>${t.destination}`, `${t.category.severity} ${t.category.condition}`, 1, t.confirmedAt)
  const out: Interdependency[] = []
  for (const [key, t] of physical) {
    const [from, to] = key.split('>') as [string, string]
    out.push({ type: 'physical', level: 'hospital', from, to, mutual: false, source: 'ledger', description: `resources between ${from} and ${to}: ${partsText(t)}`, count: t.count, confirmedAt: t.confirmedAt })
  }
  for (const [key, t] of cyber) {
    const [from, to] = key.split('>') as [string, string]
    out.push({ type: 'cyber', level: 'hospital', from, to, mutual: false, source: 'ledger', description: `patient records transferred with ${t.count} patient${t.count === 1 ? '' : 's'} from ${from} to ${to} (${partsText(t)})`, count: t.count, confirmedAt: t.confirmedAt })
  }
  return out
}

/** Every interdependency of the region: registry ones first, then those of confirmed transactions. */
export function interdependencies(registry: Registry, flows: RegionFlows): Interdependency[] {
  return [...registryLinks(registry), ...ledgerLinks(flows)]
}
