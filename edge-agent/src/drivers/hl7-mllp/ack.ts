/**
 * Original-mode acknowledgments (HL7 v2.5.1 §2.9.2.2): `ACK` with MSA (§2.15.8) and, for AE/AR, an
 * ERR segment (§2.15.5) carrying the table 0357 code, severity E and the reason. The reason also goes
 * into MSA-3 for senders that read only MSA (it is retained in v2.5.1 for backward compatibility).
 */
import type { AckHeader, AdtProblem } from './adt.js'
import { escapeEr7 } from '@rhn/protocols'

/** MSH-3 of our ACKs: the application name the feed addresses (firmware-sim's default MSH-5). */
export const ACK_APPLICATION = 'RHN-EDGE'
/** Version of our ACKs. */
const ACK_VERSION = '2.5.1'

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** DTM in UTC with an explicit offset (§2.A.22), independent of the gateway's time zone. */
export function hl7Now(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}+0000`
}

/** HL7 table 0357 texts for the ERR-3 codes we send. */
const ERROR_TEXT: Readonly<Record<number, string>> = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  207: 'Application internal error',
}

/** What one ACK says. */
export interface AckInit {
  code: 'AA' | 'AE' | 'AR'
  /** MSH of the message acknowledged, when it could be read (else MSA-2 is empty). */
  header: AckHeader | undefined
  problem?: AdtProblem
  /** Our MSH-10, unique per ACK. */
  ackControlId: string
  now: number
}

/** Builds the ER7 text of one ACK, segments ended by CR (§2.5.1). */
export function buildAck(a: AckInit): string {
  const h = a.header
  const e = escapeEr7
  const trigger = h?.trigger !== undefined && /^[A-Z0-9]{3}$/.test(h.trigger) ? `ACK^${h.trigger}^ACK` : 'ACK'
  const msh = [
    'MSH',
    '^~\\&',
    ACK_APPLICATION,
    e(h?.receivingFacility ?? ''),
    e(h?.sendingApplication ?? ''),
    e(h?.sendingFacility ?? ''),
    hl7Now(a.now),
    '',
    trigger,
    e(a.ackControlId),
    e(h?.processingId !== undefined && h.processingId !== '' ? h.processingId : 'P'),
    ACK_VERSION,
  ].join('|')
  const p = a.problem
  const msa = ['MSA', a.code, e(h?.controlId ?? ''), ...(p === undefined ? [] : [e(p.text)])].join('|')
  if (p === undefined) return `${msh}\r${msa}\r`
  // ERR-2 location, ERR-3 code^text^HL70357, ERR-4 severity E (table 0516), ERR-8 user message.
  const err = ['ERR', '', p.location ?? '', `${p.hl7Code}^${ERROR_TEXT[p.hl7Code] ?? 'Error'}^HL70357`, 'E', '', '', '', e(p.text)].join('|')
  return `${msh}\r${msa}\r${err}\r`
}
