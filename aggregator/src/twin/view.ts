/** Read views of the twin's state: the tree with rollups and one asset's page. */
import { assetRollup, groupRollup } from './rollup.js'
import type { AssetState, GroupState } from './state.js'
import type { Alarm, AssetView, CurrentValue, TwinNode } from './types.js'

/** The tree under `group`, rollups included; the unassigned group only when it holds devices. */
export function groupNode(group: GroupState): TwinNode {
  const children: TwinNode[] = []
  for (const g of group.groups) if (g.level !== 'unassigned' || g.assets.length > 0) children.push(groupNode(g))
  for (const a of group.assets) children.push(assetNode(a))
  return {
    level: group.level,
    id: group.id,
    name: group.name,
    ...(group.unitType === undefined ? {} : { unitType: group.unitType }),
    rollup: groupRollup(group),
    children,
  }
}

function assetNode(a: AssetState): TwinNode {
  const { info } = a
  return {
    level: 'component',
    id: info.id,
    name: info.name,
    ...(info.unitType === undefined ? {} : { unitType: info.unitType }),
    ...(info.kind === 'unassigned' ? {} : { kind: info.kind }),
    rollup: assetRollup(a),
    online: a.online,
    ...(a.lastSeen === null ? {} : { lastSeen: a.lastSeen }),
    stale: a.stale,
    children: [],
  }
}

/** A copy of a current value, so callers cannot change the twin's state. */
export function copyValue(v: CurrentValue): CurrentValue {
  return v.unit === undefined ? { value: v.value, timestamp: v.timestamp } : { value: v.value, timestamp: v.timestamp, unit: v.unit }
}

/** One asset with its current values and alarms (newest first). */
export function assetView(a: AssetState, alarms: Alarm[]): AssetView {
  const values: Record<string, CurrentValue> = {}
  for (const [name, v] of a.values) values[name] = copyValue(v)
  return {
    id: a.info.id,
    name: a.info.name,
    kind: a.info.kind,
    path: [...a.info.path],
    online: a.online,
    lastSeen: a.lastSeen,
    stale: a.stale,
    values,
    alarms,
  }
}
