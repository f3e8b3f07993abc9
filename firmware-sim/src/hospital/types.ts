/**
 * Public types of the hospital model: what it needs (components, init), what it emits (ADT events)
 * and what it reports (snapshots). The classes live in their own files (CONVENTIONS.md, js-libp2p).
 */
import type { Hospital, Scenario, Severity, UnitType } from '@rhn/protocols'
import type { Clock } from '../clock.js'
import type { SimComponent } from './component.js'

/** HL7 v2 ADT trigger events the model emits (HL7 v2.5 chapter 3). */
export type AdtEventType = 'A01' | 'A02' | 'A03' | 'A08'

/** PV1-2 patient class: `E` emergency (ED attendance not admitted), `I` inpatient (HL7 table 0004). */
export type PatientClass = 'E' | 'I'

/** Administrative sex, HL7 table 0001 subset used here. */
export type AdministrativeSex = 'F' | 'M'

/** The clinical reason for the stay, coded in ICD-10 (what PV2-3 / DG1 carry). */
export interface Condition {
  /** ICD-10 code, e.g. `U07.1`. */
  code: string
  /** Human-readable text, e.g. `COVID-19, virus identified`. */
  display: string
  /** True for respiratory conditions (the surge the seed paper models). */
  respiratory: boolean
}

/** A synthetic postal address: the towns and the `ZZ` postcode area do not exist. */
export interface SyntheticAddress {
  street: string
  city: string
  postcode: string
}

/**
 * A synthetic patient: identity for PID, body measures for ventilator settings and bed scales.
 * Never a real person: NHS numbers are in the 999 test range, postcodes in a non-existent area.
 */
export interface SyntheticPatient {
  /** Model-local key, `{hospital}-{n}`; stable for the stay. */
  key: string
  /** NHS number, 10 digits, `999…` test range, valid modulus-11 check digit (PID-3, authority NHS). */
  nhsNumber: string
  /** Hospital medical record number (PID-3, authority = hospital id). */
  mrn: string
  givenName: string
  familyName: string
  /** Date of birth, `YYYY-MM-DD`. */
  dateOfBirth: string
  sex: AdministrativeSex
  address: SyntheticAddress
  /** Height, cm. */
  heightCm: number
  /** Actual body weight, kg. */
  weightKg: number
  /** Admission time, virtual ms since 1970 (in the past for patients already in at start). */
  admittedAt: number
}

/**
 * One ADT event, with everything an HL7 sender needs for MSH/EVN/PID/PV1/PV2. `at` is virtual ms
 * since 1970; the point of care (PV1-3.1) is the unit id, the bed (PV1-3.3) the bed component id.
 */
export interface AdtEvent {
  type: AdtEventType
  /** Event time, virtual ms since 1970 (EVN-2). */
  at: number
  hospitalId: string
  patient: SyntheticPatient
  patientClass: PatientClass
  /** Unit the patient leaves (A02) or left (A03). */
  fromUnit?: string
  /** Bed the patient leaves (A02) or left (A03). */
  fromBedId?: string
  /** Unit the patient is in after the event (for A03 the unit discharged from). */
  toUnit: string
  /** Bed component id after the event; `''` while boarding in ED without a trolley (corridor care). */
  bedId: string
  severity: Severity
  condition: Condition
  /** On a ventilator after the event. */
  ventilated: boolean
  /** Waiting in ED for an inpatient bed (unmet demand). */
  boarding: boolean
  /** True for the A01s sent at `start()` for patients already in hospital, so a listener can build the census. */
  initial: boolean
}

/** Receives ADT events, synchronously, in event order. */
export type AdtListener = (event: AdtEvent) => void

/** What a {@link HospitalModel} needs (house rule 4: time and randomness are passed in). */
export interface HospitalModelComponents {
  /** The hospital from the registry (its units, sections and components). */
  hospital: Hospital
  scenario: Scenario
  clock: Clock
  /** Scenario seed (or `--seed`); every stream is named after the hospital, so hospitals are independent. */
  seed: number
  /** Simulated components by id; registry components without an entry here are not simulated. */
  components: ReadonlyMap<string, SimComponent>
}

/** Options; every field is optional. */
export interface HospitalModelInit {
  /**
   * Write ventilator measurements at most this often, virtual ms (default 0: every breath). Long
   * fast-forwards and tests use e.g. 60 000 so a virtual day costs thousands, not millions, of timers.
   */
  ventilatorSampleMs?: number
  /** PPE consumption step, virtual ms (default `DEFAULT_PPE_STEP_MS`, 5 min). */
  ppeStepMs?: number
}

/** Per-unit truth, the numbers end-to-end tests compare against the twin. */
export interface UnitSnapshot {
  unitId: string
  type: UnitType
  beds: { total: number; occupied: number }
  ventilators: { total: number; inUse: number }
  /** Patients admitted to another unit type who wait here (ED only). */
  boarding: number
  /** Patients in the unit by severity (boarders included). */
  census: Record<Severity, number>
  /** Items per GTIN in this unit's cabinets. */
  ppe: Record<string, number>
}

/** The whole hospital's truth at one instant. */
export interface HospitalSnapshot {
  hospitalId: string
  /** Virtual ms since 1970. */
  at: number
  units: UnitSnapshot[]
  /** Patients waiting in ED for an inpatient bed. */
  boarding: number
  /** Patients who need a ventilator and have none. */
  awaitingVentilator: number
  /** Items per GTIN over every cabinet. */
  ppe: Record<string, number>
  /** Items asked for when no cabinet of the hospital had any, per PPE item type. */
  ppeUnmet: Record<string, number>
  /** Totals since start (initial census excluded). */
  admissions: number
  discharges: number
  transfers: number
}
