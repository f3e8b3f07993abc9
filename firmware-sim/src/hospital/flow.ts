/**
 * Patient-flow counts written to the hospital's ADT-feed components (`PatientFlow/...`): census by
 * severity now, and admissions, discharges and transfers since midnight. Counts only, never a
 * patient key (DESIGN.md "Patient flow never carries a direct identifier").
 */
import { type PatientFlowMeasure, patientFlowMetricName, SEVERITIES, type Severity } from '@rhn/protocols'
import type { Clock } from '../clock.js'
import type { SimComponent } from './component.js'

const DAY_MS = 86_400_000

const zero = (): Record<Severity, number> => ({ mild: 0, severe: 0, critical: 0 })

/** Keeps the counts and writes them on every change. */
export class PatientFlowCounters {
  /** Patients in hospital now, by severity. */
  readonly census = zero()
  private daily = new Map<PatientFlowMeasure, Record<Severity, number>>()
  private day: number

  constructor(
    private readonly feeds: readonly SimComponent[],
    private readonly clock: Clock,
  ) {
    this.day = this.dayOf(clock.now())
  }

  /** A patient of `severity` is admitted (`initial`: already in at start, so not today's admission). */
  admitted(severity: Severity, initial = false): void {
    this.census[severity]++
    if (!initial) this.bump('Admissions', severity)
    this.publish()
  }

  /** A patient of `severity` goes home. */
  discharged(severity: Severity): void {
    this.census[severity]--
    this.bump('Discharges', severity)
    this.publish()
  }

  /** A transfer between units of this hospital: out of one unit and into another. */
  transferred(severity: Severity): void {
    this.bump('TransfersOut', severity)
    this.bump('TransfersIn', severity)
    this.publish()
  }

  /** A patient's severity changes in place. */
  severityChanged(from: Severity, to: Severity): void {
    this.census[from]--
    this.census[to]++
    this.publish()
  }

  /** Writes every count; resets the daily counters after midnight (UTC = UK winter time). */
  publish(): void {
    this.rollDay()
    const total = (r: Record<Severity, number>) => SEVERITIES.reduce((s, k) => s + r[k], 0)
    for (const feed of this.feeds) {
      feed.set(patientFlowMetricName('Census'), total(this.census))
      for (const s of SEVERITIES) feed.set(patientFlowMetricName('Census', s), this.census[s])
      for (const m of ['Admissions', 'Discharges', 'TransfersIn', 'TransfersOut'] as const) {
        const r = this.daily.get(m) ?? zero()
        feed.set(patientFlowMetricName(m), total(r))
        for (const s of SEVERITIES) feed.set(patientFlowMetricName(m, s), r[s])
      }
    }
  }

  private bump(measure: PatientFlowMeasure, severity: Severity): void {
    this.rollDay()
    const r = this.daily.get(measure) ?? zero()
    r[severity]++
    this.daily.set(measure, r)
  }

  private rollDay(): void {
    const today = this.dayOf(this.clock.now())
    if (today !== this.day) {
      this.day = today
      this.daily = new Map()
    }
  }

  private dayOf(ms: number): number {
    return Math.floor(ms / DAY_MS)
  }
}
