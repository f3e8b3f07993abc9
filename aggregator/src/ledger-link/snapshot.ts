/**
 * Capacity snapshots (issue 7 "From hospital twin to ledger"): a `capacity-snapshot` transaction from
 * the live twin and the current escalation levels, and the test of whether a change is significant
 * enough to publish before the period ends.
 */
import { PPE_ITEMS, type CapacitySnapshotTx, type UnitCapacity } from '@rhn/protocols'
import type { HospitalEscalationView } from '../escalation/index.js'
import type { TwinNode } from '../twin/types.js'

const PPE_ITEM_SET: ReadonlySet<string> = new Set(PPE_ITEMS)

/** The `ledger.significantChange` block of the config. */
export interface SignificantChange {
  /** Occupied beds change of any unit that publishes at once. */
  bedsDelta: number
  /** Ventilators in use change of any unit that publishes at once. */
  ventilatorsDelta: number
  /** Days of supply change of any PPE line of any unit that publishes at once, days. */
  ppeDaysOfSupplyDelta: number
}

/** A snapshot built but not yet published: `commit()` once the node accepted it moves the admissions baseline. */
export interface BuiltSnapshot {
  tx: CapacitySnapshotTx
  commit(): void
}

/** Counter value since the baseline: a counter below its baseline was reset (admissions "since local midnight"). */
function since(current: number, base: number | undefined): number {
  if (base === undefined) return 0
  return current >= base ? current - base : current
}

/**
 * Builds snapshots of one hospital. Admissions and discharges are counted since the last snapshot
 * the node accepted, so a snapshot that failed to publish loses none of them (the next carries them).
 */
export class SnapshotBuilder {
  readonly #hospital: string
  #base = new Map<string, { admissions: number; discharges: number }>()

  constructor(hospital: string) {
    this.#hospital = hospital
  }

  /** A snapshot of `tree` with the levels of `escalation`, taken at `at`. */
  build(tree: TwinNode, escalation: HospitalEscalationView, at: number): BuiltSnapshot {
    const levels = new Map(escalation.units.map((u) => [u.id, u]))
    const next = new Map<string, { admissions: number; discharges: number }>()
    const units: UnitCapacity[] = []
    for (const node of tree.children) {
      if (node.level !== 'unit' || node.unitType === undefined) continue
      const r = node.rollup
      const base = this.#base.get(node.id)
      next.set(node.id, { admissions: r.patients.admissions, discharges: r.patients.discharges })
      const e = levels.get(node.id)
      units.push({
        unit: node.id,
        unitType: node.unitType,
        beds: { total: r.beds.total, occupied: r.beds.occupied, available: r.beds.available },
        ventilators: { total: r.ventilators.total, inUse: r.ventilators.inUse, available: r.ventilators.available },
        // Lines the registry does not name (no PPE item) cannot be typed on the ledger: left out.
        ppe: Object.entries(r.ppe)
          .filter(([, p]) => p.item !== undefined && PPE_ITEM_SET.has(p.item))
          .map(([gtin, p]) => ({ gtin, item: p.item as UnitCapacity['ppe'][number]['item'], stock: Math.max(0, Math.round(p.stock)), daysOfSupply: p.daysOfSupply === null ? null : Math.max(0, p.daysOfSupply) })),
        admissions: since(r.patients.admissions, base?.admissions),
        discharges: since(r.patients.discharges, base?.discharges),
        escalation: { level: e?.level ?? 1, reason: e?.reason ?? 'not evaluated yet' },
      })
    }
    const tx: CapacitySnapshotTx = {
      kind: 'capacity-snapshot',
      hospital: this.#hospital,
      takenAt: at,
      units,
      escalation: { level: escalation.hospital.level, reason: escalation.hospital.reason },
    }
    // Admitted (ADT census) but not in a bed: the boarders the region may move. Only with an ADT feed.
    const whole = tree.rollup
    if (whole.patients.census > 0) tx.waiting = Math.max(0, whole.patients.census - whole.beds.occupied)
    return { tx, commit: () => (this.#base = next) }
  }
}

/** Why `next` must be published before the period ends, or undefined when it need not be. */
export function significantChange(last: CapacitySnapshotTx | undefined, next: CapacitySnapshotTx, t: SignificantChange): string | undefined {
  if (last === undefined) return 'first snapshot'
  if (last.escalation.level !== next.escalation.level) return `hospital escalation OPEL ${last.escalation.level} → ${next.escalation.level}`
  const before = new Map(last.units.map((u) => [u.unit, u]))
  for (const u of next.units) {
    const b = before.get(u.unit)
    if (b === undefined) return `unit ${u.unit} is new`
    if (b.escalation.level !== u.escalation.level) return `${u.unit} escalation OPEL ${b.escalation.level} → ${u.escalation.level}`
    if (Math.abs(u.beds.occupied - b.beds.occupied) >= t.bedsDelta || u.beds.total !== b.beds.total) return `${u.unit} beds ${b.beds.occupied}/${b.beds.total} → ${u.beds.occupied}/${u.beds.total}`
    if (Math.abs(u.ventilators.inUse - b.ventilators.inUse) >= t.ventilatorsDelta || u.ventilators.total !== b.ventilators.total) return `${u.unit} ventilators in use ${b.ventilators.inUse} → ${u.ventilators.inUse}`
    const ppe = new Map(b.ppe.map((p) => [p.gtin, p.daysOfSupply]))
    for (const p of u.ppe) {
      const old = ppe.get(p.gtin)
      if (old === undefined && !ppe.has(p.gtin)) return `${u.unit} PPE ${p.gtin} is new`
      if ((old === null) !== (p.daysOfSupply === null)) return `${u.unit} PPE ${p.gtin} days of supply ${old ?? 'unknown'} → ${p.daysOfSupply ?? 'unknown'}`
      if (old != null && p.daysOfSupply !== null && Math.abs(p.daysOfSupply - old) >= t.ppeDaysOfSupplyDelta) return `${u.unit} PPE ${p.gtin} days of supply ${old.toFixed(1)} → ${p.daysOfSupply.toFixed(1)}`
    }
  }
  if (next.units.length !== last.units.length) return 'a unit was removed'
  return undefined
}
