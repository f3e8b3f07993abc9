/** Builds the twin's groups and assets from the registry (hospital mode: the hospital is the root). */
import { type Component, type Registry, RhnError } from '@rhn/protocols'
import { AssetState, type AssetInfo, type GroupState, UNASSIGNED } from './state.js'

/**
 * Expected report interval of a device the registry does not know, s. Its kind is unknown, so the
 * lenient interval of an RFID cabinet (600 s) rather than a ventilator's: a warning, not noise.
 */
export const UNASSIGNED_EXPECTED_INTERVAL_S = 600

/** The twin's indexed state for one hospital. */
export interface TwinModel {
  hospital: GroupState
  /** Holds unknown devices; always the hospital's last child group, hidden from `tree()` while empty. */
  unassigned: GroupState
  regionId: string
  units: Map<string, GroupState>
  sections: Map<string, GroupState>
  /** Every asset (registry and unassigned) by id. */
  assets: Map<string, AssetState>
  /** Assets by Sparkplug binding, see {@link bindingKey}. */
  byBinding: Map<string, AssetState>
  /** Assets by gateway (edge node), for NDEATH. */
  byGateway: Map<string, AssetState[]>
}

/** Key of a (group, edge node, device) triple. */
export function bindingKey(groupId: string, gateway: string, device: string): string {
  return `${groupId}\u0000${gateway}\u0000${device}`
}

/**
 * Builds the model of `hospitalId` from a validated registry; every asset starts offline, watched since `now`.
 * @throws RhnError `RHN_AGG_CONFIG_INVALID` when the registry has no such hospital.
 */
export function buildModel(registry: Registry, hospitalId: string, regionId: string, now: number, reuse?: (info: AssetInfo) => AssetState | undefined): TwinModel {
  const h = registry.hospitals.find((x) => x.id === hospitalId)
  if (h === undefined) {
    throw new RhnError('RHN_AGG_CONFIG_INVALID', `hospitalId "${hospitalId}" is not in the registry (it has: ${registry.hospitals.map((x) => x.id).join(', ')})`)
  }
  const hospital: GroupState = { level: 'hospital', id: h.id, name: h.name, groups: [], assets: [] }
  const model: TwinModel = {
    hospital,
    unassigned: { level: 'unassigned', id: UNASSIGNED, name: 'Unassigned devices', parent: hospital, groups: [], assets: [] },
    regionId,
    units: new Map(),
    sections: new Map(),
    assets: new Map(),
    byBinding: new Map(),
    byGateway: new Map(),
  }
  for (const u of h.units) {
    const unit: GroupState = { level: 'unit', id: u.id, name: u.name, unitType: u.type, parent: hospital, groups: [], assets: [] }
    hospital.groups.push(unit)
    model.units.set(u.id, unit)
    for (const s of u.sections) {
      const section: GroupState = { level: 'section', id: s.id, name: s.name, unitType: u.type, parent: unit, groups: [], assets: [] }
      unit.groups.push(section)
      model.sections.set(s.id, section)
      for (const c of s.components) {
        const info = componentInfo(c, section, regionId)
        const kept = reuse?.(info)
        if (kept !== undefined) {
          kept.info = info
          kept.markDirty()
        }
        addAsset(model, kept ?? new AssetState(info, now))
      }
    }
  }
  hospital.groups.push(model.unassigned)
  return model
}

function componentInfo(c: Component, section: GroupState, regionId: string): AssetInfo {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    component: c,
    path: [c.hospitalId, c.unitId, c.sectionId],
    tags: Object.freeze({ region: regionId, hospital: c.hospitalId, unit: c.unitId, section: c.sectionId, asset: c.id, kind: c.kind }),
    parent: section,
    ppeLines: new Map(c.capacity.ppe.map((line) => [line.gtin, line])),
    ...(section.unitType === undefined ? {} : { unitType: section.unitType }),
    groupId: c.hospitalId,
    gateway: c.binding.gateway,
    device: c.binding.device,
    expectedIntervalS: c.expectedIntervalS,
  }
}

function addAsset(model: TwinModel, asset: AssetState): void {
  const { info } = asset
  info.parent.assets.push(asset)
  model.assets.set(info.id, asset)
  model.byBinding.set(bindingKey(info.groupId, info.gateway, info.device), asset)
  const list = model.byGateway.get(info.gateway)
  if (list === undefined) model.byGateway.set(info.gateway, [asset])
  else list.push(asset)
}

/**
 * Id of an unknown device: `{edgeNode}:{device}`, prefixed with its group when that is not this
 * hospital. Registry ids cannot contain `:`, so it never clashes with a registered asset.
 */
export function unassignedId(hospitalId: string, groupId: string, gateway: string, device: string): string {
  return groupId === hospitalId ? `${gateway}:${device}` : `${groupId}:${gateway}:${device}`
}

/** Adds a device the registry does not know under the unassigned group. */
export function addUnassigned(model: TwinModel, groupId: string, gateway: string, device: string, now: number, existing?: AssetState): AssetState {
  const hospitalId = model.hospital.id
  const id = unassignedId(hospitalId, groupId, gateway, device)
  const info: AssetInfo = {
    id,
    name: `Unknown device ${device} on ${gateway}`,
    kind: UNASSIGNED,
    path: [hospitalId, UNASSIGNED, UNASSIGNED],
    tags: Object.freeze({ region: model.regionId, hospital: hospitalId, unit: UNASSIGNED, section: UNASSIGNED, asset: id, kind: UNASSIGNED }),
    parent: model.unassigned,
    ppeLines: new Map(),
    groupId,
    gateway,
    device,
    expectedIntervalS: UNASSIGNED_EXPECTED_INTERVAL_S,
  }
  let asset: AssetState
  if (existing === undefined) asset = new AssetState(info, now)
  else {
    asset = existing
    asset.info = info
  }
  addAsset(model, asset)
  asset.markDirty()
  return asset
}

/** What a registry reload did. */
export interface ReloadResult {
  model: TwinModel
  /** Assets whose id changed (an unknown device the new registry binds), with their old id. */
  renamed: Map<AssetState, string>
  /** Ids no longer in the twin. */
  removed: string[]
}

/**
 * Rebuilds the model from a new registry, keeping the state objects of assets that still exist
 * (same id); an unknown device the new registry now binds becomes that component, state and all.
 */
export function reloadModel(old: TwinModel, registry: Registry, now: number): ReloadResult {
  const used = new Set<AssetState>()
  const renamed = new Map<AssetState, string>()
  const model = buildModel(registry, old.hospital.id, old.regionId, now, (info) => {
    let kept = old.assets.get(info.id)
    if (kept === undefined) {
      const unknown = old.byBinding.get(bindingKey(info.groupId, info.gateway, info.device))
      if (unknown?.info.kind === UNASSIGNED) kept = unknown
    }
    if (kept === undefined || used.has(kept)) return undefined
    used.add(kept)
    if (kept.info.id !== info.id) renamed.set(kept, kept.info.id)
    return kept
  })
  const removed: string[] = []
  for (const [id, asset] of old.assets) {
    if (used.has(asset)) continue
    if (asset.info.kind === UNASSIGNED) addUnassigned(model, asset.info.groupId, asset.info.gateway, asset.info.device, now, asset)
    else removed.push(id)
  }
  return { model, renamed, removed }
}
