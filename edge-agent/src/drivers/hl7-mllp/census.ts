/**
 * Patient flow per unit from ADT facts: census now by severity, and admissions, discharges and
 * transfers in/out since local midnight (the catalogue's `PatientFlow/*` meanings). Patients are known
 * only by pseudonym, and only the counts leave this class.
 */
import { PATIENT_FLOW_MEASURES, type PatientFlowMeasure, SEVERITIES, type Severity } from '@rhn/protocols'
import type { AdtFacts } from './adt.js'
import type { Pseudonym } from './pseudonym.js'

/** Where patients of an unmapped point of care are counted (config `unitMap`). */
export const UNASSIGNED = 'unassigned'

/** Counts of one measure: every patient, and by severity (patients of unknown severity count only in `all`). */
export type Bucket = Record<Severity | 'all', number>
/** All measures of one unit. */
export type UnitCounts = Record<PatientFlowMeasure, Bucket>

const bucket = (): Bucket => ({ all: 0, mild: 0, severe: 0, critical: 0 })
const unitCounts = (): UnitCounts => Object.fromEntries(PATIENT_FLOW_MEASURES.map((m) => [m, bucket()])) as UnitCounts
const DAILY: readonly PatientFlowMeasure[] = PATIENT_FLOW_MEASURES.filter((m) => m !== 'Census')

/** Local calendar day of `ms` (the catalogue counts "since local midnight"). */
const dayOf = (ms: number): string => {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

interface Stay {
  unit: string
  severity: Severity | undefined
}

/** The census of one ADT feed. */
export class Census {
  private readonly stays = new Map<Pseudonym, Stay>()
  private readonly units = new Map<string, UnitCounts>()
  private day: string

  constructor(
    private readonly unitMap: Readonly<Record<string, string>>,
    now: number,
  ) {
    this.day = dayOf(now)
  }

  /** The unit a point of care belongs to. */
  unitOf(pointOfCare: string): string {
    return Object.hasOwn(this.unitMap, pointOfCare) ? this.unitMap[pointOfCare]! : UNASSIGNED
  }

  /** Counts of `unit` (zeros when it has seen nobody). */
  countsOf(unit: string): UnitCounts {
    return this.units.get(unit) ?? unitCounts()
  }

  /** Counts of every unit summed: the whole feed. */
  totals(): UnitCounts {
    const sum = unitCounts()
    for (const c of this.units.values()) for (const m of PATIENT_FLOW_MEASURES) for (const k of Object.keys(sum[m]) as (keyof Bucket)[]) sum[m][k] += c[m][k]
    return sum
  }

  /** Units with any count, the unassigned one included. */
  unitIds(): string[] {
    return [...this.units.keys()].sort()
  }

  /** Starts a new day's flow counters after local midnight; true when it did. */
  rollDay(now: number): boolean {
    const today = dayOf(now)
    if (today === this.day) return false
    this.day = today
    for (const c of this.units.values()) for (const m of DAILY) c[m] = bucket()
    return true
  }

  /** Applies one event; returns the units whose counts changed. */
  apply(f: AdtFacts): Set<string> {
    const changed = new Set<string>()
    const prev = this.stays.get(f.patient)
    const unit = this.unitOf(f.pointOfCare)
    const severity = f.severity ?? prev?.severity
    switch (f.event) {
      case 'A01':
        if (prev !== undefined) this.leave(prev, changed) // admitted again without a discharge: move, count once
        this.enter(f.patient, { unit, severity }, changed)
        this.bump(unit, 'Admissions', severity, changed)
        break
      case 'A02': {
        const from = prev?.unit ?? (f.priorPointOfCare === undefined ? undefined : this.unitOf(f.priorPointOfCare))
        if (prev !== undefined) this.leave(prev, changed)
        this.enter(f.patient, { unit, severity }, changed)
        // A bed move inside one unit is no transfer between units.
        if (from !== undefined && from !== unit) {
          this.bump(from, 'TransfersOut', severity, changed)
          this.bump(unit, 'TransfersIn', severity, changed)
        }
        break
      }
      case 'A03': {
        const from = prev?.unit ?? unit
        if (prev !== undefined) this.leave(prev, changed)
        this.stays.delete(f.patient)
        this.bump(from, 'Discharges', severity, changed)
        break
      }
      case 'A08':
        // An update may be the first we hear of a patient admitted before the agent started.
        if (prev !== undefined) this.leave(prev, changed)
        this.enter(f.patient, { unit, severity }, changed)
        break
    }
    return changed
  }

  private enter(patient: Pseudonym, stay: Stay, changed: Set<string>): void {
    this.stays.set(patient, stay)
    this.add(stay.unit, 'Census', stay.severity, 1, changed)
  }

  private leave(stay: Stay, changed: Set<string>): void {
    this.add(stay.unit, 'Census', stay.severity, -1, changed)
  }

  private bump(unit: string, measure: PatientFlowMeasure, severity: Severity | undefined, changed: Set<string>): void {
    this.add(unit, measure, severity, 1, changed)
  }

  private add(unit: string, measure: PatientFlowMeasure, severity: Severity | undefined, n: number, changed: Set<string>): void {
    let c = this.units.get(unit)
    if (c === undefined) {
      c = unitCounts()
      this.units.set(unit, c)
    }
    c[measure].all += n
    if (severity !== undefined) c[measure][severity] += n
    changed.add(unit)
  }
}

/** Every severity, for callers building metric names. */
export const FLOW_SEVERITIES: readonly Severity[] = SEVERITIES
