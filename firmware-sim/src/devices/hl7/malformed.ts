/**
 * Malformed messages for the `hl7-malformed` fault: what a broken interface engine puts on the wire.
 * Each is built from a valid A08 for an obviously synthetic patient and then broken one way, with
 * every choice drawn from the rng so one seed gives the same bytes.
 */
import type { Rng } from '../../rng.js'
import { type AdtHeader, adtSegments, mshSegment } from './adt-message.js'
import { SEGMENT_SEPARATOR } from '@rhn/protocols'
import { MLLP_END, MLLP_START, frameMllp } from './mllp.js'
import type { AdtEvent, MalformedKind } from './types.js'

/** Every kind, in the order `sendMalformed` cycles through them. */
export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'missing-msh',
  'truncated-message',
  'unterminated-frame',
  'bad-segment',
  'wrong-version',
  'garbage',
]

/** One malformed message ready for the wire. */
export interface MalformedMessage {
  kind: MalformedKind
  /** MSH-10 where the message still has one (empty for `missing-msh` and `garbage`). */
  controlId: string
  /** The bytes to write, framing included (or deliberately not, for `unterminated-frame`). */
  wire: Buffer
  /** False when no listener can answer: an unterminated frame never completes. */
  expectsReply: boolean
}

/** A patient no one could mistake for a real one (NHS number in the 999 test range). */
const probe = (rng: Rng, at: number): AdtEvent => ({
  type: 'A08',
  at,
  patient: {
    mrn: `ZZ${String(rng.int(1_000_000)).padStart(6, '0')}`,
    nhsNumber: '9990000018',
    givenName: 'MALFORMED',
    familyName: 'TEST',
    dateOfBirth: '1970-01-01',
    sex: 'U',
    address: { street: '1 Test Street', city: 'Nowhere', postcode: 'ZZ99 3ZZ' },
  },
  patientClass: 'I',
  toUnit: 'TEST',
  severity: 'mild',
  condition: { code: 'R69', display: 'Illness, unspecified' },
})

/** Bytes that are neither MLLP block characters nor valid HL7 (invalid UTF-8 included). */
function garbageBytes(rng: Rng): Buffer {
  const out = Buffer.alloc(16 + rng.int(240))
  for (let i = 0; i < out.length; i++) {
    let b = rng.int(256)
    if (b === MLLP_START || b === MLLP_END) b = 0xff
    out[i] = b
  }
  return out
}

/** Builds one malformed message of `kind`; `h` supplies the header of the (broken) message. */
export function buildMalformed(kind: MalformedKind, h: AdtHeader, rng: Rng): MalformedMessage {
  const segments = adtSegments(probe(rng, h.messageTime), h)
  const text = (segs: readonly string[]): string => segs.join(SEGMENT_SEPARATOR) + SEGMENT_SEPARATOR
  const framed = (segs: readonly string[], controlId = h.controlId): MalformedMessage => ({ kind, controlId, wire: frameMllp(text(segs)), expectsReply: true })
  switch (kind) {
    case 'missing-msh':
      return framed(segments.slice(1), '')
    case 'truncated-message': {
      // Cut inside PID: the required PV1 never comes.
      const whole = text(segments.slice(0, 3))
      const cut = whole.length - 1 - rng.int(Math.max(1, segments[2]!.length - 4))
      return { kind, controlId: h.controlId, wire: frameMllp(whole.slice(0, cut)), expectsReply: true }
    }
    case 'unterminated-frame': {
      // A start block and part of a message, never an end block: the listener must resynchronise
      // on the next start block.
      const whole = Buffer.from(text(segments), 'utf8')
      return { kind, controlId: h.controlId, wire: Buffer.concat([Buffer.of(MLLP_START), whole.subarray(0, 20 + rng.int(whole.length - 40))]), expectsReply: false }
    }
    case 'bad-segment': {
      const bad = rng.pick(['P!D', 'pv1', 'PV', 'THIS IS NOT A SEGMENT'])
      const i = 2 + rng.int(segments.length - 2)
      const broken = [...segments]
      broken[i] = bad.includes(' ') ? bad : bad + segments[i]!.slice(3)
      return framed(broken)
    }
    case 'wrong-version':
      return framed([mshSegment('A08', h, rng.pick(['3.0', '9.9', '25.1'])), ...segments.slice(1)])
    case 'garbage':
      return { kind, controlId: '', wire: frameMllp(garbageBytes(rng)), expectsReply: true }
  }
}
