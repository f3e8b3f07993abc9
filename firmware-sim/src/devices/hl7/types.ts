/**
 * Public types of the HL7 v2 ADT feed: the events it consumes, where they come from, what it needs
 * and what it counts. The sender class lives in `sender.ts` (CONVENTIONS.md, js-libp2p layout).
 */
import type { Severity } from '@rhn/protocols'
import type { Clock } from '../../clock.js'
import type { Rng } from '../../rng.js'
import type { Endpoint } from '../types.js'
import type { SimComponent } from '../../hospital/component.js'

/** ADT trigger events sent (HL7 v2.5.1 chapter 3): admit, transfer, discharge, update patient information. */
export type AdtEventType = 'A01' | 'A02' | 'A03' | 'A08'

/** PV1-2 patient class (HL7 table 0004): `E` emergency, `I` inpatient. */
export type AdtPatientClass = 'E' | 'I'

/** A synthetic patient as PID shows it. Never a real person: NHS numbers in the 999 test range. */
export interface AdtPatient {
  /** Hospital medical record number: PID-3 with assigning authority = hospital id, type `MR`. */
  mrn: string
  /** 10-digit NHS number: PID-3 with assigning authority `NHS`, type `NH`. */
  nhsNumber: string
  /** PID-5.2. */
  givenName: string
  /** PID-5.1. */
  familyName: string
  /** `YYYY-MM-DD`, sent as PID-7 `YYYYMMDD`. */
  dateOfBirth: string
  /** PID-8 administrative sex (HL7 table 0001 subset). */
  sex: 'M' | 'F' | 'U'
  /** PID-11 home address (country GBR). */
  address: { street: string; city: string; postcode: string }
  /** Admission time, virtual ms since 1970: PV1-44. Defaults to `at` for an A01. */
  admittedAt?: number
  /** Stable key of this stay, sent as PV1-19 visit number when present. */
  key?: string
}

/** The clinical reason for the stay, coded in ICD-10 (e.g. `U07.1` "COVID-19, virus identified"). */
export interface AdtCondition {
  /** ICD-10 code. */
  code: string
  /** Its text. */
  display: string
}

/**
 * One ADT event. Structurally a subset of the hospital model's event (`hospital/types.ts`), so the
 * model's events can be passed as they are; extra fields are ignored.
 */
export interface AdtEvent {
  type: AdtEventType
  /** When it happened, virtual ms since 1970 (EVN-6; PV1-45 for an A03). */
  at: number
  patient: AdtPatient
  patientClass: AdtPatientClass
  /** Point of care after the event (PV1-3.1); for an A03 the unit discharged from. */
  toUnit: string
  /** Room or bay (PV1-3.2), when known. */
  room?: string
  /** Bed (PV1-3.3); empty or absent for corridor care. */
  bedId?: string
  /** Prior point of care (PV1-6.1), sent for an A02. */
  fromUnit?: string
  /** Prior bed (PV1-6.3), sent for an A02. */
  fromBedId?: string
  severity: Severity
  condition: AdtCondition
}

/** Where ADT events come from (the hospital model, or a test): `onAdt` returns the unsubscribe function. */
export interface AdtSource {
  onAdt(listener: (event: AdtEvent) => void): () => void
}

/** Structured logger (a pino logger fits): context object first, message second. */
export interface Hl7Logger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** What the sender reads of the ADT feed component: power, reachability, clock skew (a `SimComponent` fits). */
export type AdtFeedComponent = Pick<SimComponent, 'id' | 'powered' | 'reachability' | 'clockSkewMs' | 'deviceTime'>

/** Ways `sendMalformed` breaks a message (the `hl7-malformed` fault). */
export type MalformedKind = 'missing-msh' | 'truncated-message' | 'unterminated-frame' | 'bad-segment' | 'wrong-version' | 'garbage'

/** Options of {@link Hl7AdtSender}; `endpoint`, `source`, `component` and `clock` are required. */
export interface Hl7AdtSenderInit {
  /** The target listener (the edge agent): `host`, `port`, `id`. */
  endpoint: Endpoint
  source: AdtSource
  /** The ADT feed component: while it is powered off or unreachable nothing is sent and events queue. */
  component: AdtFeedComponent
  clock: Clock
  /** MSH-4 sending facility and PID-3 MRN authority: the ODS code. Default `endpoint.hospitalId`. */
  hospitalId?: string
  /** MSH-5. Default {@link DEFAULT_RECEIVING_APPLICATION}. */
  receivingApplication?: string
  /** MSH-6. Default the hospital id (the agent runs in the same hospital). */
  receivingFacility?: string
  /** Resend when no ACK arrives within this, virtual ms. Default {@link DEFAULT_ACK_TIMEOUT_MS}. */
  ackTimeoutMs?: number
  /** Resends after ACK timeouts before a message is given up (counted). Default {@link DEFAULT_MAX_RESENDS}. */
  maxResends?: number
  /** First reconnect delay, virtual ms; doubles up to `reconnectMaxMs`. Default 1 s. */
  reconnectMinMs?: number
  /** Reconnect delay cap, virtual ms. Default 30 s. */
  reconnectMaxMs?: number
  /** How often the component's power and reachability are checked, virtual ms. Default 1 s. */
  statusPollMs?: number
  /** MSH-10 prefix; a counter follows. Default the hospital id. */
  controlIdPrefix?: string
  /** Draws malformed-message kinds and bytes, and reconnect jitter. Default a stream named after the endpoint. */
  rng?: Rng
  logger?: Hl7Logger
}

/** What the sender has done so far. */
export interface Hl7AdtSenderCounters {
  /** ADT messages written for the first time. */
  sent: number
  /** Answered `AA` (or `CA`). */
  acked: number
  /** Retransmissions: after an ACK timeout, or after the connection dropped with the message unanswered. */
  resent: number
  /** Answered `AE`/`AR` (or `CE`/`CR`): logged, counted, not resent. */
  rejected: number
  /** Unanswered after `maxResends` resends: logged, counted, skipped. */
  givenUp: number
  /** Malformed messages written (`hl7-malformed`). */
  malformedSent: number
  /** Malformed messages the listener answered with `AE`/`AR`. */
  malformedRejected: number
  /** Messages waiting, including the one awaiting its ACK. */
  queued: number
}

/** MSA-1 acknowledgment codes (HL7 table 0008), original and enhanced mode. */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR'

/** MSH-5 default: the edge agent's HL7 listener. */
export const DEFAULT_RECEIVING_APPLICATION = 'RHN-EDGE'
/** 10 s: a common interface-engine ACK timeout, and the scenario schema's `hl7.ackTimeoutMs` default. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000
/** 3: the scenario schema's `hl7.maxResends` default. */
export const DEFAULT_MAX_RESENDS = 3
