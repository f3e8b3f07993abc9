import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildAssetTree,
  capacityByUnitType,
  formatAssetTree,
  indexRegistry,
  isValidGtin,
  parseRegistry,
  ValidationError,
  walkTree,
} from '@rhn/protocols'

const examplePath = new URL('../examples/region-north.yaml', import.meta.url)
const example = readFileSync(examplePath, 'utf8')

function registryError(text: string): ValidationError {
  try {
    parseRegistry(text, 'broken.yaml')
  } catch (err) {
    if (err instanceof ValidationError) return err
    throw err
  }
  throw new Error('expected the registry to be rejected')
}

const minimal = (component: string, extra = ''): string => `
region: { id: north, name: North }
hospitals:
  - id: RXA
    name: Test Hospital
    gateways: [{ id: gw-1 }]
    units:
      - id: rxa-icu
        name: ICU
        type: icu${extra}
        sections:
          - id: rxa-icu-a
            name: Bay A
            components:
${component}
`

describe('example registry (region-north)', () => {
  const registry = parseRegistry(example, 'region-north.yaml')
  const tree = buildAssetTree(registry)

  it('is a realistic three-hospital region: hundreds of beds, tens of ventilators, several PPE cabinets each', () => {
    expect(registry.hospitals.map((h) => h.id)).toEqual(['RXA', 'RXB', 'RXC'])
    for (const hospital of tree.children) {
      expect(hospital.capacity.beds).toBeGreaterThanOrEqual(100)
      expect(hospital.capacity.ventilators).toBeGreaterThanOrEqual(10)
      expect(hospital.capacity.ppeCabinets).toBeGreaterThanOrEqual(3)
    }
    expect(tree.capacity.beds).toBe(tree.children.reduce((sum, h) => sum + h.capacity.beds, 0))
  })

  it('rolls capacity up from components through sections and units to the region', () => {
    for (const { node } of walkTree(tree)) {
      if (node.children.length === 0) continue
      const beds = node.children.reduce((sum, c) => sum + c.capacity.beds, 0)
      const ventilators = node.children.reduce((sum, c) => sum + c.capacity.ventilators, 0)
      expect(node.capacity.beds, node.id).toBe(beds)
      expect(node.capacity.ventilators, node.id).toBe(ventilators)
    }
    const rxa = tree.children[0]!
    const icu = capacityByUnitType(rxa).icu!
    expect(icu.beds).toBe(24)
    expect(icu.ventilatorCapableBeds).toBe(24)
    expect(icu.ventilators).toBe(22)
  })

  it('expands series into one component per bed with its own Sparkplug device and Modbus unit id', () => {
    const index = indexRegistry(registry)
    const bed = index.component('rxa-icu-bay-a-bed-03')!
    expect(bed.kind).toBe('bed')
    expect(bed.binding).toEqual({ gateway: 'gw-rxa-crit', device: 'rxa-icu-bay-a-bed-03', protocol: 'modbus', unitId: 3 })
    expect(index.byBinding('gw-rxa-crit', 'rxa-icu-bay-a-bed-03')).toBe(bed)
    const vent = index.component('rxa-icu-bay-a-vent-01')!
    expect(vent.binding.protocol).toBe('opcua')
    expect(vent.attributes).toContainEqual({ name: 'maxTidalVolume', value: 2000, unit: 'mL' })
    const cabinet = index.component('rxa-icu-bay-a-ppe-1')!
    expect(cabinet.capacity.ppe.map((l) => l.item)).toContain('ffp3-mask')
    expect(cabinet.capacity.ppe.every((l) => isValidGtin(l.gtin))).toBe(true)
  })

  it('prints the hierarchy with capacity at every level', () => {
    const text = formatAssetTree(tree, { depth: 'unit' })
    expect(text.split('\n')[0]).toMatch(/^North Region \(region north\) — 3 hospitals · \d[\d,]* beds/)
    expect(text).toContain('├─ RXA  Northgate General Hospital — ')
    expect(text).toMatch(/rxa-icu {2}Intensive Care Unit \[icu\] — 24 beds \(24 ventilator-capable\) · 22 ventilators · 1 PPE cabinet \(9,900 items\)/)
    expect(text).not.toContain('Bay A')
    expect(formatAssetTree(tree, { depth: 'section' })).toContain('Bay A')
  })
})

