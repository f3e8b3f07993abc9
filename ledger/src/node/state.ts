/**
 * The confirmed state at a cursor (`GET /api/state`, `@rhn/protocols` `LedgerState`): the feed of
 * confirmed transactions compacted, so a reader rebuilds a view from one answer and pages on from its
 * cursor instead of replaying every snapshot since genesis (issue 7 "Speed": a region of 20 hospitals
 * holds 864,000 snapshots after 30 days at the default 60 s period; replaying them is minutes).
 *
 * {@link ConfirmedState} folds confirmed transactions one at a time in cursor order. The node keeps
 * one and brings it up to date from its confirmed list when asked (so it is rebuilt after a restart
 * exactly as the list is); the region bench folds the same class over its synthetic feed, so what it
 * serves cannot differ from what a node would.
 */
import { type CapacitySnapshotTx, type ConfirmedTx, type LedgerState, type MemberCapacity, STATE_KEEP } from '@rhn/protocols'

/** Hour buckets of admissions kept per member (168 hours that hold admissions: at least a week). */
export const STATE_ADMISSION_HOURS = 168
/** Largest `recent` a state request may ask for (1,000 snapshots per member: 16 hours at the 60 s period). */
export const MAX_STATE_RECENT = 1_000
/** `recent` when a request names none: the latest snapshot only. */
export const DEFAULT_STATE_RECENT = 1

const HOUR_MS = 3_600_000

interface MemberFold {
  latest: ConfirmedTx & { tx: CapacitySnapshotTx }
  snapshots: number
  admissions: number
  discharges: number
  admissionsByHour: [number, number][]
  /** Cursors of the newest snapshots, oldest first (up to 2 × MAX_STATE_RECENT, trimmed in chunks). */
  recent: number[]
}

/**
 * Adds `n` admissions at `at` to hour buckets sorted by hour, keeping the newest `max`. The same
 * rule as the region's own fold (aggregator `region/state.ts` `addAdmissions`), so a view seeded from
 * the state holds the buckets a full replay would. Snapshots come in hour order but for a late one,
 * so the bucket is looked for from the newest back.
 */
export function addAdmissions(hours: [number, number][], at: number, n: number, max: number): void {
  if (n === 0) return
  const hour = at - (at % HOUR_MS)
  let i = hours.length - 1
  while (i >= 0 && hours[i]![0] > hour) i--
  if (i >= 0 && hours[i]![0] === hour) hours[i]![1] += n
  else hours.splice(i + 1, 0, [hour, n])
  if (hours.length > max) hours.splice(0, hours.length - max)
}

/** The group a non-snapshot transaction is bounded in, and how many of the newest it keeps ({@link STATE_KEEP}). */
function groupOf(kind: ConfirmedTx['tx']['kind']): { group: string; keep: number } {
  switch (kind) {
    case 'escalation-change':
      return { group: kind, keep: STATE_KEEP.escalationChanges }
    case 'resource-accept':
    case 'resource-decline':
      return { group: 'resource-decision', keep: STATE_KEEP.flows }
    default:
      return { group: kind, keep: STATE_KEEP.flows }
  }
}

/** Confirmed transactions folded into a {@link LedgerState}; see the module comment. */
export class ConfirmedState {
  #cursor = 0
  readonly #members = new Map<string, MemberFold>()
  /** Non-snapshot transactions by group, oldest first; trimmed to the newest `keep` in chunks (at 2 × keep). */
  readonly #others = new Map<string, { keep: number; items: ConfirmedTx[] }>()

  /** The cursor of the last transaction folded (0 before any). */
  get cursor(): number {
    return this.#cursor
  }

  /** Folds one confirmed transaction; transactions at or below the cursor are skipped (given in cursor order). */
  add(item: ConfirmedTx): void {
    if (item.cursor <= this.#cursor) return
    this.#cursor = item.cursor
    if (item.tx.kind !== 'capacity-snapshot') {
      const { group, keep } = groupOf(item.tx.kind)
      let g = this.#others.get(group)
      if (g === undefined) this.#others.set(group, (g = { keep, items: [] }))
      g.items.push(item)
      if (g.items.length > 2 * keep) g.items.splice(0, g.items.length - keep)
      return
    }
    const tx = item.tx
    let admissions = 0
    let discharges = 0
    for (const u of tx.units) {
      admissions += u.admissions
      discharges += u.discharges
    }
    let m = this.#members.get(tx.hospital)
    if (m === undefined) {
      m = { latest: item as MemberFold['latest'], snapshots: 0, admissions: 0, discharges: 0, admissionsByHour: [], recent: [] }
      this.#members.set(tx.hospital, m)
    }
    m.snapshots += 1
    m.admissions += admissions
    m.discharges += discharges
    addAdmissions(m.admissionsByHour, tx.takenAt, admissions, STATE_ADMISSION_HOURS)
    m.recent.push(item.cursor)
    if (m.recent.length > 2 * MAX_STATE_RECENT) m.recent.splice(0, m.recent.length - MAX_STATE_RECENT)
    // A snapshot taken before the one held (confirmed late) counts in the sums but is not the latest.
    if (tx.takenAt >= m.latest.tx.takenAt) m.latest = item as MemberFold['latest']
  }

  /** Folds transactions in cursor order. */
  addAll(items: Iterable<ConfirmedTx>): this {
    for (const item of items) this.add(item)
    return this
  }

  /**
   * The state at the cursor (copies of what changes as more is folded; the transactions themselves are
   * shared, as `confirmed()` pages share them). `recent` (1–{@link MAX_STATE_RECENT}) sets each
   * member's `recentFrom`.
   */
  view(recent = DEFAULT_STATE_RECENT): LedgerState {
    const n = Math.min(MAX_STATE_RECENT, Math.max(1, Math.floor(recent)))
    const capacity: MemberCapacity[] = [...this.#members.keys()].sort().map((hospital) => {
      const m = this.#members.get(hospital)!
      return {
        hospital,
        latest: m.latest,
        snapshots: m.snapshots,
        admissions: m.admissions,
        discharges: m.discharges,
        admissionsByHour: m.admissionsByHour.map(([h, a]) => [h, a] as [number, number]),
        recentFrom: m.recent[Math.max(0, m.recent.length - n)]!,
      }
    })
    const others = [...this.#others.values()].flatMap((g) => g.items.slice(-g.keep)).sort((a, b) => a.cursor - b.cursor)
    return { cursor: this.#cursor, capacity, others }
  }
}
