/**
 * Alarms about the aggregator itself (a registry file refused while running, issue 5 "Faults": the
 * error is shown), listed and acknowledged next to the twin's. The twin raises alarms from
 * telemetry only, so these live in a {@link TwinView} decorator that the API serves instead.
 */
import type { AlarmFilter } from './twin/index.js'
import type { Alarm, AlarmPriority, AssetView, Rollup, TwinEvent, TwinNode, TwinView } from './twin/types.js'

/** What raising a system alarm needs. */
export interface SystemAlarmRaise {
  /** Stable per condition, e.g. `RXA/registry`. */
  key: string
  /** The asset it concerns (the hospital for the registry file). */
  asset: string
  priority: AlarmPriority
  message: string
  at: number
}

/** The Alarm `source` of the aggregator's own faults (e.g. a registry file it refused). */
const SYSTEM_SOURCE: Alarm['source'] = 'system'

/** Cleared system alarms kept for `alarms()`: a registry edited badly a hundred times is history enough. */
export const MAX_SYSTEM_ALARM_HISTORY = 100

/** A {@link TwinView} that adds the aggregator's own alarms to the twin's. */
export class SystemAlarmView implements TwinView {
  readonly #twin: TwinView
  readonly #now: () => number
  readonly #open = new Map<string, Alarm>()
  readonly #history: Alarm[] = []
  readonly #listeners = new Set<(e: TwinEvent) => void>()
  #seq = 0

  constructor(twin: TwinView, now: () => number = Date.now) {
    this.#twin = twin
    this.#now = now
  }

  /** Raises `key` unless open; an open one gets the newer message. */
  raise(r: SystemAlarmRaise): Alarm {
    const open = this.#open.get(r.key)
    if (open !== undefined) {
      open.message = r.message
      return { ...open }
    }
    // `sys-` cannot clash with the twin's ids (base-36 time and counter).
    const alarm: Alarm = { id: `sys-${r.at.toString(36)}-${(++this.#seq).toString(36)}`, asset: r.asset, source: SYSTEM_SOURCE, key: r.key, priority: r.priority, message: r.message, state: 'active', raisedAt: r.at, path: [r.asset] }
    this.#open.set(r.key, alarm)
    this.#history.push(alarm)
    while (this.#history.length > MAX_SYSTEM_ALARM_HISTORY) {
      const i = this.#history.findIndex((a) => a.state === 'cleared')
      if (i < 0) break
      this.#history.splice(i, 1)
    }
    this.#emit(alarm)
    return { ...alarm }
  }

  /** Clears `key` if open. */
  clear(key: string, at: number): void {
    const alarm = this.#open.get(key)
    if (alarm === undefined) return
    this.#open.delete(key)
    alarm.state = 'cleared'
    alarm.clearedAt = at
    this.#emit(alarm)
  }

  /** Open system alarms. */
  get active(): number {
    return this.#open.size
  }

  tree(): TwinNode {
    return this.#twin.tree()
  }

  asset(id: string): AssetView | undefined {
    return this.#twin.asset(id)
  }

  capacity(scope: 'hospital' | 'unit' | 'section', id: string): Rollup | undefined {
    return this.#twin.capacity(scope, id)
  }

  alarms(filter?: AlarmFilter): Alarm[] {
    const own = this.#history.filter((a) => (filter?.state === undefined || a.state === filter.state) && (filter?.asset === undefined || a.asset === filter.asset)).map((a) => ({ ...a }))
    if (own.length === 0) return this.#twin.alarms(filter)
    return [...own, ...this.#twin.alarms(filter)].sort((a, b) => b.raisedAt - a.raisedAt)
  }

  acknowledge(alarmId: string, by: string): Alarm | undefined {
    const own = this.#history.find((a) => a.id === alarmId)
    if (own === undefined) return this.#twin.acknowledge(alarmId, by)
    if (own.state === 'active') {
      own.state = 'acknowledged'
      own.acknowledgedAt = this.#now()
      own.acknowledgedBy = by
      this.#emit(own)
    }
    return { ...own }
  }

  onChange(listener: () => void): () => void {
    return this.#twin.onChange(listener)
  }

  onEvent(listener: (e: TwinEvent) => void): () => void {
    this.#listeners.add(listener)
    const off = this.#twin.onEvent(listener)
    return () => {
      this.#listeners.delete(listener)
      off()
    }
  }

  #emit(alarm: Alarm): void {
    const e: TwinEvent = { type: 'alarm', asset: alarm.asset, path: alarm.path, alarm: { ...alarm } }
    for (const listener of this.#listeners) {
      try {
        listener(e)
      } catch {
        // A broken subscriber must not stop the others (the twin's own rule).
      }
    }
  }
}
