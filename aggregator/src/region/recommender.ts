/**
 * Rebalancing advice in the region (issue 7 "Rebalancing advice"): R-C's `rebalance` run on the
 * latest confirmed figures, again after new snapshots (debounced) and at least every
 * `rebalance.periodS`. One solve at a time; a solve asked for while one runs is run right after it.
 */
import { createHash } from 'node:crypto'
import type { AggregatorConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { RebalanceHospital, RebalanceInput, RebalanceResult, Recommendation } from '../rebalance/index.js'
import type { RegionTwin } from './region-twin.js'
import type { HospitalFigures } from './types.js'

/** Wait after a snapshot before solving, ms (500: a burst of snapshots from every hospital is one solve). */
export const DEFAULT_SOLVE_DEBOUNCE_MS = 500

/** A recommendation with the id the API files it by, and its request once filed. */
export interface RecommendationView extends Recommendation {
  /** Stable while the same move is recommended: a hash of kind, hospitals, quantity and what. */
  id: string
  /** Set once filed through the delegate node. */
  requested?: { txId: string; requestId: string; by: string; at: number; nodeUrl: string }
}

/** `GET /api/region/recommendations`. */
export interface RecommendationsView {
  /** When the advice was last solved, ms since 1970; null before the first solve. */
  solvedAt: number | null
  /** Newest confirmation time of the figures it was solved on. */
  basedOnConfirmedAt: number | null
  status: RebalanceResult['status'] | 'pending' | 'failed'
  recommendations: RecommendationView[]
  unmet: RebalanceResult['unmet'] | null
  warnings: string[]
  solveMs: number | null
  error?: string
}

/** What the recommender needs. */
export interface RecommenderComponents {
  twin: RegionTwin
  rebalance: (input: RebalanceInput) => Promise<RebalanceResult>
  options: AggregatorConfig['rebalance']
  logger: Logger
  now?: () => number
  debounceMs?: number
}

/** The id of a recommendation: the same move gets the same id across solves. */
export function recommendationId(r: Recommendation): string {
  const what = [r.kind, r.from, r.to, r.quantity, r.gtin ?? '', r.unitType ?? '', r.severity ?? ''].join('|')
  return createHash('sha256').update(what).digest('hex').slice(0, 16)
}

/**
 * The rebalancer's view of a hospital: units as confirmed; PPE burn per day from stock ÷ days of supply.
 * Boarders (admitted, no bed) wait for a ward bed: the snapshot carries their count, not their acuity,
 * so they count as mild demand on the first ward (a sicker patient would have been placed first).
 */
export function rebalanceHospital(h: HospitalFigures): RebalanceHospital {
  const ward = h.units.findIndex((u) => u.unitType === 'ward')
  const waiting = h.waiting ?? 0
  return {
    id: h.id,
    name: h.name,
    ...(h.location === undefined ? {} : { location: h.location }),
    specialisms: h.specialisms,
    units: h.units.map((u, i) => ({
      unitType: u.unitType,
      beds: { total: u.beds.total, occupied: Math.min(u.beds.occupied, u.beds.total) },
      ventilators: { total: u.ventilators.total, inUse: Math.min(u.ventilators.inUse, u.ventilators.total) },
      ...(i === ward && waiting > 0 ? { waiting: { mild: waiting, severe: 0, critical: 0 } } : {}),
    })),
    // Days of supply = stock ÷ burn rate (the hospital's own figure), so burn = stock ÷ days; unknown → 0 (H3).
    ppe: h.ppe.map((p) => ({ gtin: p.gtin, item: p.item, stock: p.stock, burnPerDay: p.daysOfSupply !== null && p.daysOfSupply > 0 ? p.stock / p.daysOfSupply : 0 })),
  }
}

/** Solves and keeps the latest advice; see the module comment. */
export class Recommender {
  readonly #c: RecommenderComponents
  readonly #now: () => number
  readonly #requested = new Map<string, NonNullable<RecommendationView['requested']>>()
  #view: RecommendationsView = { solvedAt: null, basedOnConfirmedAt: null, status: 'pending', recommendations: [], unmet: null, warnings: [], solveMs: null }
  #debounce: NodeJS.Timeout | undefined
  #period: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #stopped = false
  #unsubscribe: () => void = () => {}
  #onSolved: (v: RecommendationsView) => void = () => {}
  #solves = 0

  constructor(c: RecommenderComponents) {
    this.#c = c
    this.#now = c.now ?? Date.now
  }

  /** Solves completed since start. */
  get solves(): number {
    return this.#solves
  }

  /** Starts: solves now, on new snapshots (debounced) and every `periodS`. */
  start(onSolved: (v: RecommendationsView) => void = () => {}): void {
    this.#onSolved = onSolved
    this.#unsubscribe = this.#c.twin.onChanges((changes) => {
      if (changes.some((ch) => ch.type === 'snapshot')) this.schedule()
    })
    this.#period = setInterval(() => void this.solve(), this.#c.options.periodS * 1000)
    this.#period.unref()
    this.schedule()
  }

  /** Solves after the debounce period (timers restart with each call). */
  schedule(): void {
    if (this.#stopped) return
    if (this.#debounce !== undefined) clearTimeout(this.#debounce)
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined
      void this.solve()
    }, this.#c.debounceMs ?? DEFAULT_SOLVE_DEBOUNCE_MS)
  }

  /** The latest advice. */
  view(): RecommendationsView {
    return { ...this.#view, recommendations: this.#view.recommendations.map((r) => this.#withRequest(r)) }
  }

  /** One recommendation of the latest advice. */
  get(id: string): RecommendationView | undefined {
    const r = this.#view.recommendations.find((x) => x.id === id)
    return r === undefined ? undefined : this.#withRequest(r)
  }

  /** Remembers that a recommendation was filed (shown with it while it is recommended). */
  markRequested(id: string, requested: NonNullable<RecommendationView['requested']>): void {
    this.#requested.set(id, requested)
  }

  /** Solves now (or right after the solve in progress); resolves when the advice is updated. */
  solve(): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    if (this.#running !== undefined) {
      this.#again = true
      return this.#running
    }
    this.#running = this.#solveOnce().finally(() => {
      this.#running = undefined
      if (this.#again && !this.#stopped) {
        this.#again = false
        void this.solve()
      }
    })
    return this.#running
  }

  /** Stops the timers and waits for a solve in progress. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#unsubscribe()
    if (this.#debounce !== undefined) clearTimeout(this.#debounce)
    if (this.#period !== undefined) clearInterval(this.#period)
    await this.#running
  }

  #withRequest(r: RecommendationView): RecommendationView {
    const requested = this.#requested.get(r.id)
    return requested === undefined ? { ...r } : { ...r, requested: { ...requested } }
  }

  async #solveOnce(): Promise<void> {
    const region = this.#c.twin.region()
    const hospitals = region.hospitals.filter((h) => h.reporting)
    const { horizonDays, maxTransferKm, ventilatorsPerCriticalPatient } = this.#c.options
    try {
      const result = await this.#c.rebalance({ hospitals: hospitals.map(rebalanceHospital), options: { horizonDays, maxTransferKm, ventilatorsPerCriticalPatient } })
      this.#view = {
        solvedAt: this.#now(),
        basedOnConfirmedAt: region.confirmedAt,
        status: result.status,
        recommendations: result.recommendations.map((r) => ({ ...r, id: recommendationId(r) })),
        unmet: result.unmet,
        warnings: result.warnings,
        solveMs: result.solveMs,
      }
      this.#solves += 1
      this.#c.logger.debug({ recommendations: result.recommendations.length, status: result.status, ms: result.solveMs }, 'rebalancing solved')
    } catch (err) {
      // Keep the last advice on screen, and say why it is not fresh.
      this.#view = { ...this.#view, status: 'failed', error: err instanceof Error ? err.message : String(err) }
      this.#c.logger.warn({ err: String(err) }, 'rebalancing failed; the last advice stays')
    }
    this.#onSolved(this.view())
  }
}
