/**
 * Message sequence numbers (`seq`) and birth/death sequence numbers (`bdSeq`), both 0..255.
 *
 * - seq: [tck-id-payloads-nbirth-seq] every NBIRTH carries seq 0; every later message of the edge
 *   node (NDATA, DBIRTH, DDATA, DDEATH) carries the previous seq + 1, and 0 after 255
 *   [tck-id-payloads-sequence-num-incrementing]. NDEATH carries none [tck-id-payloads-ndeath-seq].
 * - bdSeq: the NBIRTH's `bdSeq` metric equals the `bdSeq` of the Will (NDEATH) registered in the
 *   same MQTT CONNECT [tck-id-payloads-nbirth-bdseq] [tck-id-topics-nbirth-bdseq-matching]; each new
 *   CONNECT uses the previous bdSeq + 1, 0 after 255. A host accepts an NDEATH only when its bdSeq
 *   matches the current NBIRTH's (spec §7.2 "Edge Node Session Termination").
 */
import { ProtocolError } from '../errors/protocol-error.js'

/** Number of distinct seq and bdSeq values: both wrap from 255 to 0 (spec §6.4.5). */
export const SEQ_MODULUS = 256

/** Throws RHN_PROTO_SEQ_INVALID unless `value` is an integer 0..255; `what` names the field. */
export function assertSeq(value: number | bigint, what = 'seq'): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= SEQ_MODULUS) {
    throw new ProtocolError('RHN_PROTO_SEQ_INVALID', `${what} ${String(value)} is outside 0..255`)
  }
}

/** The seq (or bdSeq) that follows `value`: +1, and 0 after 255. */
export function nextSeq(value: number): number {
  assertSeq(value)
  return (value + 1) % SEQ_MODULUS
}

/** Result of {@link checkSeq}: in order, or a gap with how many messages were missed. */
export type SeqCheck = { ok: true } | { ok: false; expected: number; received: number; missed: number }

/**
 * Host-side gap detection: is `received` the seq that follows `previous`? On a gap, `missed` is how
 * many messages were skipped (modulo 256), so a host can decide to ask for a rebirth.
 */
export function checkSeq(previous: number, received: number): SeqCheck {
  assertSeq(received, 'received seq')
  const expected = nextSeq(previous)
  if (received === expected) return { ok: true }
  return { ok: false, expected, received, missed: (received - expected + SEQ_MODULUS) % SEQ_MODULUS }
}

/** Edge-side seq counter for one edge node session; each Edge Node owns its own instance. */
export class SeqCounter {
  #next = 0

  /** Restarts the sequence for an NBIRTH: the next {@link SeqCounter.next} returns 0. */
  reset(): void {
    this.#next = 0
  }

  /** The seq to put in the next message, advancing the counter (…, 254, 255, 0, 1, …). */
  next(): number {
    const seq = this.#next
    this.#next = (seq + 1) % SEQ_MODULUS
    return seq
  }

  /** The seq the next message will carry, without advancing. */
  peek(): number {
    return this.#next
  }
}

/** The bdSeq for the next MQTT CONNECT after one that used `previous` (wraps 255 → 0). */
export function nextBdSeq(previous: number): number {
  assertSeq(previous, 'bdSeq')
  return (previous + 1) % SEQ_MODULUS
}

/**
 * True when an NDEATH belongs to the session that NBIRTH opened: both carry the same bdSeq.
 * A host ignores an NDEATH whose bdSeq differs (a stale Will of an earlier connection).
 */
export function bdSeqMatches(birthBdSeq: number, deathBdSeq: number): boolean {
  assertSeq(birthBdSeq, 'NBIRTH bdSeq')
  assertSeq(deathBdSeq, 'NDEATH bdSeq')
  return birthBdSeq === deathBdSeq
}
