/**
 * The hospital's live twin (issue 5 "The twin"): current state, online and staleness, rollups,
 * alarms, and the events the stream serves. Pure logic: the host feeds {@link Twin.apply}, the
 * caller writes the returned points to the store and calls {@link Twin.checkStale} every few seconds
 * (or lets {@link Twin.start} do it with the timers it is given).
 */
import type { Registry } from '@rhn/protocols'
import type { DeviceRef, HostEvent, ResolvedMetric } from '../host/types.js'
import type { TelemetryPoint } from '../store/types.js'
import { AlarmBook, type AlarmFilter, DEFAULT_MAX_CLEARED_ALARMS } from './alarms.js'
import { DEFAULT_BURN_WINDOW_MS } from './burn.js'
import { Liveness } from './liveness.js'
import { addUnassigned, bindingKey, buildModel, reloadModel, type TwinModel } from './model.js'
import { PointBuilder } from './points.js'
import { groupRollup } from './rollup.js'
import { type AlarmRule, Signals } from './signals.js'
import type { AssetState, GroupState } from './state.js'
import type { Alarm, AssetView, Rollup, TwinEvent, TwinNode, TwinView } from './types.js'
import { describeMetric, type MetricInfo, toStoredValue } from './values.js'
import { assetView, copyValue, groupNode } from './view.js'

/** Default of `twin.staleAfterIntervals` (as the config schema): one late keep-alive is not an outage. */
export const DEFAULT_STALE_AFTER_INTERVALS = 2
/** How often {@link Twin.start} checks staleness, ms: well under the shortest expected interval (30 s). */
export const DEFAULT_STALE_CHECK_MS = 5_000
/** An unknown device is a warning: data flows, but nobody knows where the device stands. */
export const UNASSIGNED_PRIORITY = 'low'

/** The structured logger the twin writes to (pino's `Logger` fits). */
export interface TwinLogger {
  warn(obj: Record<string, unknown>, msg: string): void
  debug(obj: Record<string, unknown>, msg: string): void
}

/** Interval timers for {@link Twin.start}; `globalThis` fits, a virtual clock in tests. */
export interface TwinTimers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/** What a {@link Twin} needs: the registry and hospital are required, everything else has a default. */
export interface TwinInit {
  registry: Registry
  /** Hospital mode: the hospital this twin serves, the root of the tree and the Sparkplug group. */
  hospitalId: string
  /** Region tag of the stored points; default the registry's region. */
  regionId?: string
  config?: { staleAfterIntervals?: number; rules?: readonly AlarmRule[] }
  /** Host clock, ms; default `Date.now`. */
  now?: () => number
  logger?: TwinLogger
  timers?: TwinTimers
  /** Period of the staleness check started by {@link Twin.start}, ms. */
  staleCheckMs?: number
  /** Sliding window of the PPE burn rate, ms of data time. */
  burnWindowMs?: number
  maxClearedAlarms?: number
}

const silent: TwinLogger = { warn: () => undefined, debug: () => undefined }

/** The live twin of one hospital; see the module comment. */
export class Twin implements TwinView {
  private model: TwinModel
  private readonly book: AlarmBook
  private readonly signals: Signals
  private readonly liveness: Liveness
  private readonly listeners = new Set<(e: TwinEvent) => void>()
  private readonly changeListeners = new Set<() => void>()
  private readonly metrics = new Map<string, MetricInfo>()
  private readonly now: () => number
  private readonly log: TwinLogger
  private timer: unknown

  constructor(private readonly init: TwinInit) {
    this.now = init.now ?? Date.now
    this.log = init.logger ?? silent
    this.model = buildModel(init.registry, init.hospitalId, init.regionId ?? init.registry.region.id, this.now())
    this.book = new AlarmBook((a) => this.alarmChanged(a), init.maxClearedAlarms ?? DEFAULT_MAX_CLEARED_ALARMS)
    this.signals = new Signals(this.book, init.config?.rules ?? [], init.burnWindowMs ?? DEFAULT_BURN_WINDOW_MS)
    this.liveness = new Liveness(this.book, (e) => this.emit(e), init.config?.staleAfterIntervals ?? DEFAULT_STALE_AFTER_INTERVALS)
  }

