import { isKnownUcumUnit } from '../metrics/index.js'
import { type KeyPath, loadYaml } from '../yaml/located.js'
import { type ComponentKind, PROTOCOLS_OF_KIND } from './model.js'
import { type ComponentEntry, type RegistryFile, RegistryFileSchema } from './registry-schema.js'
import type { Component, Hospital, Registry } from './registry-types.js'

/**
 * Seconds a component may stay silent before the twin calls it stale, by kind. Beds report on
 * change plus a 60 s keep-alive; ventilators breathe every few seconds; RFID cabinets inventory
 * every few minutes; an ADT feed can be quiet for an hour at night.
 */
export const DEFAULT_EXPECTED_INTERVAL_S: Readonly<Record<ComponentKind, number>> = {
  bed: 120,
  ventilator: 30,
  'ppe-cabinet': 600,
  'patient-flow': 3600,
}

type Problem = { path: KeyPath; message: string }

/** Ids a component entry stands for: its own, or every id of its series. */
export function entryIds(entry: ComponentEntry): string[] {
  if (entry.series === undefined) return entry.id === undefined ? [] : [entry.id]
  const { prefix, count, start, digits } = entry.series
  return Array.from({ length: count }, (_, i) => `${prefix}${String(start + i).padStart(digits, '0')}`)
}

/** Cross-reference checks the schema cannot express; every problem is returned, not just the first. */
export function checkRegistry(file: RegistryFile): Problem[] {
  const problems: Problem[] = []
  const seen = new Map<string, string>()
  /** Records an id; false (and a problem) when it is taken. */
  const claim = (id: string, path: KeyPath): boolean => {
    const first = seen.get(id)
    if (first === undefined) {
      seen.set(id, pathText(path))
      return true
    }
    problems.push({ path, message: `duplicate id "${id}" (first used at ${first})` })
    return false
  }
  const seenBinding = new Map<string, string>()

  file.hospitals.forEach((h, hi) => {
    const hp = ['hospitals', hi] as const
    claim(h.id, [...hp, 'id'])
    const gateways = new Set(h.gateways.map((g) => g.id))
    h.gateways.forEach((g, gi) => claim(g.id, [...hp, 'gateways', gi, 'id']))
    const unitIds = new Set(h.units.map((u) => u.id))
    h.units.forEach((u, ui) => {
      const up = [...hp, 'units', ui] as const
      claim(u.id, [...up, 'id'])
      u.flowsTo?.forEach((to, ti) => {
        if (!unitIds.has(to)) problems.push({ path: [...up, 'flowsTo', ti], message: `unknown unit "${to}" in hospital ${h.id} (known: ${[...unitIds].join(', ')})` })
      })
      for (const [key, gw] of [['gateway', u.gateway]] as const) {
        if (gw !== undefined && !gateways.has(gw)) problems.push({ path: [...up, key], message: `unknown gateway "${gw}" (hospital ${h.id} has: ${[...gateways].join(', ')})` })
      }
      u.sections.forEach((s, si) => {
        const sp = [...up, 'sections', si] as const
        claim(s.id, [...sp, 'id'])
        if (s.gateway !== undefined && !gateways.has(s.gateway)) problems.push({ path: [...sp, 'gateway'], message: `unknown gateway "${s.gateway}" (hospital ${h.id} has: ${[...gateways].join(', ')})` })
        s.components.forEach((c, ci) => {
          const cp = [...sp, 'components', ci] as const
          problems.push(...checkEntry(c, cp))
          const ids = entryIds(c)
          const unique = ids.map((id) => claim(id, c.series === undefined ? [...cp, 'id'] : [...cp, 'series'])).every(Boolean)
          const gateway = c.binding?.gateway ?? s.gateway ?? u.gateway ?? (h.gateways.length === 1 ? h.gateways[0]?.id : undefined)
          if (gateway === undefined) {
            problems.push({ path: [...cp, 'binding'], message: `no gateway: set binding.gateway, or gateway on the section or unit (hospital ${h.id} has several)` })
          } else if (c.binding?.gateway !== undefined && !gateways.has(gateway)) {
            problems.push({ path: [...cp, 'binding', 'gateway'], message: `unknown gateway "${gateway}" (hospital ${h.id} has: ${[...gateways].join(', ')})` })
          } else if (unique) {
            // A duplicate id already explains a clash of default device ids: report it once.
            const devices = c.series === undefined ? [c.binding?.device ?? c.id ?? ''] : ids
            for (const device of devices) {
              const key = `${gateway}/${device}`
              const first = seenBinding.get(key)
              if (first === undefined) seenBinding.set(key, pathText(cp))
              else problems.push({ path: [...cp, 'binding'], message: `device "${device}" on gateway "${gateway}" is already bound at ${first}` })
            }
          }
        })
      })
    })
  })
  return problems
}

