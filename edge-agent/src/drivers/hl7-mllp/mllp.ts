/**
 * MLLP deframing for the listener (HL7 v2.5.1 Appendix C, Minimal Lower Layer Protocol release 1):
 * a block is `<SB=0x0B> data <EB=0x1C><CR=0x0D>`. One TCP read may hold several frames, part of one,
 * or bytes between frames; a start block inside an unfinished frame abandons it and starts a new one
 * (the receiver resynchronises on the next start block).
 */

/** Start block, 0x0B (VT). */
export const MLLP_START = 0x0b
/** End block, 0x1C (FS), followed by {@link MLLP_END_CR}. */
export const MLLP_END = 0x1c
/** Carriage return closing the block, 0x0D. */
export const MLLP_END_CR = 0x0d
/** Bytes of an oversized frame kept to read its MSH for the rejection: an MSH is well under 1 KiB. */
const OVERSIZE_HEAD_BYTES = 1024

/** What the deframer found in the stream. */
export type MllpEvent =
  | { kind: 'frame'; body: Buffer }
  /** A frame longer than maxMessageBytes: its body was dropped, `head` kept to answer it. */
  | { kind: 'oversize'; head: Buffer; bytes: number }
  /** A start block arrived before the end block of the frame in progress: that frame is lost. */
  | { kind: 'unterminated'; bytes: number }
  /** Bytes outside any frame (other than line breaks), dropped. */
  | { kind: 'outside'; bytes: number }

/** Whitespace a sender may put between frames (a CR after FS arriving late, CR LF): not garbage. */
const isGap = (b: number): boolean => b === 0x0d || b === 0x0a || b === 0x20

/** Splits a byte stream into MLLP frame bodies, bounded by `maxMessageBytes`. */
export class MllpDeframer {
  private inFrame = false
  private parts: Buffer[] = []
  private size = 0
  private oversize = false

  constructor(private readonly maxMessageBytes: number) {}

  /** Adds received bytes; returns what they complete, in order. */
  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = []
    let at = 0
    while (at < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(MLLP_START, at)
        const gapEnd = start < 0 ? chunk.length : start
        let junk = 0
        for (let i = at; i < gapEnd; i++) if (!isGap(chunk[i]!)) junk++
        if (junk > 0) events.push({ kind: 'outside', bytes: junk })
        if (start < 0) return events
        this.begin()
        at = start + 1
        continue
      }
      const end = chunk.indexOf(MLLP_END, at)
      const restart = chunk.indexOf(MLLP_START, at)
      if (restart >= 0 && (end < 0 || restart < end)) {
        this.append(chunk.subarray(at, restart))
        events.push({ kind: 'unterminated', bytes: this.size })
        this.begin()
        at = restart + 1
        continue
      }
      if (end < 0) {
        this.append(chunk.subarray(at))
        return events
      }
      this.append(chunk.subarray(at, end))
      events.push(this.finish())
      at = end + 1 // the CR after FS, if here, is skipped as a gap
    }
    return events
  }

  /** The connection closed: a frame in progress is unterminated (undefined when none). */
  close(): MllpEvent | undefined {
    if (!this.inFrame) return undefined
    const bytes = this.size
    this.begin()
    this.inFrame = false
    return { kind: 'unterminated', bytes }
  }

  private begin(): void {
    this.inFrame = true
    this.parts = []
    this.size = 0
    this.oversize = false
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.size += bytes.length
    if (this.oversize) return
    this.parts.push(Buffer.from(bytes))
    if (this.size > this.maxMessageBytes) {
      // Keep only the head (for MSH): the rest is never buffered, so a sender cannot exhaust memory.
      this.oversize = true
      this.parts = [Buffer.concat(this.parts).subarray(0, OVERSIZE_HEAD_BYTES)]
    }
  }

  private finish(): MllpEvent {
    this.inFrame = false
    const body = Buffer.concat(this.parts)
    const event: MllpEvent = this.oversize ? { kind: 'oversize', head: body, bytes: this.size } : { kind: 'frame', body }
    this.parts = []
    this.size = 0
    this.oversize = false
    return event
  }
}

/** Wraps text (UTF-8) in one MLLP block. */
export function frameMllp(text: string): Buffer {
  return Buffer.concat([Buffer.of(MLLP_START), Buffer.from(text, 'utf8'), Buffer.of(MLLP_END, MLLP_END_CR)])
}
