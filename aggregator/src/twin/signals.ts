/**
 * Alarm conditions read from telemetry: device alarms (`Alarms/X/Active`), bed exit, PPE at or
 * below its reorder point, and the threshold rules of the config (with their hold time).
 */
import type { AggregatorConfig } from '@rhn/protocols'
import type { StoredValue } from '../store/types.js'
import type { AlarmBook } from './alarms.js'
import type { AssetState } from './state.js'
import type { AlarmPriority } from './types.js'
import { type MetricInfo, numericValue } from './values.js'

/** A threshold rule from the config (`alarms.rules`). */
export type AlarmRule = AggregatorConfig['alarms']['rules'][number]

/**
 * Priorities of the ventilator alarms, after IEC 60601-1-8 (high = immediate response, medium =
 * prompt response) and the ventilator particular standards (ISO 80601-2-12): a disconnected
 * circuit or an occluded airway (high pressure) harm within minutes; low tidal volume and a low
 * battery leave time to act.
 */
export const DEVICE_ALARM_PRIORITY: Readonly<Record<string, AlarmPriority>> = {
  Disconnection: 'high',
  HighPressure: 'high',
  LowTidalVolume: 'medium',
  LowBattery: 'medium',
}
/** A device alarm the table does not name: prompt response until someone classifies it. */
export const DEFAULT_DEVICE_ALARM_PRIORITY: AlarmPriority = 'medium'
/** A patient leaving the bed unattended risks a fall: immediate response. */
export const BED_EXIT_PRIORITY: AlarmPriority = 'high'
/** PPE at the reorder point: stock runs out in days, not minutes. */
export const PPE_REORDER_PRIORITY: AlarmPriority = 'medium'

interface Pending {
  rule: AlarmRule
  asset: AssetState
  value: number
  /** Data timestamp when the condition began. */
  sinceTs: number
  /** Host-clock time when the condition began (for the hold time when no further value comes). */
  sinceAt: number
}

const compare: Readonly<Record<AlarmRule['op'], (a: number, b: number) => boolean>> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
}

/** Turns applied metric values into alarm raises and clears. */
export class Signals {
  private readonly rulesByMetric = new Map<string, AlarmRule[]>()
  /** Threshold conditions holding but not yet for `forMs`, by alarm key. */
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly alarms: AlarmBook,
    rules: readonly AlarmRule[],
    private readonly burnWindowMs: number,
  ) {
    for (const r of rules) {
      const list = this.rulesByMetric.get(r.metric)
      if (list === undefined) this.rulesByMetric.set(r.metric, [r])
      else list.push(r)
    }
  }

  /** Whether any rule watches `metric` (cached in the metric's info by the twin). */
  hasRules(metric: string): boolean {
    return this.rulesByMetric.has(metric)
  }

  /**
   * Reacts to a value that became current. `ts` is its data timestamp (alarm times, hold times
   * between values), `at` the host clock (hold time measured by {@link tick}).
   */
  apply(asset: AssetState, name: string, info: MetricInfo, value: StoredValue | null, ts: number, at: number): void {
    const role = info.role
    const id = asset.info.id
    switch (role.kind) {
      case 'device-alarm': {
        const key = `${id}/${role.alarm}`
        if (value === true) {
          const priority = DEVICE_ALARM_PRIORITY[role.alarm] ?? DEFAULT_DEVICE_ALARM_PRIORITY
          this.raise(asset, key, 'device', priority, `${role.alarm} alarm on ${asset.info.name}`, ts)
        } else this.alarms.clear(key, ts)
        break
      }
      case 'device-alarm-ack': {
        // Staff acknowledged it at the device: mirror that on the twin's alarm.
        const open = this.alarms.openAlarm(`${id}/${role.alarm}`)
        if (value === true && open !== undefined) this.alarms.acknowledge(open.id, 'device', ts)
        break
      }
      case 'bed-exit':
        if (value === true) this.raise(asset, `${id}/bed-exit`, 'bed-exit', BED_EXIT_PRIORITY, `Bed exit: ${asset.info.name}`, ts)
        else this.alarms.clear(`${id}/bed-exit`, ts)
        break
      case 'ppe-stock':
        if (typeof value === 'number') {
          asset.burnOf(role.gtin, this.burnWindowMs).stock(value, ts)
          const line = asset.info.ppeLines.get(role.gtin)
          const key = `${id}/ppe-reorder/${role.gtin}`
          if (line !== undefined && value <= line.reorderPoint) {
            this.raise(asset, key, 'ppe-reorder', PPE_REORDER_PRIORITY, `${line.item} (${role.gtin}) at ${value}, reorder point ${line.reorderPoint}: ${asset.info.name}`, ts)
          } else this.alarms.clear(key, ts)
        }
        break
      case 'ppe-taken':
        if (typeof value === 'number') asset.burnOf(role.gtin, this.burnWindowMs).taken(value, ts)
        break
      default:
        break
    }
    if (info.ruled === true) this.applyRules(asset, name, value, ts, at)
  }

  private applyRules(asset: AssetState, name: string, value: StoredValue | null, ts: number, at: number): void {
    const n = numericValue(value)
    for (const rule of this.rulesByMetric.get(name) ?? []) {
      const key = `${asset.info.id}/rule/${rule.id}`
      if (n === undefined || !compare[rule.op](n, rule.value)) {
        this.pending.delete(key)
        this.alarms.clear(key, ts)
        continue
      }
      if (this.alarms.openAlarm(key) !== undefined) continue
      let p = this.pending.get(key)
      if (p === undefined) {
        p = { rule, asset, value: n, sinceTs: ts, sinceAt: at }
        this.pending.set(key, p)
      }
      p.value = n
      if (ts - p.sinceTs >= rule.forMs) this.raiseRule(key, p, ts)
    }
  }

  /** Raises threshold alarms whose condition has held `forMs` on the host clock with no value since. */
  tick(now: number): void {
    for (const [key, p] of this.pending) {
      if (now - p.sinceAt >= p.rule.forMs) this.raiseRule(key, p, p.sinceTs + p.rule.forMs)
    }
  }

  /** Forgets pending rule conditions under an asset id (removed or renamed on a registry reload). */
  forget(assetId: string): void {
    const prefix = `${assetId}/`
    for (const key of this.pending.keys()) if (key.startsWith(prefix)) this.pending.delete(key)
  }

  private raiseRule(key: string, p: Pending, at: number): void {
    this.pending.delete(key)
    const { rule } = p
    const held = rule.forMs > 0 ? ` for ${rule.forMs} ms` : ''
    this.raise(p.asset, key, 'threshold', rule.severity, `${rule.id}: ${rule.metric} ${p.value} ${rule.op} ${rule.value}${held} on ${p.asset.info.name}`, at)
  }

  private raise(asset: AssetState, key: string, source: Parameters<AlarmBook['raise']>[0]['source'], priority: AlarmPriority, message: string, at: number): void {
    this.alarms.raise({ asset: asset.info.id, key, source, priority, message, path: asset.info.path, at })
  }
}