describe('registry validation', () => {
  it('lists every problem at once, each with its key path and line', () => {
    const text = `region: { id: north, name: North }
hospitals:
  - id: rxa
    name: Lower-case code
    gateways: [{ id: gw-1 }]
    units:
      - id: u-1
        name: ICU
        type: intensive
        sections: []
`
    const err = registryError(text)
    expect(err.code).toBe('RHN_PROTO_REGISTRY_INVALID')
    expect(err.issues.map((i) => [i.path, i.line])).toEqual([
      ['hospitals[0].id', 3],
      ['hospitals[0].units[0].type', 9],
      ['hospitals[0].units[0].sections', 10],
    ])
    expect(err.message).toContain('broken.yaml:3:')
    expect(err.message).toContain('ODS-style code')
    expect(err.message).toMatch(/has 3 problems/)
  })

  it('names wrong types with the expected type', () => {
    const err = registryError(minimal('              - { id: bed-1, kind: bed, capacity: { beds: two } }'))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]!.path).toBe('hospitals[0].units[0].sections[0].components[0].capacity.beds')
    expect(err.issues[0]!.line).toBe(15)
    expect(err.issues[0]!.message).toMatch(/number/)
  })

  it('rejects duplicate ids, dangling gateways and units, unknown UCUM units and impossible protocols together', () => {
    const err = registryError(
      minimal(
        `              - { id: bed-1, kind: bed }
              - { id: bed-1, kind: bed }
              - { id: vent-1, kind: ventilator, binding: { gateway: gw-9 } }
              - { id: vent-2, kind: ventilator, binding: { protocol: llrp } }
              - { id: vent-3, kind: ventilator, attributes: [{ name: maxTidalVolume, value: 2000, unit: millilitres }] }`,
        '\n        flowsTo: [rxa-nowhere]',
      ),
    )
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i]))
    const c = 'hospitals[0].units[0].sections[0].components'
    expect(byPath['hospitals[0].units[0].flowsTo[0]']?.message).toMatch(/unknown unit "rxa-nowhere"/)
    expect(byPath[`${c}[1].id`]?.message).toMatch(/duplicate id "bed-1" \(first used at hospitals\[0\]\.units\[0\]\.sections\[0\]\.components\[0\]\.id\)/)
    expect(byPath[`${c}[1].id`]?.line).toBe(17)
    expect(byPath[`${c}[2].binding.gateway`]?.message).toMatch(/unknown gateway "gw-9"/)
    expect(byPath[`${c}[3].binding.protocol`]?.message).toMatch(/ventilator is read over opcua or modbus, not llrp/)
    expect(byPath[`${c}[4].attributes[0].unit`]?.message).toMatch(/unknown unit "millilitres"/)
    expect(err.issues).toHaveLength(5)
  })

  it('checks PPE stock lines: GTIN check digit, reorder point below capacity', () => {
    const err = registryError(
      minimal(`              - id: cab-1
                kind: ppe-cabinet
                capacity:
                  ppe:
                    - { item: gown, gtin: "05012345000030", capacity: 100, reorderPoint: 10 }
                    - { item: visor, gtin: "05012345000053", capacity: 100, reorderPoint: 100 }`),
    )
    expect(err.issues.map((i) => [i.path.replace(/^.*components\[0\]\./, ''), i.message])).toEqual([
      ['capacity.ppe[0].gtin', 'has a wrong GS1 check digit'],
    ])
    const err2 = registryError(
      minimal(`              - id: cab-1
                kind: ppe-cabinet
                capacity:
                  ppe:
                    - { item: visor, gtin: "05012345000053", capacity: 100, reorderPoint: 100 }`),
    )
    expect(err2.issues[0]!.message).toBe('reorderPoint 100 must be below capacity 100')
    expect(err2.issues[0]!.line).toBe(19)
  })

  it('reports YAML syntax errors with their line instead of crashing', () => {
    const err = registryError('region: { id: north\nhospitals: [\n')
    expect(err.code).toBe('RHN_PROTO_YAML_SYNTAX')
    expect(err.issues[0]!.line).toBeGreaterThan(0)
  })

  it('validates GS1 check digits', () => {
    expect(isValidGtin('05012345000015')).toBe(true)
    expect(isValidGtin('05012345000016')).toBe(false)
    expect(isValidGtin('00012345600012')).toBe(true)
  })
})
