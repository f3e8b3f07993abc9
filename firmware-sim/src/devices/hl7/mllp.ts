/**
 * MLLP framing (HL7 v2.5.1 Appendix C, Minimal Lower Layer Protocol release 1):
 * `<VT> message <FS><CR>`, and the few ACK fields the sender needs.
 */
import type { AckCode } from './types.js'

/** Start block, 0x0B. */
export const MLLP_START = 0x0b
/** End block, 0x1C, followed by {@link MLLP_END_CR}. */
export const MLLP_END = 0x1c
/** Carriage return ending the frame, 0x0D. */
export const MLLP_END_CR = 0x0d

/** Wraps message bytes (or text, sent as UTF-8) in one MLLP frame. */
export function frameMllp(message: string | Uint8Array): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message)
  return Buffer.concat([Buffer.of(MLLP_START), body, Buffer.of(MLLP_END, MLLP_END_CR)])
}

/**
 * Splits a byte stream into MLLP frame bodies. Bytes outside a frame are dropped, and a start
 * block inside an unfinished frame starts a new frame (the receiver resynchronises, Appendix C.4.3).
 */
export class MllpDeframer {
  private buffer: Buffer = Buffer.alloc(0)

  /** Adds received bytes; returns every frame body they complete, in order. */
  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk])
    const frames: Buffer[] = []
    for (;;) {
      const start = this.buffer.indexOf(MLLP_START)
      if (start < 0) {
        this.buffer = Buffer.alloc(0)
        return frames
      }
      let end = this.buffer.indexOf(MLLP_END, start + 1)
      while (end >= 0 && end + 1 < this.buffer.length && this.buffer[end + 1] !== MLLP_END_CR) end = this.buffer.indexOf(MLLP_END, end + 1)
      const restart = this.buffer.indexOf(MLLP_START, start + 1)
      if (restart >= 0 && (end < 0 || restart < end)) {
        this.buffer = this.buffer.subarray(restart) // unfinished frame: resynchronise on the new start block
        continue
      }
      if (end < 0 || end + 1 >= this.buffer.length) {
        this.buffer = this.buffer.subarray(start)
        return frames
      }
      frames.push(Buffer.from(this.buffer.subarray(start + 1, end)))
      this.buffer = this.buffer.subarray(end + 2)
    }
  }

  /** Forgets a partial frame (after the connection closes). */
  reset(): void {
    this.buffer = Buffer.alloc(0)
  }
}

/** The acknowledgment fields the sender acts on. */
export interface ParsedAck {
  /** MSA-1. */
  code: AckCode
  /** MSA-2: the control id of the message acknowledged (may be empty when the listener could not read it). */
  controlId: string
  /** MSA-3 text message, or ERR-8 user message, when given. */
  text: string
}

const ACK_CODES: ReadonlySet<string> = new Set<AckCode>(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'])

/** Reads MSA (§2.15.8) from an ACK; `undefined` when the reply has no valid MSA. */
export function parseAck(text: string): ParsedAck | undefined {
  const segments = text.split(/\r\n|\r|\n/)
  const msh = segments.find((s) => s.startsWith('MSH'))
  const fieldSep = msh?.[3] ?? '|'
  const field = (seg: string | undefined, i: number): string => seg?.split(fieldSep)[i] ?? ''
  const msa = segments.find((s) => s.startsWith(`MSA${fieldSep}`))
  const code = field(msa, 1)
  if (msa === undefined || !ACK_CODES.has(code)) return undefined
  const errText = field(
    segments.find((s) => s.startsWith(`ERR${fieldSep}`)),
    8,
  )
  return { code: code as AckCode, controlId: field(msa, 2), text: field(msa, 3) || errText }
}

/** True for `AA`/`CA`. */
export const isAccept = (code: AckCode): boolean => code === 'AA' || code === 'CA'
