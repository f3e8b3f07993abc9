import type { TwinNode } from '../twin/types.js'

/** A FHIR R4 resource as JSON (the views build plain objects; the tests validate them against the R4 JSON schema). */
export interface FhirResource {
  resourceType: string
  id: string
  [element: string]: unknown
}

/** A FHIR Reference. */
export interface FhirReference {
  reference: string
  display?: string
}

/** A twin node with the chain of its ancestors, root first. */
export interface Placed {
  node: TwinNode
  ancestors: readonly TwinNode[]
}

/** Every node of `root`'s tree with its ancestors, depth first (pre-order). */
export function walk(root: TwinNode): Placed[] {
  const out: Placed[] = []
  const visit = (node: TwinNode, ancestors: readonly TwinNode[]): void => {
    out.push({ node, ancestors })
    for (const child of node.children) visit(child, [...ancestors, node])
  }
  visit(root, [])
  return out
}

/** The nearest ancestor that is a Location (hospital, unit or section), if any. */
export function parentLocation(p: Placed): TwinNode | undefined {
  for (let i = p.ancestors.length - 1; i >= 0; i--) {
    const a = p.ancestors[i]
    if (a !== undefined && (a.level === 'hospital' || a.level === 'unit' || a.level === 'section')) return a
  }
  return undefined
}
