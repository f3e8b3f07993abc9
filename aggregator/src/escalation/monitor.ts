/**
 * `EscalationMonitor` (issue 7, hospital mode): the OPEL level of every unit and of the hospital from
 * the live twin, re-evaluated shortly after twin changes. A level change raises an alarm (through the
 * aggregator's system alarms: active while the scope is at OPEL 2 or above, a new alarm on each
 * change so it is noticed) and is handed to listeners (the ledger link records it as an
 * `escalation-change` transaction).
 */
import type { AlarmPriority, TwinNode, TwinView } from '../twin/types.js'
import type { SystemAlarmRaise } from '../system-alarms.js'
import type { EscalationConfig, OpelLevel, UnitType } from './deps.js'
import { type EscalationResult, hospitalEscalation, unitEscalation } from './escalation.js'
import { AdmissionTrend } from './trend.js'

/** One scope's level as the API and page show it. */
export interface ScopeEscalation extends EscalationResult {
  scope: 'hospital' | 'unit'
  id: string
  name: string
  unitType?: UnitType
  /** When the scope reached this level, ms (the first evaluation counts as reaching it). */
  since: number
}

/** Every scope of the hospital. */
export interface HospitalEscalationView {
  hospital: ScopeEscalation
  units: ScopeEscalation[]
  evaluatedAt: number
}

/** A level change of a unit (`unit` set) or the hospital. */
export interface EscalationChange {
  hospital: string
  unit?: string
  name: string
  from: OpelLevel
  to: OpelLevel
  reason: string
  at: number
}

/** What the monitor needs (js-libp2p "components"). */
export interface EscalationMonitorComponents {
  twin: Pick<TwinView, 'tree' | 'onChange'>
  /** The aggregator's system alarms (`SystemAlarmView`). */
  alarms: { raise(r: SystemAlarmRaise): unknown; clear(key: string, at: number): void }
  config: EscalationConfig
  hospitalId: string
}

/** Tunables, every field optional. */
export interface EscalationMonitorInit {
  /** Clock, ms since 1970 (default `Date.now`). */
  now?: () => number
  /** Wait this long after a twin change before re-evaluating, ms (default {@link DEFAULT_EVALUATE_DEBOUNCE_MS}). */
  debounceMs?: number
  /** Re-evaluate at least this often, ms (default {@link DEFAULT_EVALUATE_PERIOD_MS}). */
  periodMs?: number
}

/** 200 ms: a burst of bed updates is one evaluation, well inside the 2 s change-to-region target. */
export const DEFAULT_EVALUATE_DEBOUNCE_MS = 200
/** 30 s: burn rates and the admission trend move with time even when no value arrives. */
export const DEFAULT_EVALUATE_PERIOD_MS = 30_000

/** Alarm priority per level (IEC 60601-1-8 low/medium/high for OPEL 2/3/4). */
export const ESCALATION_ALARM_PRIORITY: Readonly<Record<2 | 3 | 4, AlarmPriority>> = Object.freeze({ 2: 'low', 3: 'medium', 4: 'high' })

/** See the module comment. */
export class EscalationMonitor {
  readonly #c: EscalationMonitorComponents
  readonly #now: () => number
  readonly #debounceMs: number
  readonly #periodMs: number
  readonly #trends = new Map<string, AdmissionTrend>()
  readonly #listeners = new Set<(c: EscalationChange) => void>()
  readonly #evaluatedListeners = new Set<(v: HospitalEscalationView) => void>()
  #view: HospitalEscalationView | undefined
  #debounce: NodeJS.Timeout | undefined
  #period: NodeJS.Timeout | undefined
  #off: (() => void) | undefined

  constructor(components: EscalationMonitorComponents, init: EscalationMonitorInit = {}) {
    this.#c = components
    this.#now = init.now ?? Date.now
    this.#debounceMs = init.debounceMs ?? DEFAULT_EVALUATE_DEBOUNCE_MS
    this.#periodMs = init.periodMs ?? DEFAULT_EVALUATE_PERIOD_MS
  }

