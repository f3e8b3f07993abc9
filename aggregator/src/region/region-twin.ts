/**
 * `RegionTwin`: the system-of-systems twin (issue 7) — region ▸ hospital ▸ unit — folded from
 * confirmed ledger transactions. It applies pages from the feed, writes the region's figures to the
 * telemetry store, tells listeners what changed (the stream, the recommender), and answers the API's
 * questions from its state and the registry. No I/O of its own but `store.write`.
 */
import type { ConfirmedTx, EscalationConfig, OpelLevel, Registry } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { TelemetryPoint, TelemetryStore } from '../store/types.js'
import { hospitalFigures, hospitalIds, regionOf } from './figures.js'
import { regionFlows } from './flows.js'
import { interdependencies } from './interdependencies.js'
import { SnapshotPoints } from './snapshot-points.js'
import { applyConfirmed, type RegionChange, type RegionStateData } from './state.js'
import type { CapacityFigures, HospitalFigures, Interdependency, RecordedEscalation, RegionFigures, RegionFlows, RegionTreeNode } from './types.js'

/** An event of `/api/stream` (region mode). */
export type RegionEvent =
  | { type: 'snapshot'; hospital: string; takenAt: number; confirmedAt: number }
  | { type: 'flow'; kind: 'request' | 'offer' | 'decision' | 'transfer'; id: string; hospitals: string[]; confirmedAt: number }
  | { type: 'escalation'; scope: 'region' | 'hospital'; id: string; from: OpelLevel; to: OpelLevel; reason: string; at: number }
  | { type: 'ledger'; reachable: boolean; unreachableSince?: number; at: number }
  | { type: 'recommendations'; count: number; solvedAt: number }

/** Capacity of one scope for `GET /api/capacity`. */
export interface ScopeCapacity extends CapacityFigures {
  escalation: RegionFigures['escalation']
  takenAt: number | null
  confirmedAt: number | null
}

/** What the twin needs. */
export interface RegionTwinComponents {
  registry: Registry
  state: RegionStateData
  thresholds: EscalationConfig
  store: TelemetryStore
  logger: Logger
  now?: () => number
}

/** The region twin; see the module comment. */
export class RegionTwin {
  readonly #c: RegionTwinComponents
  readonly #listeners = new Set<(e: RegionEvent) => void>()
  readonly #changeListeners = new Set<(changes: readonly RegionChange[]) => void>()
  readonly #now: () => number
  /** Last level seen per hospital and for the region, to report changes. */
  readonly #levels = new Map<string, OpelLevel>()
  /** Hospital figures without trend, per hospital, until its next snapshot or a registry change. */
  readonly #figures = new Map<string, HospitalFigures>()
  /** Latest totals and level per hospital, for the region's points (kept cheap for rebuilds). */
  readonly #points: SnapshotPoints
  #registry: Registry
  #storedPoints = 0

  constructor(c: RegionTwinComponents) {
    this.#c = c
    this.#registry = c.registry
    this.#now = c.now ?? Date.now
    this.#points = new SnapshotPoints(c.thresholds)
    // After a restart from a checkpoint, the region's sums start from every hospital's latest snapshot.
    for (const [id, snap] of Object.entries(c.state.hospitals)) this.#points.note(id, snap)
    this.#noteLevels(false)
  }

