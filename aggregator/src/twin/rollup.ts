/**
 * Rollups (issue 5 "The twin"): an asset's own contribution, summed up section ▸ unit ▸ hospital.
 * Cached per node and invalidated by {@link AssetState.markDirty}, so an update costs O(1) and a
 * read recomputes only the dirty path.
 */
import { patientFlowMetricName } from '@rhn/protocols'
import type { AssetState, GroupState } from './state.js'
import type { Rollup } from './types.js'

/** A rollup of nothing. */
export function emptyRollup(): Rollup {
  return {
    beds: { total: 0, occupied: 0, available: 0, byUnitType: {} },
    ventilators: { total: 0, inUse: 0, available: 0, alarming: 0 },
    ppe: {},
    patients: { census: 0, admissions: 0, discharges: 0 },
    devices: { total: 0, online: 0, stale: 0 },
    alarms: { active: 0 },
  }
}

const CENSUS = patientFlowMetricName('Census')
const ADMISSIONS = patientFlowMetricName('Admissions')
const DISCHARGES = patientFlowMetricName('Discharges')

/** Reads a metric as a number (0 when absent or not numeric). */
function num(asset: AssetState, name: string): number {
  const v = asset.values.get(name)?.value
  return typeof v === 'number' ? v : 0
}

/** The rollup of one asset alone (cached on the asset). */
export function assetRollup(asset: AssetState): Rollup {
  if (asset.rollup !== undefined) return asset.rollup
  const r = emptyRollup()
  const { info } = asset
  r.devices.total = 1
  r.devices.online = asset.online ? 1 : 0
  r.devices.stale = asset.stale ? 1 : 0
  r.alarms.active = asset.openAlarms
  const cap = info.component?.capacity
  switch (info.kind) {
    case 'bed': {
      const total = cap?.beds ?? 0
      const occupied = asset.values.get('Bed/Occupied')?.value === true ? total : 0
      r.beds.total = total
      r.beds.occupied = occupied
      if (info.unitType !== undefined) r.beds.byUnitType[info.unitType] = { total, occupied, available: 0 }
      break
    }
    case 'ventilator': {
      const total = cap?.ventilators ?? 0
      const mode = asset.values.get('Status/OperatingMode')?.value
      // Anything but standby counts as in use (catalogue: Status/OperatingMode); unknown mode = free.
      r.ventilators.total = total
      r.ventilators.inUse = typeof mode === 'string' && mode !== 'standby' ? total : 0
      r.ventilators.alarming = alarming(asset) ? total : 0
      break
    }
    case 'ppe-cabinet':
      for (const [gtin, line] of info.ppeLines) {
        const stock = num(asset, `PPE/Stock/${gtin}`)
        r.ppe[gtin] = { item: line.item, stock, burnPerDay: asset.burn.get(gtin)?.perDay() ?? 0, daysOfSupply: null, reorderPoint: line.reorderPoint }
      }
      // GTINs the cabinet reports but the registry does not list still count as stock.
      for (const [gtin, burn] of asset.burn) {
        if (!info.ppeLines.has(gtin)) r.ppe[gtin] = { stock: num(asset, `PPE/Stock/${gtin}`), burnPerDay: burn.perDay(), daysOfSupply: null }
      }
      break
    case 'patient-flow':
      r.patients = { census: num(asset, CENSUS), admissions: num(asset, ADMISSIONS), discharges: num(asset, DISCHARGES) }
      break
    default:
      break
  }
  finish(r)
  asset.rollup = r
  return r
}

/** Whether any device alarm of the asset is active (any `Alarms/* /Active` true). */
export function alarming(asset: AssetState): boolean {
  for (const [name, v] of asset.values) {
    if (v.value === true && name.startsWith('Alarms/') && name.endsWith('/Active')) return true
  }
  return false
}

/** The rollup of a group: the sum of its child groups and assets (cached on the group). */
export function groupRollup(group: GroupState): Rollup {
  if (group.rollup !== undefined) return group.rollup
  const r = emptyRollup()
  for (const g of group.groups) add(r, groupRollup(g))
  for (const a of group.assets) add(r, assetRollup(a))
  finish(r)
  group.rollup = r
  return r
}

function add(into: Rollup, from: Rollup): void {
  into.beds.total += from.beds.total
  into.beds.occupied += from.beds.occupied
  for (const [type, b] of Object.entries(from.beds.byUnitType) as [keyof Rollup['beds']['byUnitType'], { total: number; occupied: number }][]) {
    const t = (into.beds.byUnitType[type] ??= { total: 0, occupied: 0, available: 0 })
    t.total += b.total
    t.occupied += b.occupied
  }
  into.ventilators.total += from.ventilators.total
  into.ventilators.inUse += from.ventilators.inUse
  into.ventilators.alarming += from.ventilators.alarming
  for (const [gtin, p] of Object.entries(from.ppe)) {
    const t = (into.ppe[gtin] ??= { stock: 0, burnPerDay: 0, daysOfSupply: null })
    if (t.item === undefined && p.item !== undefined) t.item = p.item
    t.stock += p.stock
    t.burnPerDay += p.burnPerDay
    if (p.reorderPoint !== undefined) t.reorderPoint = (t.reorderPoint ?? 0) + p.reorderPoint
  }
  into.patients.census += from.patients.census
  into.patients.admissions += from.patients.admissions
  into.patients.discharges += from.patients.discharges
  into.devices.total += from.devices.total
  into.devices.online += from.devices.online
  into.devices.stale += from.devices.stale
  into.alarms.active += from.alarms.active
}

/** Derived figures: available = total − in use; days of supply = stock / burn per day (null without burn). */
function finish(r: Rollup): void {
  r.beds.available = Math.max(0, r.beds.total - r.beds.occupied)
  for (const b of Object.values(r.beds.byUnitType)) b.available = Math.max(0, b.total - b.occupied)
  r.ventilators.available = Math.max(0, r.ventilators.total - r.ventilators.inUse)
  for (const p of Object.values(r.ppe)) p.daysOfSupply = p.burnPerDay > 0 ? p.stock / p.burnPerDay : null
}
