/**
 * Alarm lifecycle (issue 5 "The twin"): raised ▸ acknowledged (by whom) ▸ cleared. One open alarm
 * per key; a cleared alarm stays in the history, and raising its key again is a new alarm.
 */
import type { Alarm, AlarmPriority, AlarmState } from './types.js'

/** Cleared alarms kept for `alarms()`, oldest dropped first: a busy week of a large hospital, bounded memory. */
export const DEFAULT_MAX_CLEARED_ALARMS = 10_000

/** What raising an alarm needs. */
export interface RaiseAlarm {
  asset: string
  key: string
  source: Alarm['source']
  priority: AlarmPriority
  message: string
  path: string[]
  at: number
}

/** Filter of {@link AlarmBook.list}. */
export interface AlarmFilter {
  state?: AlarmState
  asset?: string
}

/** Holds open alarms by key and a bounded history of cleared ones; reports every change to `changed`. */
export class AlarmBook {
  private readonly open = new Map<string, Alarm>()
  private readonly byId = new Map<string, Alarm>()
  private readonly cleared: Alarm[] = []
  private seq = 0

  constructor(
    /** Called with the alarm after every raise, acknowledge and clear. */
    private readonly changed: (alarm: Alarm) => void,
    private readonly maxCleared: number = DEFAULT_MAX_CLEARED_ALARMS,
  ) {}

  /** Raises `key` unless it is open already; returns the new alarm, or undefined when nothing changed. */
  raise(r: RaiseAlarm): Alarm | undefined {
    if (this.open.has(r.key)) return undefined
    this.seq += 1
    // Unique per raise and URL-safe (POST /api/alarms/:id/ack): raise time in base 36 plus a counter.
    const id = `${r.at.toString(36)}-${this.seq.toString(36)}`
    const alarm: Alarm = { id, asset: r.asset, source: r.source, key: r.key, priority: r.priority, message: r.message, state: 'active', raisedAt: r.at, path: r.path }
    this.open.set(r.key, alarm)
    this.byId.set(id, alarm)
    this.changed(alarm)
    return alarm
  }

  /** Clears `key` if it is open; the alarm moves to the history. */
  clear(key: string, at: number): Alarm | undefined {
    const alarm = this.open.get(key)
    if (alarm === undefined) return undefined
    this.open.delete(key)
    alarm.state = 'cleared'
    alarm.clearedAt = at
    this.cleared.push(alarm)
    if (this.cleared.length > this.maxCleared) {
      const dropped = this.cleared.shift() as Alarm
      this.byId.delete(dropped.id)
    }
    this.changed(alarm)
    return alarm
  }

  /**
   * Acknowledges an active alarm (IEC 60601-1-8: acknowledging silences, the condition may persist).
   * An alarm already acknowledged or cleared is returned unchanged; undefined for an unknown id.
   */
  acknowledge(id: string, by: string, at: number): Alarm | undefined {
    const alarm = this.byId.get(id)
    if (alarm === undefined) return undefined
    if (alarm.state === 'active') {
      alarm.state = 'acknowledged'
      alarm.acknowledgedAt = at
      alarm.acknowledgedBy = by
      this.changed(alarm)
    }
    return alarm
  }

  /** The open alarm of `key`. */
  openAlarm(key: string): Alarm | undefined {
    return this.open.get(key)
  }

  /** Open alarms (active or acknowledged). */
  openAlarms(): IterableIterator<Alarm> {
    return this.open.values()
  }

  /** Alarms matching `filter`, newest raise first (open and cleared). */
  list(filter: AlarmFilter = {}): Alarm[] {
    const out: Alarm[] = []
    const keep = (a: Alarm) => (filter.state === undefined || a.state === filter.state) && (filter.asset === undefined || a.asset === filter.asset)
    if (filter.state !== 'cleared') for (const a of this.open.values()) if (keep(a)) out.push(a)
    if (filter.state === undefined || filter.state === 'cleared') for (const a of this.cleared) if (keep(a)) out.push(a)
    return out.sort((a, b) => b.raisedAt - a.raisedAt || compareIds(b.id, a.id))
  }
}

function compareIds(a: string, b: string): number {
  const sa = parseInt(a.slice(a.lastIndexOf('-') + 1), 36)
  const sb = parseInt(b.slice(b.lastIndexOf('-') + 1), 36)
  return sa - sb
}
