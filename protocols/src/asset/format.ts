import { ASSET_LEVELS, type AssetLevel } from './model.js'
import type { AssetNode, CapacitySummary } from './tree.js'

/** Options for {@link formatAssetTree}. */
export interface FormatTreeInit {
  /** Deepest level printed (default `section`: components are many, so they are summarised). */
  depth?: AssetLevel
}

const n = (x: number): string => x.toLocaleString('en-GB')

/** One-line summary of installed capacity, e.g. `24 beds (24 ventilator-capable) · 20 ventilators`. */
export function formatCapacity(c: CapacitySummary): string {
  const parts: string[] = []
  if (c.beds > 0) {
    const notes = [c.ventilatorCapableBeds > 0 ? `${n(c.ventilatorCapableBeds)} ventilator-capable` : '', c.isolationBeds > 0 ? `${n(c.isolationBeds)} isolation` : ''].filter(Boolean)
    parts.push(`${n(c.beds)} beds${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`)
  }
  if (c.ventilators > 0) parts.push(`${n(c.ventilators)} ventilators`)
  if (c.ppeCabinets > 0) {
    // Per-item capacity is in the JSON form; a line shows the total so the tree stays readable.
    const items = Object.values(c.ppe).reduce((sum, qty) => sum + qty, 0)
    parts.push(`${n(c.ppeCabinets)} PPE cabinet${c.ppeCabinets === 1 ? '' : 's'} (${n(items)} items)`)
  }
  if (c.staffPerShift > 0) parts.push(`${n(c.staffPerShift)} staff/shift`)
  return parts.length > 0 ? parts.join(' · ') : `${n(c.components)} components`
}

function label(node: AssetNode): string {
  const tag = node.level === 'unit' ? ` [${node.unitType ?? ''}]` : node.level === 'component' ? ` [${node.kind ?? ''}]` : ''
  return `${node.id}  ${node.name}${tag} — ${formatCapacity(node.capacity)}`
}

/**
 * Renders the hierarchy as an indented tree with capacity at every level, for terminals and logs.
 * Plain text (box-drawing characters), no colours, so it reads the same in a file.
 */
export function formatAssetTree(root: AssetNode, init: FormatTreeInit = {}): string {
  const maxDepth = ASSET_LEVELS.indexOf(init.depth ?? 'section')
  const childLevel = ASSET_LEVELS[ASSET_LEVELS.indexOf(root.level) + 1] ?? 'child'
  const count = `${root.children.length} ${childLevel}${root.children.length === 1 ? '' : 's'}`
  const lines = [`${root.name} (${root.level} ${root.id}) — ${count} · ${formatCapacity(root.capacity)}`]
  const visit = (node: AssetNode, prefix: string): void => {
    const kids = ASSET_LEVELS.indexOf(node.level) < maxDepth ? node.children : []
    kids.forEach((child, i) => {
      const last = i === kids.length - 1
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label(child)}`)
      visit(child, `${prefix}${last ? '   ' : '│  '}`)
    })
  }
  visit(root, '')
  return lines.join('\n')
}