  /**
   * Takes in a state filled wholesale (seeded from the ledger's state at a cursor, `seed.ts`): what is
   * derived from it is recomputed, and listeners hear of every hospital's latest snapshot (the stream,
   * and the recommender, which solves on snapshots). No points are written: the history backfill
   * writes those of every snapshot up to the seed's cursor.
   */
  reseeded(): void {
    const state = this.#c.state
    this.#figures.clear()
    this.#points.clear()
    const changes: RegionChange[] = []
    for (const [id, snap] of Object.entries(state.hospitals)) {
      this.#points.note(id, snap)
      changes.push({ type: 'snapshot', hospital: id, snapshot: { tx: snap.tx, txId: snap.txId, confirmedAt: snap.confirmedAt } })
      this.emit({ type: 'snapshot', hospital: id, takenAt: snap.tx.takenAt, confirmedAt: snap.confirmedAt })
    }
    this.#noteLevels(true)
    for (const l of this.#changeListeners) l(changes)
  }

  /** The state (saved in the checkpoint). */
  get state(): RegionStateData {
    return this.#c.state
  }

  /** The registry in force. */
  get registry(): Registry {
    return this.#registry
  }

  /** Points handed to the store since start. */
  get storedPoints(): number {
    return this.#storedPoints
  }

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (e: RegionEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Subscribes to state changes (the recommender re-solves on snapshots). */
  onChanges(listener: (changes: readonly RegionChange[]) => void): () => void {
    this.#changeListeners.add(listener)
    return () => this.#changeListeners.delete(listener)
  }

  /** Sends an event to every listener (the aggregator adds ledger and recommendation events). */
  emit(e: RegionEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e)
      } catch (err) {
        this.#c.logger.warn({ err: String(err), event: e.type }, 'region event listener failed')
      }
    }
  }

  /**
   * Applies one page of confirmed transactions and moves the cursor to `next`. Transactions are taken
   * one at a time, so each snapshot's points carry that snapshot's figures (a page may hold several
   * snapshots of one hospital).
   */
  apply(items: readonly ConfirmedTx[], next: number): RegionChange[] {
    const state = this.#c.state
    const all: RegionChange[] = []
    const points: TelemetryPoint[] = []
    for (const item of items) {
      const changes = applyConfirmed(state, [item])
      for (const ch of changes) {
        all.push(ch)
        if (ch.type === 'snapshot') {
          this.#figures.delete(ch.hospital)
          const snap = state.hospitals[ch.hospital]
          if (snap !== undefined) points.push(...this.#points.of(this.#registry.region.id, ch.hospital, snap))
        }
      }
    }
    if (next > state.cursor) state.cursor = next
    if (all.length === 0) return all
    if (points.length > 0) {
      this.#storedPoints += points.length
      this.#c.store.write(points)
    }
    // Events after the whole page: a catch-up of thousands of transactions is one burst, not one per figure.
    const latest = new Map<string, RegionChange>()
    for (const ch of all) {
      if (ch.type === 'snapshot') latest.set(ch.hospital, ch)
      else if (ch.type !== 'escalation-change') this.emit({ type: 'flow', kind: ch.type, id: ch.id, hospitals: ch.hospitals, confirmedAt: ch.confirmedAt })
    }
    for (const ch of latest.values()) if (ch.type === 'snapshot') this.emit({ type: 'snapshot', hospital: ch.hospital, takenAt: ch.snapshot.tx.takenAt, confirmedAt: ch.snapshot.confirmedAt })
    this.#noteLevels(true)
    for (const l of this.#changeListeners) l(all)
    return all
  }

  /** Replaces the registry (names, areas, specialisms, flowsTo); figures come from the ledger regardless. */
  setRegistry(registry: Registry): void {
    this.#registry = registry
    this.#figures.clear()
  }

  /** The whole region's figures; `withTrend` adds each hospital's recent trend. */
  region(withTrend = false): RegionFigures {
    return regionOf(this.#registry, hospitalIds(this.#registry, this.#c.state).map((id) => this.#hospital(id, withTrend)))
  }

  /** One hospital's figures with its trend, or undefined when neither the registry nor the ledger knows it. */
  hospital(id: string): HospitalFigures | undefined {
    if (this.#registry.hospitals.every((h) => h.id !== id) && this.#c.state.hospitals[id] === undefined) return undefined
    return this.#hospital(id, true)
  }

  /** Figures are computed once per snapshot (cached without trend); the trend is copied when asked for. */
  #hospital(id: string, withTrend: boolean): HospitalFigures {
    let f = this.#figures.get(id)
    if (f === undefined) {
      f = hospitalFigures(id, this.#registry, this.#c.state, this.#c.thresholds, false)
      this.#figures.set(id, f)
    }
    const trend = this.#c.state.hospitals[id]?.trend
    return withTrend && trend !== undefined ? { ...f, trend: trend.map((p) => ({ ...p })) } : f
  }

  /** Requests with offers and decisions, and transfers. */
  flows(): RegionFlows {
    return regionFlows(this.#c.state)
  }

  /** Escalation changes the hospitals recorded on the ledger, newest first. */
  recordedEscalations(): RecordedEscalation[] {
    return this.#c.state.escalationChanges
      .map(({ tx, txId, confirmedAt }) => ({ hospital: tx.hospital, ...(tx.unit === undefined ? {} : { unit: tx.unit }), from: tx.from, to: tx.to, reason: tx.reason, at: tx.at, confirmedAt, txId }))
      .reverse()
  }

  /** Typed interdependencies. */
  interdependencies(): Interdependency[] {
    return interdependencies(this.#registry, this.flows())
  }

  /** region ▸ hospital ▸ unit with the headline figures of each. */
  tree(): RegionTreeNode {
    const r = this.region()
    return {
      id: r.id,
      name: r.name,
      level: 'region',
      escalation: r.escalation,
      beds: r.beds,
      ventilators: r.ventilators,
      takenAt: null,
      confirmedAt: r.confirmedAt,
      children: r.hospitals.map((h) => ({
        id: h.id,
        name: h.name,
        level: 'hospital' as const,
        escalation: h.escalation,
        beds: h.beds,
        ventilators: h.ventilators,
        takenAt: h.takenAt,
        confirmedAt: h.confirmedAt,
        children: h.units.map((u) => ({ id: u.id, name: u.name, level: 'unit' as const, unitType: u.unitType, escalation: u.escalation, beds: u.beds, ventilators: u.ventilators, takenAt: u.takenAt, confirmedAt: u.confirmedAt, children: [] })),
      })),
    }
  }

  /** Capacity of the region, a hospital or a unit (unit ids are unique across the registry). */
  capacity(scope: 'region' | 'hospital' | 'unit', id: string): ScopeCapacity | undefined {
    const pick = (f: CapacityFigures & { escalation: ScopeCapacity['escalation'] }, takenAt: number | null, confirmedAt: number | null): ScopeCapacity => ({
      beds: f.beds,
      ventilators: f.ventilators,
      ppe: f.ppe,
      admissions: f.admissions,
      discharges: f.discharges,
      escalation: f.escalation,
      takenAt,
      confirmedAt,
    })
    if (scope === 'region') {
      if (id !== this.#registry.region.id) return undefined
      const r = this.region()
      return pick(r, null, r.confirmedAt)
    }
    if (scope === 'hospital') {
      const h = this.hospital(id)
      return h === undefined ? undefined : pick(h, h.takenAt, h.confirmedAt)
    }
    for (const h of this.region().hospitals) {
      const u = h.units.find((x) => x.id === id)
      if (u !== undefined) return pick(u, u.takenAt, u.confirmedAt)
    }
    return undefined
  }

  /** Whether `id` names the region, a hospital or a unit the twin holds. */
  knows(id: string): boolean {
    const tree = this.tree()
    return tree.id === id || tree.children.some((h) => h.id === id || h.children.some((u) => u.id === id))
  }

  /** Remembers levels; with `report`, emits an escalation event for each hospital or the region whose level moved. */
  #noteLevels(report: boolean): void {
    const r = this.region()
    const at = this.#now()
    const scopes: { scope: 'region' | 'hospital'; id: string; e: RegionFigures['escalation'] }[] = [
      ...r.hospitals.filter((h) => h.reporting).map((h) => ({ scope: 'hospital' as const, id: h.id, e: h.escalation })),
      { scope: 'region', id: r.id, e: r.escalation },
    ]
    for (const { scope, id, e } of scopes) {
      const was = this.#levels.get(id)
      this.#levels.set(id, e.level)
      if (report && was !== undefined && was !== e.level) {
        this.#c.logger.info({ scope, id, from: was, to: e.level, reason: e.reason }, 'escalation level changed')
        this.emit({ type: 'escalation', scope, id, from: was, to: e.level, reason: e.reason, at })
      }
    }
  }
}
