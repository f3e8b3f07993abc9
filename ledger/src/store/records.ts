/**
 * The record framing of every store file: `u32 length (big-endian) ‖ u32 CRC-32 of the payload ‖
 * payload`. A torn write (a crash mid-append) leaves a short or failing record at the tail, which
 * `scanRecords` reports so the store can truncate it; nothing after the first bad record is trusted.
 */
import { crc32 } from './crc32.js'

/** Bytes before each payload: length and CRC-32. */
export const RECORD_HEADER_BYTES = 8
/** Largest payload accepted when reading, bytes (64 MiB: far above any block; a larger length is garbage, not a record). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024

/** Frames one payload as a record. */
export function encodeRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.byteLength)
  out.writeUInt32BE(payload.byteLength, 0)
  out.writeUInt32BE(crc32(payload), 4)
  out.set(payload, RECORD_HEADER_BYTES)
  return out
}

/** One record found by a scan: where it starts in the file and its payload. */
export interface ScannedRecord {
  offset: number
  payload: Buffer
}

/** What a scan of a store file found. */
export interface ScanResult {
  records: ScannedRecord[]
  /** Offset just past the last good record: the length the file should have. */
  goodBytes: number
  /** Why the bytes from `goodBytes` on are not a record (undefined when the file ends cleanly). */
  tailProblem?: string
}

/** Reads records from a whole file's bytes up to the first short or corrupt one. Never throws. */
export function scanRecords(data: Buffer): ScanResult {
  const records: ScannedRecord[] = []
  let offset = 0
  while (offset < data.length) {
    const left = data.length - offset
    if (left < RECORD_HEADER_BYTES) return { records, goodBytes: offset, tailProblem: `${left} bytes at offset ${offset} are too few for a record header` }
    const length = data.readUInt32BE(offset)
    const crc = data.readUInt32BE(offset + 4)
    // A zero length is never written (a block is never empty): it is what a file extended but never written holds.
    if (length === 0 || length > MAX_RECORD_BYTES) return { records, goodBytes: offset, tailProblem: `record at offset ${offset} declares ${length} bytes` }
    if (left - RECORD_HEADER_BYTES < length) {
      return { records, goodBytes: offset, tailProblem: `record at offset ${offset} declares ${length} bytes but only ${left - RECORD_HEADER_BYTES} follow (torn write)` }
    }
    const payload = data.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length)
    if (crc32(payload) !== crc) return { records, goodBytes: offset, tailProblem: `record at offset ${offset} fails its CRC-32` }
    records.push({ offset, payload })
    offset += RECORD_HEADER_BYTES + length
  }
  return { records, goodBytes: offset }
}