  /** Applies one host event and returns the points to store (the caller writes them). */
  apply(event: HostEvent): TelemetryPoint[] {
    switch (event.type) {
      case 'device-birth':
      case 'device-data':
        return this.ingest(event.device, event.metrics, event.at, event.type === 'device-birth' ? event.units : undefined)
      case 'device-death': {
        const d = event.device
        const asset = this.model.byBinding.get(bindingKey(d.groupId, d.edgeNodeId, d.deviceId))
        if (asset !== undefined) this.liveness.died(asset, event.at, 'DDEATH')
        return []
      }
      case 'node-offline':
        for (const asset of this.model.byGateway.get(event.edgeNodeId) ?? []) {
          if (asset.info.groupId === event.groupId && (asset.online || !asset.dead)) this.liveness.died(asset, event.at, `gateway ${event.edgeNodeId} offline: ${event.reason}`)
        }
        return []
      case 'node-online':
        this.log.debug({ group: event.groupId, edgeNode: event.edgeNodeId, bdSeq: event.bdSeq }, 'edge node online')
        return []
    }
  }

  private ingest(d: DeviceRef, metrics: readonly ResolvedMetric[], at: number, birthUnits?: Record<string, string | undefined>): TelemetryPoint[] {
    const asset = this.model.byBinding.get(bindingKey(d.groupId, d.edgeNodeId, d.deviceId)) ?? this.addUnknown(d, at)
    if (birthUnits !== undefined) {
      asset.units.clear()
      for (const [name, unit] of Object.entries(birthUnits)) if (unit !== undefined) asset.units.set(name, unit)
    }
    const points = new PointBuilder(asset.info.tags)
    const emitting = this.listeners.size > 0
    // A birth or any live value is a sign of life; a replay of historical values alone is not.
    if (birthUnits !== undefined || metrics.some((m) => !m.historical)) this.liveness.seen(asset, at)
    let changed = false
    for (const m of metrics) {
      const stored = toStoredValue(m.value)
      if (stored !== undefined) points.add(m.name, stored, m.timestamp)
      let current = asset.values.get(m.name)
      // Per metric the newest timestamp wins: replayed or late values are stored, never made current.
      // A null (a BIRTH saying "not known yet") blocks nothing: device clocks may lag the gateway's.
      if (current !== undefined && current.value !== null && m.timestamp < current.timestamp) continue
      const info = this.metricInfo(m.name)
      const value = stored ?? null
      const unit = asset.units.get(m.name) ?? info.unit
      if (current === undefined) {
        current = unit === undefined ? { value, timestamp: m.timestamp } : { value, timestamp: m.timestamp, unit }
        asset.values.set(m.name, current)
      } else {
        current.value = value
        current.timestamp = m.timestamp
        if (unit !== undefined) current.unit = unit
      }
      changed = true
      if (emitting) this.emit({ type: 'value', asset: asset.info.id, path: asset.info.path, metric: m.name, value: copyValue(current) })
      if (info.role.kind !== 'plain' || info.ruled === true) this.signals.apply(asset, m.name, info, value, m.timestamp, at)
    }
    asset.markDirty()
    if (changed) this.changed()
    return points.points
  }

  private metricInfo(name: string): MetricInfo {
    let info = this.metrics.get(name)
    if (info === undefined) {
      info = describeMetric(name)
      if (this.signals.hasRules(name)) info.ruled = true
      this.metrics.set(name, info)
    }
    return info
  }

  private addUnknown(d: DeviceRef, at: number): AssetState {
    const asset = addUnassigned(this.model, d.groupId, d.edgeNodeId, d.deviceId, this.now())
    const where = d.groupId === this.model.hospital.id ? '' : ` (group ${d.groupId}, not ${this.model.hospital.id})`
    this.log.warn({ group: d.groupId, edgeNode: d.edgeNodeId, device: d.deviceId, asset: asset.info.id }, 'device not in the registry: shown under unassigned')
    this.book.raise({
      asset: asset.info.id,
      key: `${asset.info.id}/unassigned`,
      source: 'unassigned',
      priority: UNASSIGNED_PRIORITY,
      message: `Device ${d.deviceId} on gateway ${d.edgeNodeId}${where} is not in the asset registry`,
      path: asset.info.path,
      at,
    })
    return asset
  }

  /** Marks silent assets stale (and raises their offline alarm) and raises threshold alarms whose hold time passed. */
  checkStale(): void {
    const now = this.now()
    this.liveness.check(this.model.assets.values(), now)
    this.signals.tick(now)
  }

  /** Starts checking staleness every `staleCheckMs` with the injected timers; {@link Twin.close} stops it. */
  start(): void {
    if (this.timer !== undefined) return
    const timers = this.init.timers ?? globalThis
    this.timer = timers.setInterval(() => this.checkStale(), this.init.staleCheckMs ?? DEFAULT_STALE_CHECK_MS)
  }