  /** Evaluates once now, then after twin changes (debounced) and on the period. */
  start(): void {
    if (this.#off !== undefined) return
    this.evaluate()
    this.#off = this.#c.twin.onChange(() => {
      this.#debounce ??= setTimeout(() => {
        this.#debounce = undefined
        this.evaluate()
      }, this.#debounceMs)
    })
    this.#period = setInterval(() => this.evaluate(), this.#periodMs)
    this.#period.unref()
  }

  /** Stops listening; clears every timer. */
  close(): void {
    this.#off?.()
    this.#off = undefined
    clearTimeout(this.#debounce)
    clearInterval(this.#period)
    this.#debounce = undefined
    this.#period = undefined
  }

  /** Calls `listener` with each level change (not the first evaluation: there is nothing to change from). */
  onChange(listener: (c: EscalationChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Calls `listener` after every evaluation (the ledger link checks for significant change then). */
  onEvaluated(listener: (v: HospitalEscalationView) => void): () => void {
    this.#evaluatedListeners.add(listener)
    return () => this.#evaluatedListeners.delete(listener)
  }

  /** The levels of the last evaluation (evaluating first if there was none). */
  current(): HospitalEscalationView {
    return this.#view ?? this.evaluate()
  }

  /** Recomputes every level from the twin now; raises/clears alarms and tells listeners about changes. */
  evaluate(): HospitalEscalationView {
    const at = this.#now()
    const tree = this.#c.twin.tree()
    const previous = this.#view
    const before = new Map<string, ScopeEscalation>()
    if (previous !== undefined) for (const s of [previous.hospital, ...previous.units]) before.set(s.id, s)
    const { config, hospitalId } = this.#c
    const unitNodes = tree.children.filter((n) => n.level === 'unit')
    // "ICU occupancy …" reads best; the unit's own name only where two units share a type (two wards).
    const typeCount = new Map<string | undefined, number>()
    for (const n of unitNodes) typeCount.set(n.unitType, (typeCount.get(n.unitType) ?? 0) + 1)
    const scope = (node: TwinNode, kind: 'hospital' | 'unit'): ScopeEscalation => {
      const shared = kind === 'unit' && (node.unitType === undefined || (typeCount.get(node.unitType) ?? 0) > 1)
      const opts = { ...this.#trendOf(node, at), ...(shared ? { label: node.name } : {}) }
      const r = kind === 'unit' && node.unitType !== undefined ? unitEscalation(node.rollup, node.unitType, config, opts) : hospitalEscalation(node.rollup, config, opts)
      const old = before.get(node.id)
      const since = old !== undefined && old.level === r.level ? old.since : at
      return { scope: kind, id: node.id, name: node.name, ...(node.unitType === undefined ? {} : { unitType: node.unitType }), ...r, since }
    }
    const hospital = scope({ ...tree, id: hospitalId }, 'hospital')
    const units = unitNodes.map((n) => scope(n, 'unit'))
    this.#view = { hospital, units, evaluatedAt: at }
    for (const s of [hospital, ...units]) {
      const old = before.get(s.id)
      if (old === undefined ? previous === undefined && s.level > 1 : old.level !== s.level) this.#alarm(s, old?.level, at)
      if (old !== undefined && old.level !== s.level) {
        const change: EscalationChange = { hospital: hospitalId, ...(s.scope === 'unit' ? { unit: s.id } : {}), name: s.name, from: old.level, to: s.level, reason: s.reason, at }
        for (const l of this.#listeners) l(change)
      }
    }
    for (const l of this.#evaluatedListeners) l(this.#view)
    return this.#view
  }

  #trendOf(node: TwinNode, at: number): { admissionTrendPercent?: number } {
    let trend = this.#trends.get(node.id)
    if (trend === undefined) {
      trend = new AdmissionTrend(this.#c.config.trendWindowHours * 3_600_000)
      this.#trends.set(node.id, trend)
    }
    // Host time: rollups carry no data timestamp. The counter only matters where a patient-flow feed reports.
    trend.observe(node.rollup.patients.admissions, at)
    const p = trend.percent()
    return p === undefined ? {} : { admissionTrendPercent: p }
  }

  #alarm(s: ScopeEscalation, from: OpelLevel | undefined, at: number): void {
    const base = `${this.#c.hospitalId}/escalation/${s.id}`
    for (const level of [2, 3, 4]) this.#c.alarms.clear(`${base}/opel${level}`, at)
    if (s.level === 1) return
    const change = from === undefined ? `at OPEL ${s.level}` : `${s.level > from ? 'escalated' : 'de-escalated'} OPEL ${from} → ${s.level}`
    this.#c.alarms.raise({ key: `${base}/opel${s.level}`, asset: s.id, priority: ESCALATION_ALARM_PRIORITY[s.level], message: `${s.name} ${change}: ${s.reason}`, at })
  }
}