function checkEntry(c: ComponentEntry, path: KeyPath): Problem[] {
  const out: Problem[] = []
  if ((c.id === undefined) === (c.series === undefined)) out.push({ path, message: 'give exactly one of "id" (one component) or "series" (several)' })
  if (c.series !== undefined && c.binding?.device !== undefined) out.push({ path: [...path, 'binding', 'device'], message: 'a series binds each item to its own id; remove binding.device' })
  const protocol = c.binding?.protocol
  if (protocol !== undefined && !PROTOCOLS_OF_KIND[c.kind].includes(protocol)) {
    out.push({ path: [...path, 'binding', 'protocol'], message: `a ${c.kind} is read over ${PROTOCOLS_OF_KIND[c.kind].join(' or ')}, not ${protocol}` })
  }
  const cap = c.capacity
  if (cap?.ppe !== undefined && c.kind !== 'ppe-cabinet') out.push({ path: [...path, 'capacity', 'ppe'], message: `only a ppe-cabinet holds PPE stock, not a ${c.kind}` })
  if (c.kind === 'ppe-cabinet' && (cap?.ppe === undefined || cap.ppe.length === 0)) out.push({ path: [...path, 'capacity', 'ppe'], message: 'a ppe-cabinet needs at least one stock line (item, gtin, capacity, reorderPoint)' })
  cap?.ppe?.forEach((line, li) => {
    if (line.reorderPoint >= line.capacity) out.push({ path: [...path, 'capacity', 'ppe', li, 'reorderPoint'], message: `reorderPoint ${line.reorderPoint} must be below capacity ${line.capacity}` })
  })
  if (cap?.beds !== undefined && c.kind !== 'bed') out.push({ path: [...path, 'capacity', 'beds'], message: `only a bed provides beds, not a ${c.kind}` })
  if (cap?.ventilators !== undefined && c.kind !== 'ventilator') out.push({ path: [...path, 'capacity', 'ventilators'], message: `only a ventilator provides ventilators, not a ${c.kind}` })
  c.attributes?.forEach((a, ai) => {
    if (a.unit !== undefined && !isKnownUcumUnit(a.unit)) out.push({ path: [...path, 'attributes', ai, 'unit'], message: `unknown unit "${a.unit}": use a UCUM code from the metric catalogue (e.g. "mL", "kg", "/min")` })
  })
  return out
}

function pathText(path: KeyPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
}

/** Expands series and fills defaults. Call only on a registry that passed {@link checkRegistry}. */
export function expandRegistry(file: RegistryFile): Registry {
  const hospitals: Hospital[] = file.hospitals.map((h) => ({
    id: h.id,
    name: h.name,
    ...(h.location === undefined ? {} : { location: h.location }),
    ...(h.outbreakArea === undefined ? {} : { outbreakArea: h.outbreakArea }),
    specialisms: h.specialisms ?? [],
    gateways: h.gateways,
    units: h.units.map((u) => ({
      id: u.id,
      name: u.name,
      type: u.type,
      staffPerShift: u.staffPerShift ?? 0,
      flowsTo: u.flowsTo ?? [],
      sections: u.sections.map((s) => ({
        id: s.id,
        name: s.name,
        components: s.components.flatMap((c) =>
          entryIds(c).map((id, n): Component => {
            const gateway = c.binding?.gateway ?? s.gateway ?? u.gateway ?? h.gateways[0]!.id
            const unitIdStart = c.binding?.unitId
            return {
              id,
              name: c.series === undefined ? (c.name ?? id) : `${c.name ?? c.kind} ${String(c.series.start + n)}`,
              kind: c.kind,
              binding: {
                gateway,
                device: c.binding?.device ?? id,
                protocol: c.binding?.protocol ?? PROTOCOLS_OF_KIND[c.kind][0]!,
                ...(unitIdStart === undefined ? {} : { unitId: unitIdStart + n }),
              },
              capacity: {
                beds: c.capacity?.beds ?? (c.kind === 'bed' ? 1 : 0),
                ventilators: c.capacity?.ventilators ?? (c.kind === 'ventilator' ? 1 : 0),
                ventilatorCapable: c.capacity?.ventilatorCapable ?? false,
                isolation: c.capacity?.isolation ?? false,
                ppe: c.capacity?.ppe ?? [],
              },
              attributes: c.attributes ?? [],
              expectedIntervalS: c.expectedIntervalS ?? DEFAULT_EXPECTED_INTERVAL_S[c.kind],
              hospitalId: h.id,
              unitId: u.id,
              sectionId: s.id,
            }
          }),
        ),
      })),
    })),
  }))
  return { region: file.region, hospitals }
}

/**
 * Parses and validates a registry file. Throws a `ValidationError` (code `RHN_PROTO_REGISTRY_INVALID`,
 * or `RHN_PROTO_YAML_SYNTAX`) that lists every problem with its key path and line.
 */
export function parseRegistry(text: string, file?: string): Registry {
  const parsed = loadYaml(RegistryFileSchema, text, {
    code: 'RHN_PROTO_REGISTRY_INVALID',
    what: 'Asset registry',
    ...(file === undefined ? {} : { file }),
    extraChecks: checkRegistry,
  })
  return expandRegistry(parsed)
}

