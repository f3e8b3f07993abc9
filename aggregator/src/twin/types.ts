import type { AssetLevel, ComponentKind, UnitType } from '@rhn/protocols'
import type { StoredValue } from '../store/types.js'

/** A metric's current value in the twin. */
export interface CurrentValue {
  value: StoredValue | null
  /** Source timestamp, ms. */
  timestamp: number
  unit?: string
}

/** Live capacity and demand under a node (issue 5 "The twin": rollups). */
export interface Rollup {
  beds: { total: number; occupied: number; available: number; byUnitType: Partial<Record<UnitType, { total: number; occupied: number; available: number }>> }
  ventilators: { total: number; inUse: number; available: number; alarming: number }
  /** Per GTIN: stock, burn rate per day from the recent take rate, days of supply. */
  ppe: Record<string, { item?: string; stock: number; burnPerDay: number; daysOfSupply: number | null; reorderPoint?: number }>
  /** Pseudonymous counts only. */
  patients: { census: number; admissions: number; discharges: number }
  devices: { total: number; online: number; stale: number }
  alarms: { active: number }
}

/** A node of the live twin tree (hospital ▸ unit ▸ section ▸ component; `unassigned` for unknown devices). */
export interface TwinNode {
  level: AssetLevel | 'unassigned'
  id: string
  name: string
  unitType?: UnitType
  kind?: ComponentKind
  rollup: Rollup
  /** Components only. */
  online?: boolean
  lastSeen?: number
  stale?: boolean
  children: TwinNode[]
}

export type AlarmState = 'active' | 'acknowledged' | 'cleared'
export type AlarmPriority = 'low' | 'medium' | 'high'

/** An alarm with its lifecycle: raised, acknowledged by whom, cleared. */
export interface Alarm {
  id: string
  asset: string
  /** `device` (from telemetry, e.g. Alarms/HighPressure), `threshold` (config rule), `offline`, `ppe-reorder`, `bed-exit`, `unassigned`, `system` (the aggregator itself, e.g. a refused registry file). */
  source: 'device' | 'threshold' | 'offline' | 'ppe-reorder' | 'bed-exit' | 'unassigned' | 'system'
  /** Stable per (asset, condition) so a re-raise is the same alarm; e.g. `rxa-icu-bay-a-vent-01/HighPressure`. */
  key: string
  priority: AlarmPriority
  message: string
  state: AlarmState
  raisedAt: number
  acknowledgedAt?: number
  acknowledgedBy?: string
  clearedAt?: number
  /** Registry path for subtree filtering: [hospital, unit, section]. */
  path: string[]
}

/** Everything the page shows for one asset. */
export interface AssetView {
  id: string
  name: string
  kind: ComponentKind | 'unassigned'
  path: string[]
  online: boolean
  lastSeen: number | null
  stale: boolean
  values: Record<string, CurrentValue>
  alarms: Alarm[]
}

/** A change for `/api/stream` (server-sent events), filterable by subtree. */
export type TwinEvent =
  | { type: 'value'; asset: string; path: string[]; metric: string; value: CurrentValue }
  | { type: 'online'; asset: string; path: string[]; online: boolean; at: number }
  | { type: 'alarm'; asset: string; path: string[]; alarm: Alarm }

/** The read side of the twin that the API serves. */
export interface TwinView {
  tree(): TwinNode
  asset(id: string): AssetView | undefined
  /** Rollup of a scope: `hospital`, `unit` or `section` with its id. */
  capacity(scope: 'hospital' | 'unit' | 'section', id: string): Rollup | undefined
  alarms(filter?: { state?: AlarmState; asset?: string }): Alarm[]
  acknowledge(alarmId: string, by: string): Alarm | undefined
  onEvent(listener: (e: TwinEvent) => void): () => void
  /**
   * Calls `listener` (no arguments) once per ingested message that made a value current, and on every
   * online/offline/staleness change; not on alarms. For subscribers that only need to know the figures
   * moved (the escalation monitor re-evaluates, debounced): unlike `onEvent`, subscribing to it does
   * not make the twin build an event and a value copy for every metric of every message.
   */
  onChange(listener: () => void): () => void
}