  /** Stops the staleness timer. */
  close(): void {
    if (this.timer === undefined) return
    ;(this.init.timers ?? globalThis).clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * Replaces the registry at runtime (a reload). Assets that still exist keep their state; an
   * unknown device the new registry binds becomes that component; alarms of removed assets clear.
   * @throws RhnError `RHN_AGG_CONFIG_INVALID` when the new registry lacks this hospital (the old one stays).
   */
  setRegistry(registry: Registry): void {
    const now = this.now()
    const { model, renamed, removed } = reloadModel(this.model, registry, now)
    this.model = model
    const gone = new Set(removed)
    for (const oldId of renamed.values()) gone.add(oldId)
    for (const alarm of [...this.book.openAlarms()]) {
      const asset = model.assets.get(alarm.asset)
      if (gone.has(alarm.asset) || asset === undefined) this.book.clear(alarm.key, now)
      else alarm.path = asset.info.path
    }
    for (const id of gone) this.signals.forget(id)
    // A device that was unknown: its alarms come back under its registry id, from its current values.
    for (const asset of renamed.keys()) {
      for (const [name, v] of asset.values) this.signals.apply(asset, name, this.metricInfo(name), v.value, v.timestamp, now)
    }
    for (const asset of model.assets.values()) asset.openAlarms = 0
    for (const alarm of this.book.openAlarms()) {
      const asset = model.assets.get(alarm.asset)
      if (asset !== undefined) asset.openAlarms += 1
    }
    for (const asset of model.assets.values()) asset.markDirty()
    this.log.debug({ assets: model.assets.size, removed: removed.length, registered: renamed.size }, 'registry reloaded')
  }

  /** The hospital tree with rollups at every node (computed lazily: only what changed is summed again). */
  tree(): TwinNode {
    return groupNode(this.model.hospital)
  }

  /** One asset with its current values (UCUM units from the birth, else the catalogue) and its alarms. */
  asset(id: string): AssetView | undefined {
    const a = this.model.assets.get(id)
    return a === undefined ? undefined : assetView(a, this.alarms({ asset: id }))
  }

  /** The rollup of the hospital, a unit or a section; undefined for an unknown id. Read-only: replaced, never mutated. */
  capacity(scope: 'hospital' | 'unit' | 'section', id: string): Rollup | undefined {
    let group: GroupState | undefined
    if (scope === 'hospital') group = id === this.model.hospital.id ? this.model.hospital : undefined
    else group = (scope === 'unit' ? this.model.units : this.model.sections).get(id)
    return group === undefined ? undefined : groupRollup(group)
  }

  /** Alarms (open and the cleared history), newest first, as copies. */
  alarms(filter?: AlarmFilter): Alarm[] {
    return this.book.list(filter).map((a) => ({ ...a }))
  }

  /** Acknowledges an active alarm on behalf of `by` (the API passes the token holder's name). */
  acknowledge(alarmId: string, by: string): Alarm | undefined {
    const a = this.book.acknowledge(alarmId, by, this.now())
    return a === undefined ? undefined : { ...a }
  }

  /** Subscribes to changes (values, online, alarms), each with its registry path; returns the unsubscribe. */
  onEvent(listener: (e: TwinEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private alarmChanged(alarm: Alarm): void {
    const asset = this.model.assets.get(alarm.asset)
    if (asset !== undefined) {
      if (alarm.state === 'active') asset.openAlarms += 1
      else if (alarm.state === 'cleared') asset.openAlarms = Math.max(0, asset.openAlarms - 1)
      asset.markDirty()
    }
    this.emit({ type: 'alarm', asset: alarm.asset, path: alarm.path, alarm: { ...alarm } })
  }

  /** Subscribes to "the figures moved" (see {@link TwinView.onChange}); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener)
    return () => {
      this.changeListeners.delete(listener)
    }
  }

  private changed(): void {
    for (const listener of this.changeListeners) {
      try {
        listener()
      } catch (err) {
        this.log.warn({ err }, 'twin change listener threw')
      }
    }
  }

  private emit(e: TwinEvent): void {
    if (e.type !== 'value' && e.type !== 'alarm') this.changed()
    for (const listener of this.listeners) {
      try {
        listener(e)
      } catch (err) {
        // One broken subscriber must not stop ingest or starve the others.
        this.log.warn({ err, event: e.type }, 'twin event listener threw')
      }
    }
  }
}
