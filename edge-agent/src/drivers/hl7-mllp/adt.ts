/**
 * Reads an ADT message into the few facts the census needs, deciding its acknowledgment by the
 * HL7 v2.5.1 original-mode rules (§2.9.2.2, see README "Acknowledgments"). Privacy by construction:
 * the message text lives only inside {@link readAdt}; patient identifiers are turned into pseudonyms
 * before they leave it, and names, dates of birth and addresses are never read at all. Problem texts
 * are fixed strings with segment/field positions, never field contents.
 */
import { SEVERITIES, type Severity } from '@rhn/protocols'
import { type Er7, componentOf, fieldOf, repetitionsOf, splitEr7, unescapeEr7 } from '@rhn/protocols'
import type { Pseudonym, PatientIdentifier } from './pseudonym.js'

/** ADT triggers the census acts on (HL7 v2.5.1 §3.3): admit, transfer, discharge, update. */
export const ADT_EVENTS = ['A01', 'A02', 'A03', 'A08'] as const
/** One of {@link ADT_EVENTS}. */
export type AdtEventType = (typeof ADT_EVENTS)[number]

/** MSH-12 versions accepted: the feed is specified as v2.5.1 (firmware-sim README); others are AR 203. */
export const SUPPORTED_VERSIONS: readonly string[] = ['2.5.1']
/** MSH-11 processing ids accepted: production only, so training or debug traffic never reaches the census. */
export const SUPPORTED_PROCESSING_IDS: readonly string[] = ['P']
/** OBX-3.1 of the severity observation: SNOMED CT 246112005 "Severity". */
export const SEVERITY_OBSERVATION = '246112005'
/** SNOMED CT severity qualifiers, for senders without the RHN alternate code in OBX-5.4. */
const SNOMED_SEVERITY: Readonly<Record<string, Severity>> = { '255604002': 'mild', '24484000': 'severe', '442452003': 'critical' }

/** MSH values an acknowledgment echoes (§2.15.8 MSA-2, swapped MSH-3..6). None of them describes a patient. */
export interface AckHeader {
  sendingApplication: string
  sendingFacility: string
  receivingApplication: string
  receivingFacility: string
  /** MSH-10, echoed in MSA-2. */
  controlId: string
  /** MSH-11.1. */
  processingId: string
  /** MSH-9.2, echoed in the ACK's MSH-9. */
  trigger: string
}

/** HL7 table 0357 message error condition codes used here. */
export const HL7_ERROR = {
  SegmentSequence: 100,
  RequiredFieldMissing: 101,
  DataType: 102,
  UnsupportedMessageType: 200,
  UnsupportedEventCode: 201,
  UnsupportedProcessingId: 202,
  UnsupportedVersionId: 203,
  ApplicationInternalError: 207,
} as const

/** Why a message is not accepted: AR (rejected before processing) or AE (error in its content). */
export interface AdtProblem {
  ack: 'AE' | 'AR'
  /** HL7 table 0357 code (ERR-3). */
  hl7Code: number
  /** A fixed sentence with positions only (MSA-3, ERR-8, logs). */
  text: string
  /** ERR-2 error location, e.g. `PID^1^3`. */
  location?: string
  /** Present once MSH could be read. */
  header?: AckHeader
}

/** What the census needs from one ADT message: no name, no date of birth, no address, no raw identifier. */
export interface AdtFacts {
  header: AckHeader
  event: AdtEventType
  patient: Pseudonym
  /** PV1-3.1 point of care (a ward code, not a person). */
  pointOfCare: string
  /** PV1-6.1, the prior point of care of an A02. */
  priorPointOfCare?: string
  severity?: Severity
}

/** Either facts to process or the reason for AE/AR. */
export type AdtOutcome = { ok: true; facts: AdtFacts } | { ok: false; problem: AdtProblem }

const fail = (ack: 'AE' | 'AR', hl7Code: number, text: string, header?: AckHeader, location?: string): AdtOutcome => ({
  ok: false,
  problem: { ack, hl7Code, text, ...(header === undefined ? {} : { header }), ...(location === undefined ? {} : { location }) },
})

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Reads MSH of already split text; exported for answering oversized frames from their head. */
export function readHeader(m: Er7): AckHeader {
  const msh = m.segments[0]
  const d = m.delimiters
  const first = (n: number): string => unescapeEr7(componentOf(fieldOf(msh, n), 1, d), d)
  return {
    sendingApplication: first(3),
    sendingFacility: first(4),
    receivingApplication: first(5),
    receivingFacility: first(6),
    controlId: unescapeEr7(fieldOf(msh, 10), d),
    processingId: first(11),
    trigger: unescapeEr7(componentOf(fieldOf(msh, 9), 2, d), d),
  }
}

/**
 * Decodes and checks one frame body. `pseudonymise` receives each PID-3 identifier and must return
 * its keyed pseudonym; the raw value is not kept anywhere else.
 */
