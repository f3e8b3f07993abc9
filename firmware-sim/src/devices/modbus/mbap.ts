import { MAX_PDU_BYTES, MBAP_HEADER_BYTES, MODBUS_PROTOCOL_ID } from './codes.js'

/** One Modbus TCP ADU: the MBAP header fields and the PDU (function code and data). */
export interface MbapFrame {
  /** Copied from request to response so the client can pair them (IG §3.1.3). */
  readonly transactionId: number
  /** 0 for MODBUS (IG §3.1.3). */
  readonly protocolId: number
  /** Routes the request to a device behind a gateway (IG §3.1.3, "remote slave ... on a serial line"). */
  readonly unitId: number
  /** Function code and data. */
  readonly pdu: Buffer
}

/** What {@link MbapDecoder.push} found in the bytes received so far. */
export interface DecodeResult {
  /** Every complete frame, in arrival order. */
  readonly frames: MbapFrame[]
  /** Set when the stream cannot be framed any more (impossible length field); the connection must close. */
  readonly error?: string
}

/** Smallest and largest MBAP length field: unit id + function code .. unit id + 253-byte PDU (IG §3.1.3, AP §4.1). */
const MIN_LENGTH = 2
const MAX_LENGTH = 1 + MAX_PDU_BYTES

/**
 * Splits a TCP byte stream into MBAP frames. TCP is a stream: one chunk may hold part of a frame
 * or several frames; the MBAP length field exists so the receiver can find message boundaries even
 * when a message was split across packets (IG §3.1), so bytes are kept until a frame is complete.
 */
export class MbapDecoder {
  private pending: Buffer = Buffer.alloc(0)

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length
  }

  /** Appends `chunk` and returns the frames it completes. */
  push(chunk: Buffer): DecodeResult {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: MbapFrame[] = []
    while (buf.length >= MBAP_HEADER_BYTES - 1) {
      const length = buf.readUInt16BE(4)
      if (length < MIN_LENGTH || length > MAX_LENGTH) {
        this.pending = Buffer.alloc(0)
        return { frames, error: `MBAP length ${length} outside ${MIN_LENGTH}..${MAX_LENGTH}` }
      }
      const total = MBAP_HEADER_BYTES - 1 + length
      if (buf.length < total) break
      frames.push({
        transactionId: buf.readUInt16BE(0),
        protocolId: buf.readUInt16BE(2),
        unitId: buf.readUInt8(6),
        // Copy: the socket may reuse the chunk's memory after this callback returns.
        pdu: Buffer.from(buf.subarray(MBAP_HEADER_BYTES, total)),
      })
      buf = buf.subarray(total)
    }
    this.pending = Buffer.from(buf)
    return { frames }
  }
}

/** Builds an ADU: MBAP header (length = unit id + PDU bytes) followed by the PDU (IG §3.1.3). */
export function encodeMbap(transactionId: number, unitId: number, pdu: Buffer, protocolId = MODBUS_PROTOCOL_ID): Buffer {
  const out = Buffer.alloc(MBAP_HEADER_BYTES + pdu.length)
  out.writeUInt16BE(transactionId & 0xffff, 0)
  out.writeUInt16BE(protocolId & 0xffff, 2)
  out.writeUInt16BE(pdu.length + 1, 4)
  out.writeUInt8(unitId & 0xff, 6)
  pdu.copy(out, MBAP_HEADER_BYTES)
  return out
}
