/**
 * Builds HL7 v2.5.1 ADT messages (ER7) from {@link AdtEvent}s.
 *
 * Condition and severity: every message carries two OBX segments, because OBX is allowed in all
 * four structures (ADT_A01 for A01/A08, ADT_A02, ADT_A03) while DG1 is not in ADT_A02 (§3.3.2):
 * - `OBX|n|CWE|29308-4^Diagnosis^LN||<ICD-10>^<text>^I10` — the condition;
 * - `OBX|n|CWE|246112005^Severity^SCT||<SNOMED>^<text>^SCT^<mild|severe|critical>^<Text>^99RHN` —
 *   the severity, SNOMED CT coded, with the RHN value as the alternate code (OBX-5.4) a receiver can match.
 * A01, A03 and A08 also carry a DG1 with the ICD-10 code (diagnosis type A admitting, F final,
 * W working), as receivers expecting a diagnosis look there. Standard segments over a Z-segment:
 * any HL7 parser reads them, and no site-specific agreement is needed.
 */
import type { Severity } from '@rhn/protocols'
import { ENCODING_CHARACTERS, SEGMENT_SEPARATOR, er7Components as components, escapeEr7 as e, hl7Date, hl7Timestamp, er7Segment as segment } from '@rhn/protocols'
import type { AdtEvent, AdtEventType } from './types.js'

/** HL7 version sent in MSH-12. */
export const HL7_VERSION = '2.5.1'
/** MSH-3 sending application. */
export const SENDING_APPLICATION = 'RHN-SIM'
/** OBX-3 of the condition: LOINC 29308-4 "Diagnosis". */
export const CONDITION_OBSERVATION = '29308-4'
/** OBX-3 of the severity: SNOMED CT 246112005 "Severity". */
export const SEVERITY_OBSERVATION = '246112005'

/** Severity as SNOMED CT qualifier values (the RHN word rides along as OBX-5.4). */
const SEVERITY_CODES: Readonly<Record<Severity, readonly [code: string, text: string, rhnText: string]>> = {
  mild: ['255604002', 'Mild', 'Mild'],
  severe: ['24484000', 'Severe', 'Severe'],
  critical: ['442452003', 'Life threatening severity', 'Critical'],
}

/** MSH-9.3 message structure per trigger (HL7 v2.5.1 §3.3: A08 reuses ADT_A01). */
const STRUCTURE: Readonly<Record<AdtEventType, string>> = { A01: 'ADT_A01', A02: 'ADT_A02', A03: 'ADT_A03', A08: 'ADT_A01' }

/** DG1-6 diagnosis type (HL7 table 0052): admitting, working, final. */
const DIAGNOSIS_TYPE: Readonly<Partial<Record<AdtEventType, string>>> = { A01: 'A', A08: 'W', A03: 'F' }

/** Header values that are not in the event. */
export interface AdtHeader {
  /** MSH-4 sending facility and MRN assigning authority (ODS code). */
  hospitalId: string
  /** MSH-5. */
  receivingApplication: string
  /** MSH-6. */
  receivingFacility: string
  /** MSH-10, unique per message. */
  controlId: string
  /** MSH-7 and EVN-2: the feed's own clock when the message is made, ms since 1970 (shows clock skew). */
  messageTime: number
  /** Added to event times (EVN-6, PV1-44/45, OBX-14), ms: the feed's clock stamped them too. Default 0. */
  clockSkewMs?: number
}

/** The MSH segment (§2.15.9); `version` is overridable only to build the `wrong-version` fault. */
export function mshSegment(type: AdtEventType, h: AdtHeader, version = HL7_VERSION): string {
  return [
    `MSH|${ENCODING_CHARACTERS}`,
    SENDING_APPLICATION,
    e(h.hospitalId),
    e(h.receivingApplication),
    e(h.receivingFacility),
    hl7Timestamp(h.messageTime),
    '',
    components('ADT', type, STRUCTURE[type]),
    e(h.controlId),
    'P', // MSH-11 processing id: production
    version,
    '',
    '',
    '', // MSH-15/16 empty: original-mode acknowledgment (§2.9.2), one ACK per message
    '',
    'GBR', // MSH-17 country
    'UNICODE UTF-8', // MSH-18 character set: names are sent as UTF-8
  ].join('|')
}

/** The segments of one ADT message, in the order of its v2.5.1 message structure. */
export function adtSegments(ev: AdtEvent, h: AdtHeader): string[] {
  const skew = h.clockSkewMs ?? 0
  const at = hl7Timestamp(ev.at + skew)
  const p = ev.patient
  const admittedAt = p.admittedAt ?? (ev.type === 'A01' ? ev.at : undefined)
  const facility = e(h.hospitalId)
  const [sevCode, sevText, rhnText] = SEVERITY_CODES[ev.severity]
  const condition = components(e(ev.condition.code), e(ev.condition.display), 'I10')

  const evn = segment('EVN', [ev.type, hl7Timestamp(h.messageTime), '', '', '', at, facility])
  const pid = segment('PID', [
    '1',
    '',
    [components(e(p.mrn), '', '', facility, 'MR'), components(e(p.nhsNumber), '', '', 'NHS', 'NH')].join('~'),
    '',
    components(e(p.familyName), e(p.givenName), '', '', '', '', 'L'),
    '',
    hl7Date(p.dateOfBirth),
    p.sex,
    '',
    '',
    components(e(p.address.street), '', e(p.address.city), '', e(p.address.postcode), 'GBR', 'H'),
  ])
  const pv1 = new Array<string>(45).fill('')
  pv1[0] = '1'
  pv1[1] = ev.patientClass
  pv1[2] = components(e(ev.toUnit), e(ev.room ?? ''), e(ev.bedId ?? ''), facility)
  if (ev.type === 'A02' && ev.fromUnit !== undefined) pv1[5] = components(e(ev.fromUnit), '', e(ev.fromBedId ?? ''), facility)
  if (p.key !== undefined) pv1[18] = components(e(p.key), '', '', facility, 'VN')
  if (admittedAt !== undefined) pv1[43] = hl7Timestamp(admittedAt + skew)
  if (ev.type === 'A03') pv1[44] = at

  const obx = [
    segment('OBX', ['1', 'CWE', components(CONDITION_OBSERVATION, 'Diagnosis', 'LN'), '', condition, '', '', '', '', '', 'F', '', '', at]),
    segment('OBX', [
      '2',
      'CWE',
      components(SEVERITY_OBSERVATION, 'Severity', 'SCT'),
      '',
      components(sevCode, sevText, 'SCT', ev.severity, rhnText, '99RHN'),
      '',
      '',
      '',
      '',
      '',
      'F',
      '',
      '',
      at,
    ]),
  ]
  const dgType = DIAGNOSIS_TYPE[ev.type]
  const dg1 = dgType === undefined ? [] : [segment('DG1', ['1', '', condition, '', at, dgType])]
  // ADT_A01/A08: … PV1 [OBX] [DG1]; ADT_A03: … PV1 [DG1] … [OBX]; ADT_A02: … PV1 [OBX].
  const tail = ev.type === 'A03' ? [...dg1, ...obx] : [...obx, ...dg1]
  return [mshSegment(ev.type, h), evn, pid, segment('PV1', pv1), ...tail]
}

/** One ADT message as ER7 text, segments ended by `\r` (§2.5.1). */
export function buildAdtMessage(ev: AdtEvent, h: AdtHeader): string {
  return adtSegments(ev, h).join(SEGMENT_SEPARATOR) + SEGMENT_SEPARATOR
}