export function readAdt(body: Buffer, pseudonymise: (id: PatientIdentifier) => Pseudonym): AdtOutcome {
  let text: string
  try {
    text = decoder.decode(body)
  } catch {
    return fail('AR', HL7_ERROR.DataType, 'message is not UTF-8 text')
  }
  const m = splitEr7(text)
  // §2.9.2.2 a: MSH must be readable before anything else; without it nothing can be accepted.
  if (m === undefined) return fail('AR', HL7_ERROR.SegmentSequence, 'message does not begin with an MSH segment', undefined, 'MSH^1')
  const h = readHeader(m)
  const d = m.delimiters
  const msh = m.segments[0]
  // §2.9.2.2 a: MSH-12 version, MSH-11 processing id and MSH-9 message type must be acceptable, else AR.
  const version = componentOf(fieldOf(msh, 12), 1, d)
  if (!SUPPORTED_VERSIONS.includes(version)) return fail('AR', HL7_ERROR.UnsupportedVersionId, `MSH-12 version is not ${SUPPORTED_VERSIONS.join(' or ')}`, h, 'MSH^1^12')
  if (!SUPPORTED_PROCESSING_IDS.includes(h.processingId)) return fail('AR', HL7_ERROR.UnsupportedProcessingId, 'MSH-11 processing id is not P (production)', h, 'MSH^1^11')
  if (componentOf(fieldOf(msh, 9), 1, d) !== 'ADT') return fail('AR', HL7_ERROR.UnsupportedMessageType, 'MSH-9 message type is not ADT', h, 'MSH^1^9^1^1')
  if (!(ADT_EVENTS as readonly string[]).includes(h.trigger)) return fail('AR', HL7_ERROR.UnsupportedEventCode, `MSH-9 trigger event is not one of ${ADT_EVENTS.join(' ')}`, h, 'MSH^1^9^1^2')
  if (h.controlId === '') return fail('AR', HL7_ERROR.RequiredFieldMissing, 'MSH-10 message control id is empty', h, 'MSH^1^10')
  // §2.9.2.2 b: the message is the application's now; errors in its content are AE.
  const bad = m.segments.findIndex((s) => !/^[A-Z][A-Z0-9]{2}$/.test(s[0] ?? ''))
  if (bad >= 0) return fail('AE', HL7_ERROR.SegmentSequence, `segment ${bad + 1} has no valid segment id`, h)
  const pid = m.segments.find((s) => s[0] === 'PID')
  const pv1 = m.segments.find((s) => s[0] === 'PV1')
  if (pid === undefined) return fail('AE', HL7_ERROR.SegmentSequence, 'required PID segment is missing', h, 'PID')
  if (pv1 === undefined) return fail('AE', HL7_ERROR.SegmentSequence, 'required PV1 segment is missing', h, 'PV1')
  const patient = preferredPseudonym(m, pid, pseudonymise)
  if (patient === undefined) return fail('AE', HL7_ERROR.RequiredFieldMissing, 'PID-3 has no patient identifier', h, 'PID^1^3')
  const pointOfCare = unescapeEr7(componentOf(fieldOf(pv1, 3), 1, d), d).trim()
  if (pointOfCare === '') return fail('AE', HL7_ERROR.RequiredFieldMissing, 'PV1-3.1 point of care is empty', h, 'PV1^1^3^1^1')
  const prior = unescapeEr7(componentOf(fieldOf(pv1, 6), 1, d), d).trim()
  const severity = severityOf(m)
  const facts: AdtFacts = {
    header: h,
    event: h.trigger as AdtEventType,
    patient,
    pointOfCare,
    ...(prior === '' ? {} : { priorPointOfCare: prior }),
    ...(severity === undefined ? {} : { severity }),
  }
  return { ok: true, facts }
}

/**
 * Pseudonymises every PID-3 identifier (CX: id ^ ^ ^ authority ^ type) and picks the patient key:
 * the NHS number (type NH) when present, since it follows the patient across hospitals, else the
 * MRN (type MR), else the first identifier.
 */
function preferredPseudonym(m: Er7, pid: readonly string[], pseudonymise: (id: PatientIdentifier) => Pseudonym): Pseudonym | undefined {
  const d = m.delimiters
  const keyed = repetitionsOf(fieldOf(pid, 3), d)
    .map((cx) => {
      const value = unescapeEr7(componentOf(cx, 1, d), d).replace(/\s+/g, '')
      const authority = unescapeEr7(componentOf(cx, 4, d).split(d.subcomponent)[0] ?? '', d)
      const type = unescapeEr7(componentOf(cx, 5, d), d)
      // An NHS number is national: the same pseudonym whatever authority a sender wrote beside it.
      return value === '' ? undefined : { type, pseudonym: pseudonymise({ value, authority: type === 'NH' ? 'NHS' : authority, type }) }
    })
    .filter((k) => k !== undefined)
  return (keyed.find((k) => k.type === 'NH') ?? keyed.find((k) => k.type === 'MR') ?? keyed[0])?.pseudonym
}

/** Severity from OBX 246112005: the RHN code in OBX-5.4, else the SNOMED CT code in OBX-5.1. */
function severityOf(m: Er7): Severity | undefined {
  const d = m.delimiters
  const obx = m.segments.find((s) => s[0] === 'OBX' && componentOf(fieldOf(s, 3), 1, d) === SEVERITY_OBSERVATION)
  if (obx === undefined) return undefined
  const value = fieldOf(obx, 5)
  const rhn = componentOf(value, 4, d).toLowerCase()
  return (SEVERITIES as readonly string[]).includes(rhn) ? (rhn as Severity) : SNOMED_SEVERITY[componentOf(value, 1, d)]
}
