/**
 * Moving patients between beds: placing, boarding in ED, transfers, and the ventilators that go with
 * them. Every move updates the bed and ventilator components and is reported as ADT by the model.
 */
import type { Rng } from '../rng.js'
import { writeEmptyBed, writeOccupiedBed } from './beds.js'
import type { PatientFlowCounters } from './flow.js'
import type { BedSlot, HospitalLayout } from './layout.js'
import { byPriority, type PatientState } from './patients.js'
import { VENTILATOR_LENDERS } from './placement.js'
import type { AdtEventType } from './types.js'
import { drawVentilation } from './ventilation.js'

/** Extra fields of an ADT event the model builds for a move. */
export interface MoveDetails {
  fromUnit?: string
  fromBedId?: string
  bedId?: string
  initial?: boolean
}

/** What {@link PatientMoves} needs from the model. */
export interface PatientMovesComponents {
  layout: HospitalLayout
  /** The model's patients in hospital, by key. */
  patients: ReadonlyMap<string, PatientState>
  rng: { beds: Rng; ventilation: Rng }
  flow: PatientFlowCounters
  totals: { transfers: number }
  emit: (type: AdtEventType, p: PatientState, details?: MoveDetails) => void
}

/** Bed and ventilator moves of one hospital's patients. */
export class PatientMoves {
  private readonly layout: HospitalLayout
  private readonly patients: ReadonlyMap<string, PatientState>
  private readonly rng: { beds: Rng; ventilation: Rng }
  private readonly flow: PatientFlowCounters
  private readonly totals: { transfers: number }
  private readonly emit: PatientMovesComponents['emit']
  private filling = false

  constructor(c: PatientMovesComponents) {
    this.layout = c.layout
    this.patients = c.patients
    this.rng = c.rng
    this.flow = c.flow
    this.totals = c.totals
    this.emit = c.emit
  }

  /** Puts `p` on `bed`, leaving any bed they had. */
  place(p: PatientState, bed: BedSlot): void {
    this.vacate(p)
    bed.occupant = p.identity.key
    p.bed = bed
    p.unitId = bed.unitId
    this.writeBed(p)
  }

  /** Leaves the bed `p` lies on, if any: the bed shows empty. */
  vacate(p: PatientState): void {
    if (p.bed === undefined) return
    p.bed.occupant = undefined
    writeEmptyBed(p.bed.component)
    p.bed = undefined
  }

  /** Rewrites `p`'s bed sensors (after a severity or ventilation change). */
  writeBed(p: PatientState): void {
    if (p.bed === undefined) return
    const unitType = this.layout.unit(p.unitId).unit.type
    writeOccupiedBed(p.bed.component, this.rng.beds, { weightKg: p.identity.weightKg, severity: p.severity, ventilated: p.ventilator !== undefined, unitType })
  }

  /** No bed anywhere down the chain: wait in ED, on a trolley if one is free, else in the corridor. */
  board(p: PatientState): void {
    const ed = this.layout.boardingUnit()
    p.boarding = true
    p.unitId = ed.unit.id
    const trolley = ed.beds.find((b) => b.occupant === undefined)
    if (trolley !== undefined) this.place(p, trolley)
  }

  /** Gives `p` a ventilator if they need one: their unit's, else one lent by another unit; else they wait for one. */
  assignVentilator(p: PatientState): void {
    if (!p.needsVentilator || p.ventilator !== undefined) return
    const v = this.layout.findVentilator(p.unitId, VENTILATOR_LENDERS)
    if (v === undefined) return
    v.user = p.identity.key
    p.ventilator = v
    const { settings, mechanics } = drawVentilation(this.rng.ventilation, p.identity)
    v.dynamics.ventilate(settings, mechanics)
    this.writeBed(p)
  }

  /** Takes `p` off their ventilator (standby) and hands it to the most severe patient waiting for one. */
  releaseVentilator(p: PatientState): void {
    const v = p.ventilator
    if (v === undefined) return
    v.user = undefined
    p.ventilator = undefined
    v.dynamics.standby()
    this.writeBed(p)
    const waiting = [...this.patients.values()].filter((x) => x.needsVentilator && x.ventilator === undefined).sort(byPriority)
    for (const w of waiting) {
      this.assignVentilator(w)
      if (v.user !== undefined) break
    }
  }

  /** Moves `p` to `bed` in another unit (A02), then offers any bed that frees to boarders. */
  transfer(p: PatientState, bed: BedSlot): void {
    const fromUnit = p.unitId
    const fromBedId = p.bed?.id ?? ''
    this.place(p, bed)
    p.boarding = false
    this.emit('A02', p, { fromUnit, fromBedId })
    this.flow.transferred(p.severity)
    this.totals.transfers++
    this.fillBeds()
  }

  /** Offers free beds to boarders, most severe first; corridor boarders take a free ED trolley meanwhile. */
  fillBeds(): void {
    if (this.filling) return
    this.filling = true
    try {
      for (let moved = true; moved; ) {
        moved = false
        const boarders = [...this.patients.values()].filter((x) => x.boarding).sort(byPriority)
        // Searches that found nothing in this pass: most boarders want the same few chains.
        const full = new Set<string>()
        for (const b of boarders) {
          const want = `${b.wants.join()}|${b.needsVentilator}|${b.bed === undefined}`
          if (full.has(want)) continue
          const bed = this.layout.findBed(b.wants, b.needsVentilator) ?? (b.bed === undefined ? this.layout.boardingUnit().beds.find((x) => x.occupant === undefined) : undefined)
          if (bed === undefined) {
            full.add(want)
            continue
          }
          const placed = bed.unitId !== this.layout.boardingUnit().unit.id || b.wants.includes(this.layout.unit(bed.unitId).unit.type)
          const fromUnit = b.unitId
          const fromBedId = b.bed?.id ?? ''
          this.place(b, bed)
          if (placed) b.boarding = false
          this.assignVentilator(b)
          this.emit('A02', b, { fromUnit, fromBedId })
          this.flow.transferred(b.severity)
          this.totals.transfers++
          moved = true
        }
      }
    } finally {
      this.filling = false
    }
  }
}
