/**
 * A region view seeded from the ledger node's state at a cursor (`GET /api/state`, issue 7 "Speed"),
 * instead of replaying every confirmed snapshot since the start: 20 hospitals × 30 days at the
 * default 60 s period is 864,000 snapshots, minutes to replay; the state is one answer of a few
 * hundred kB. What the view shows is exact at once: each hospital's latest snapshot with its count
 * and sums, its admissions per hour (the admission trend of its escalation level), every request,
 * offer, decision, transfer and escalation change; then the newest {@link MAX_TREND_POINTS}
 * snapshots of each hospital are read (the trend line), and the feed goes on from the cursor.
 * History (the store's points up to the cursor) is written behind it by `backfill.ts`.
 */
import type { ConfirmedTx, LedgerState } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { ConfirmedSource } from './feed.js'
import { MAX_ADMISSION_HOURS, MAX_TREND_POINTS, applyConfirmed, emptyRegionState, pushTrend, trendPointOf, type RegionStateData } from './state.js'

/** Longest wait between attempts while the node cannot be reached, ms (the feed's MAX_RETRY_MS). */
const MAX_SEED_RETRY_MS = 5_000

/** A state equal to replaying the feed up to `ls.cursor`, but for the hospitals' trend lines (see {@link addTrendTail}). */
export function regionStateOf(ls: LedgerState, nodeUrl: string): RegionStateData {
  const s = emptyRegionState(nodeUrl)
  for (const m of ls.capacity) {
    const { tx, txId, confirmedAt } = m.latest
    if (tx.kind !== 'capacity-snapshot') continue
    s.hospitals[tx.hospital] = {
      tx,
      txId,
      confirmedAt,
      snapshots: m.snapshots,
      admissionsTotal: m.admissions,
      dischargesTotal: m.discharges,
      trend: [],
      admissionsByHour: m.admissionsByHour.slice(-MAX_ADMISSION_HOURS).map(([h, n]) => [h, n] as [number, number]),
    }
  }
  applyConfirmed(s, ls.others)
  s.cursor = ls.cursor
  return s
}

/** Adds the trend points of the snapshots among `items` up to cursor `upTo` (the tail read from the members' `recentFrom`). */
export function addTrendTail(s: RegionStateData, items: readonly ConfirmedTx[], upTo: number): void {
  for (const item of items) {
    if (item.cursor > upTo) break
    if (item.tx.kind !== 'capacity-snapshot') continue
    const h = s.hospitals[item.tx.hospital]
    if (h !== undefined) pushTrend(h, trendPointOf(item.tx, item.confirmedAt))
  }
}

/** What {@link seedFromLedger} needs. */
export interface SeedComponents {
  source: ConfirmedSource
  pageLimit: number
  logger: Logger
  signal: AbortSignal
  /** Told of each failed attempt (a network error) and of the first answer, for the feed's reachability. */
  onFailure?: (err: unknown) => void
  onAnswer?: () => void
}

/** A seeded state and what it took. */
export interface Seeded {
  state: RegionStateData
  /** Tail transactions read for the trend lines, and the time it all took, ms. */
  tailTxs: number
  ms: number
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms)
    signal.addEventListener('abort', finish, { once: true })
    function finish(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      done()
    }
  })
}

/**
 * Reads the node's state and the trend tail into a new state (the live one is replaced only once it
 * is complete). Retries while the node cannot be reached; resolves undefined when the node serves no
 * state (404: an older node; the caller replays the feed instead) or when `signal` aborts.
 */
export async function seedFromLedger(c: SeedComponents): Promise<Seeded | undefined> {
  const source = c.source
  if (source.state === undefined) return undefined
  let retryMs = 250
  while (!c.signal.aborted) {
    const t0 = performance.now()
    try {
      const ls = await source.state(MAX_TREND_POINTS, c.signal)
      c.onAnswer?.()
      const state = regionStateOf(ls, source.url)
      let tailTxs = 0
      let after = ls.capacity.length === 0 ? ls.cursor : Math.min(...ls.capacity.map((m) => m.recentFrom)) - 1
      while (after < ls.cursor) {
        const page = await source.confirmed(after, c.pageLimit, c.signal)
        addTrendTail(state, page.items, ls.cursor)
        tailTxs += page.items.length
        if (page.items.length === 0) break
        after = page.next
      }
      return { state, tailTxs, ms: performance.now() - t0 }
    } catch (err) {
      if (c.signal.aborted) return undefined
      if ((err as { status?: unknown }).status === 404) {
        c.logger.warn({ node: source.url }, 'the ledger node serves no /api/state; replaying every confirmed transaction instead')
        return undefined
      }
      c.onFailure?.(err)
      c.logger.warn({ node: source.url, err: err instanceof Error ? err.message : String(err), retryMs }, 'ledger state not read; retrying')
      await sleep(retryMs, c.signal)
      retryMs = Math.min(MAX_SEED_RETRY_MS, retryMs * 2)
    }
  }
  return undefined
}
