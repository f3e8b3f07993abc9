/**
 * Stock per GTIN from tag reports, tolerant of missed reads (issue 4): a tag arriving counts at once,
 * a tag leaves only after `absenceMs` unseen while the reader is reporting. Time spent disconnected
 * does not count as absence, so a reader reboot never empties the cabinet on paper.
 */
import { gtinOfEpc } from './epc.js'
import type { TagSeen } from './messages.js'

/** What changed after one report: GTINs whose counters moved (every GTIN after {@link StockTracker.resume}). */
export interface StockChange {
  gtins: readonly string[]
}

/** Counters of one GTIN. */
export interface GtinCounts {
  /** Items present now. */
  stock: number
  /** Items that left (unseen for absenceMs) since the agent started. */
  taken: number
  /** Items that arrived after the baseline window, since the agent started. */
  restocked: number
}

/** Stock of one cabinet: present EPCs with when each was last seen, and the counters per GTIN. */
export class StockTracker {
  private readonly lastSeen = new Map<string, { gtin: string; at: number }>()
  private readonly counts = new Map<string, GtinCounts>()
  private baselineUntil: number | undefined
  private resumed = true
  /** Tag reads since the agent started (every TagReportData, SGTIN or not). */
  reads = 0

  constructor(private readonly absenceMs: number) {}

  /** Counters of every GTIN seen so far. */
  snapshot(): ReadonlyMap<string, Readonly<GtinCounts>> {
    return this.counts
  }

  /**
   * Reports are flowing again after a gap (reconnect, reader reboot): every present item counts as
   * seen now, so only absence while the reader reports can make an item leave.
   */
  resume(): void {
    this.resumed = true
  }

  /** Applies one inventory round's report received at `now` (ms); returns the GTINs whose counters changed. */
  observe(tags: readonly TagSeen[], now: number): StockChange {
    this.reads += tags.length
    const changed = new Set<string>()
    if (this.resumed) {
      this.resumed = false
      for (const entry of this.lastSeen.values()) entry.at = now
      for (const gtin of this.counts.keys()) changed.add(gtin)
    }
    // The first absenceMs of reports are the baseline: an item missed in the first round and seen in
    // the next was there all along, not restocked.
    this.baselineUntil ??= now + this.absenceMs
    const baseline = now < this.baselineUntil
    for (const tag of tags) {
      const known = this.lastSeen.get(tag.epcHex)
      if (known !== undefined) {
        known.at = now
        continue
      }
      const gtin = gtinOfEpc(tag.epcHex)
      if (gtin === undefined) continue
      this.lastSeen.set(tag.epcHex, { gtin, at: now })
      const c = this.countsOf(gtin)
      c.stock++
      if (!baseline) c.restocked++
      changed.add(gtin)
    }
    for (const [epc, entry] of this.lastSeen) {
      if (now - entry.at < this.absenceMs) continue
      this.lastSeen.delete(epc)
      const c = this.countsOf(entry.gtin)
      c.stock--
      c.taken++
      changed.add(entry.gtin)
    }
    return { gtins: [...changed].sort() }
  }

  private countsOf(gtin: string): GtinCounts {
    let c = this.counts.get(gtin)
    if (c === undefined) {
      c = { stock: 0, taken: 0, restocked: 0 }
      this.counts.set(gtin, c)
    }
    return c
  }
}
