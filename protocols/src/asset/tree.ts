import type { AssetLevel, ComponentKind, PpeItem, UnitType } from './model.js'
import type { Component, Registry } from './registry-types.js'

/** Installed capacity under a node of the tree (what the registry says exists, not what is in use). */
export interface CapacitySummary {
  beds: number
  ventilatorCapableBeds: number
  isolationBeds: number
  ventilators: number
  ppeCabinets: number
  /** Cabinet capacity per PPE item, summed over cabinets. */
  ppe: Partial<Record<PpeItem, number>>
  staffPerShift: number
  components: number
}

/** A node of the twin hierarchy region ▸ hospital ▸ unit ▸ section ▸ component. */
export interface AssetNode {
  level: AssetLevel
  id: string
  name: string
  /** Unit type, on unit nodes. */
  unitType?: UnitType
  /** Component kind, on component nodes. */
  kind?: ComponentKind
  capacity: CapacitySummary
  children: AssetNode[]
}

/** An empty capacity summary. */
export function emptyCapacity(): CapacitySummary {
  return { beds: 0, ventilatorCapableBeds: 0, isolationBeds: 0, ventilators: 0, ppeCabinets: 0, ppe: {}, staffPerShift: 0, components: 0 }
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addCapacity(a: CapacitySummary, b: CapacitySummary): CapacitySummary {
  a.beds += b.beds
  a.ventilatorCapableBeds += b.ventilatorCapableBeds
  a.isolationBeds += b.isolationBeds
  a.ventilators += b.ventilators
  a.ppeCabinets += b.ppeCabinets
  a.staffPerShift += b.staffPerShift
  a.components += b.components
  for (const [item, n] of Object.entries(b.ppe) as [PpeItem, number][]) a.ppe[item] = (a.ppe[item] ?? 0) + n
  return a
}

function componentCapacity(c: Component): CapacitySummary {
  const cap = emptyCapacity()
  cap.components = 1
  cap.beds = c.capacity.beds
  if (c.capacity.ventilatorCapable) cap.ventilatorCapableBeds = c.capacity.beds
  if (c.capacity.isolation) cap.isolationBeds = c.capacity.beds
  cap.ventilators = c.capacity.ventilators
  if (c.kind === 'ppe-cabinet') cap.ppeCabinets = 1
  for (const line of c.capacity.ppe) cap.ppe[line.item] = (cap.ppe[line.item] ?? 0) + line.capacity
  return cap
}

function rollup(level: AssetLevel, id: string, name: string, children: AssetNode[], own?: Partial<AssetNode>): AssetNode {
  const capacity = children.reduce((acc, c) => addCapacity(acc, c.capacity), emptyCapacity())
  return { level, id, name, capacity, children, ...own }
}

/** Builds the hierarchy with installed capacity rolled up from components to the region. */
export function buildAssetTree(registry: Registry): AssetNode {
  const hospitals = registry.hospitals.map((h) =>
    rollup(
      'hospital',
      h.id,
      h.name,
      h.units.map((u) => {
        const node = rollup(
          'unit',
          u.id,
          u.name,
          u.sections.map((s) =>
            rollup(
              'section',
              s.id,
              s.name,
              s.components.map((c) => ({ level: 'component', id: c.id, name: c.name, kind: c.kind, capacity: componentCapacity(c), children: [] })),
            ),
          ),
          { unitType: u.type },
        )
        node.capacity.staffPerShift += u.staffPerShift
        return node
      }),
    ),
  )
  return rollup('region', registry.region.id, registry.region.name, hospitals)
}

/** Installed capacity of one hospital by unit type (ICU, HDU, ward…). */
export function capacityByUnitType(hospital: AssetNode): Partial<Record<UnitType, CapacitySummary>> {
  const out: Partial<Record<UnitType, CapacitySummary>> = {}
  for (const unit of hospital.children) {
    if (unit.unitType === undefined) continue
    out[unit.unitType] = addCapacity(out[unit.unitType] ?? emptyCapacity(), unit.capacity)
  }
  return out
}

/** Depth-first walk of the tree. */
export function* walkTree(node: AssetNode, parents: readonly AssetNode[] = []): Generator<{ node: AssetNode; parents: readonly AssetNode[] }> {
  yield { node, parents }
  for (const child of node.children) yield* walkTree(child, [...parents, node])
}
