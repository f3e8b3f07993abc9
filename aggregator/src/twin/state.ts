/** Live state of the twin: groups (hospital, unit, section, unassigned) and assets, with dirty-flagged rollups. */
import type { Component, ComponentKind, PpeStockLine, UnitType } from '@rhn/protocols'
import type { PointTags } from '../store/types.js'
import { BurnTracker } from './burn.js'
import type { CurrentValue, Rollup } from './types.js'

/** Id of the group that holds devices the registry does not know (issue 5: never dropped). */
export const UNASSIGNED = 'unassigned'

/** A hospital, unit, section or the unassigned group; its rollup is cached until a descendant changes. */
export interface GroupState {
  level: 'hospital' | 'unit' | 'section' | 'unassigned'
  id: string
  name: string
  unitType?: UnitType
  parent?: GroupState
  groups: GroupState[]
  assets: AssetState[]
  /** Cached rollup; `undefined` = dirty. Replaced, never mutated, so callers may hold old ones. */
  rollup?: Rollup
}

/** Where an asset sits and what the registry says about it; replaced on a registry reload. */
export interface AssetInfo {
  id: string
  name: string
  kind: ComponentKind | 'unassigned'
  /** The registry component; absent for an unassigned device. */
  component?: Component
  /** Registry path [hospital, unit, section]. */
  path: string[]
  tags: PointTags
  parent: GroupState
  /** Stock lines by GTIN (PPE cabinets). */
  ppeLines: ReadonlyMap<string, PpeStockLine>
  unitType?: UnitType
  /** Sparkplug binding: group (the hospital for registry components), edge node and device ids. */
  groupId: string
  gateway: string
  device: string
  /** Seconds between reports before the asset is stale. */
  expectedIntervalS: number
}

/** One asset's live state. */
export class AssetState {
  readonly values = new Map<string, CurrentValue>()
  /** UCUM units announced in the DBIRTH, by metric name. */
  readonly units = new Map<string, string>()
  /** Burn trackers by GTIN (PPE cabinets). */
  readonly burn = new Map<string, BurnTracker>()
  online = false
  /** A DDEATH/NDEATH was seen and no birth or data since. */
  dead = false
  stale = false
  /** Time of the last live report (host clock), null until one arrives. */
  lastSeen: number | null = null
  /** Non-cleared alarms of this asset. */
  openAlarms = 0
  /** Cached rollup of this asset alone; `undefined` = dirty. */
  rollup: Rollup | undefined

  constructor(
    public info: AssetInfo,
    /** When the twin started watching it (host clock): staleness counts from here until a first report. */
    public watchedSince: number,
  ) {}

  /** Invalidates this asset's rollup and every ancestor's (stops at the first one already dirty). */
  markDirty(): void {
    this.rollup = undefined
    let g: GroupState | undefined = this.info.parent
    while (g !== undefined && g.rollup !== undefined) {
      g.rollup = undefined
      g = g.parent
    }
  }

  /** The burn tracker of one GTIN, created on first use. */
  burnOf(gtin: string, windowMs: number): BurnTracker {
    let b = this.burn.get(gtin)
    if (b === undefined) {
      b = new BurnTracker(windowMs)
      this.burn.set(gtin, b)
    }
    return b
  }
}
