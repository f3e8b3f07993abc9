/** A patient's state inside the model, and the draws that shape their stay. */
import { type Scenario, SEVERITIES, type Severity, type UnitType } from '@rhn/protocols'
import type { Rng } from '../rng.js'
import { lengthBiasedLognormal, lognormalWithMean } from './draws.js'
import type { BedSlot, VentilatorSlot } from './layout.js'
import { SHORT_STAY_HOURS, STEP_DOWN_FRACTION } from './placement.js'
import type { Condition, PatientClass, SyntheticPatient } from './types.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** One patient in hospital, as the model tracks them. */
export interface PatientState {
  readonly identity: SyntheticPatient
  readonly condition: Condition
  /** Admission order, for first-come-first-served queues. */
  readonly seq: number
  severity: Severity
  patientClass: PatientClass
  /** Unit the patient is in (ED while boarding). */
  unitId: string
  /** Bed they lie on; undefined while boarding in an ED corridor. */
  bed: BedSlot | undefined
  /** Waiting in ED for a bed in one of `wants`. */
  boarding: boolean
  /** Unit types to place the patient in, best first (while boarding). */
  wants: readonly UnitType[]
  needsVentilator: boolean
  ventilator: VentilatorSlot | undefined
  /** Virtual ms since 1970 the patient goes home. */
  dischargeAt: number
  /** Virtual ms since 1970 the patient's severity improves (critical and severe only). */
  stepDownAt: number | undefined
}

/** When a stay ends and when its step-down falls, virtual ms since 1970. */
export interface StayTimes {
  admittedAt: number
  dischargeAt: number
  stepDownAt: number | undefined
}

/** A new admission's stay: log-normal around the scenario's mean length of stay for the severity. */
export function drawStay(rng: Rng, scenario: Scenario, severity: Severity, now: number): StayTimes {
  const stayMs = lognormalWithMean(rng, scenario.lengthOfStayDays[severity]) * DAY_MS
  const f = STEP_DOWN_FRACTION[severity]
  return { admittedAt: now, dischargeAt: now + stayMs, stepDownAt: f === undefined ? undefined : now + f * stayMs }
}

/**
 * The stay of a patient already in at start: a length-biased stay (patients caught in a bed at a
 * random instant have the longer stays, `lengthBiasedLognormal`), a uniform fraction of the way
 * through it; a step-down already due happens
 * soon after start instead. ED attendances and recovery patients have short stays and go home.
 */
export function drawBaselineStay(rng: Rng, scenario: Scenario, severity: Severity, unitType: UnitType, now: number): StayTimes {
  const shortHours = SHORT_STAY_HOURS[unitType]
  if (shortHours !== undefined) {
    return { admittedAt: now - rng.exponential(shortHours * HOUR_MS), dischargeAt: now + rng.exponential(shortHours * HOUR_MS), stepDownAt: undefined }
  }
  const stayMs = lengthBiasedLognormal(rng, scenario.lengthOfStayDays[severity]) * DAY_MS
  const admittedAt = now - rng.uniform(0, stayMs)
  const dischargeAt = admittedAt + stayMs
  const f = STEP_DOWN_FRACTION[severity]
  let stepDownAt = f === undefined ? undefined : admittedAt + f * stayMs
  if (stepDownAt !== undefined && stepDownAt <= now) stepDownAt = now + rng.uniform(0, (dischargeAt - now) / 2)
  return { admittedAt, dischargeAt, stepDownAt }
}

/** Queue order: critical before severe before mild, then first come first served. */
export function byPriority(a: PatientState, b: PatientState): number {
  return SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.seq - b.seq
}

/** Patients per unit by severity (boarders count in ED): what drives PPE use. */
export function censusByUnit(patients: Iterable<PatientState>): Map<string, Record<Severity, number>> {
  const m = new Map<string, Record<Severity, number>>()
  for (const p of patients) {
    let r = m.get(p.unitId)
    if (r === undefined) m.set(p.unitId, (r = { mild: 0, severe: 0, critical: 0 }))
    r[p.severity]++
  }
  return m
}
