/**
 * The gossip envelope of the blocks topic. One tag byte, then the payload:
 *
 * | tag | payload |
 * |---|---|
 * | 0x01 block | the block's canonical bytes (`encodeBlock`) |
 * | 0x02 evidence | u32 big-endian length of block A, A's bytes, B's bytes |
 *
 * Binary framing rather than JSON around JSON: the block bytes go to `decodeBlock` untouched (no
 * base64, no re-encoding), and the sync protocol carries the same block bytes without the envelope.
 */
import type { Block } from '../interface.js'
import { encodeBlock } from '../chain/block.js'

/** Tag of a fresh block. */
export const TAG_BLOCK = 0x01
/** Tag of equivocation evidence (two blocks at one chain and height). */
export const TAG_EVIDENCE = 0x02

/** A decoded envelope, its blocks still as bytes (decoded and verified by the node). */
export type Envelope =
  | { type: 'block'; block: Uint8Array }
  | { type: 'evidence'; a: Uint8Array; b: Uint8Array }

/** The envelope of a fresh block. */
export function blockMessage(block: Block): Uint8Array {
  const bytes = encodeBlock(block)
  const out = new Uint8Array(1 + bytes.byteLength)
  out[0] = TAG_BLOCK
  out.set(bytes, 1)
  return out
}

/** The envelope of equivocation evidence. */
export function evidenceMessage(a: Block, b: Block): Uint8Array {
  const ab = encodeBlock(a)
  const bb = encodeBlock(b)
  const out = new Uint8Array(5 + ab.byteLength + bb.byteLength)
  out[0] = TAG_EVIDENCE
  new DataView(out.buffer).setUint32(1, ab.byteLength)
  out.set(ab, 5)
  out.set(bb, 5 + ab.byteLength)
  return out
}

/** Splits an envelope; a sentence naming what is wrong when it is not one. Never throws. */
export function openEnvelope(data: Uint8Array): Envelope | string {
  if (data.byteLength < 2) return `message of ${data.byteLength} bytes is too short for an envelope`
  const tag = data[0]
  if (tag === TAG_BLOCK) return { type: 'block', block: data.subarray(1) }
  if (tag === TAG_EVIDENCE) {
    if (data.byteLength < 5) return 'evidence message is too short for its length prefix'
    const len = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1)
    if (len === 0 || 5 + len >= data.byteLength) return `evidence message declares block A of ${len} bytes in ${data.byteLength - 5}`
    return { type: 'evidence', a: data.subarray(5, 5 + len), b: data.subarray(5 + len) }
  }
  return `unknown envelope tag 0x${(tag ?? 0).toString(16).padStart(2, '0')}`
}
