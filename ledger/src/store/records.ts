/**
 * The record framing of every store file: `u32 length (big-endian) ‖ u32 CRC-32 of the payload ‖
 * payload`. A torn write (a crash mid-append) leaves a short or failing record at the tail, which
 * `scanRecords` reports so the store can truncate it; a bad record with intact data after it is
 * corruption, which the store refuses to open over (and never truncates).
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

/** A bad record with data after it that a crash cannot explain: bit rot or an edit, never truncated. */
export interface CorruptRecord {
  /** Where the bad record starts. */
  offset: number
  /** Its position in the file (records before it): in a chain file, the height expected there. */
  index: number
  detail: string
}

/** What a scan of a store file found. */
export interface ScanResult {
  /** The good records before the first bad one. */
  records: ScannedRecord[]
  /** Offset just past the last good record: the length the file should have when the rest is a torn tail. */
  goodBytes: number
  /** Why the bytes from `goodBytes` on are not a record, when they are a torn tail (a crash mid-append). */
  tailProblem?: string
  /** Set instead of `tailProblem` when the bad record is not the tail: the file must not be truncated. */
  corrupt?: CorruptRecord
}

/** Why the record at `offset` is bad, or undefined when it is good (then `length` is its payload size). */
function recordProblem(data: Buffer, offset: number): { problem?: string; length: number } {
  const left = data.length - offset
  if (left < RECORD_HEADER_BYTES) return { problem: `${left} bytes at offset ${offset} are too few for a record header`, length: 0 }
  const length = data.readUInt32BE(offset)
  // A zero length is never written (a block is never empty): it is what a file extended but never written holds.
  if (length === 0 || length > MAX_RECORD_BYTES) return { problem: `record at offset ${offset} declares ${length} bytes`, length }
  if (left - RECORD_HEADER_BYTES < length) return { problem: `record at offset ${offset} declares ${length} bytes but only ${left - RECORD_HEADER_BYTES} follow (torn write)`, length }
  const payload = data.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length)
  if (crc32(payload) !== data.readUInt32BE(offset + 4)) return { problem: `record at offset ${offset} fails its CRC-32`, length }
  return { length }
}

/** The offset of the first intact record starting after `from` (any byte: the bad length field may be what rotted), or -1. */
function nextIntactRecord(data: Buffer, from: number): number {
  for (let p = from + 1; p + RECORD_HEADER_BYTES < data.length; p++) {
    const length = data.readUInt32BE(p)
    // Cheap filter first: inside a JSON payload the first length byte is printable, i.e. ≥ 512 MiB.
    if (length === 0 || length > MAX_RECORD_BYTES || p + RECORD_HEADER_BYTES + length > data.length) continue
    if (recordProblem(data, p).problem === undefined) return p
  }
  return -1
}

/** True when every byte of `data` from `from` on is zero (a file extended by the OS but never written). */
function zeros(data: Buffer, from: number): boolean {
  for (let i = from; i < data.length; i++) if (data[i] !== 0) return false
  return true
}

/**
 * Reads records from a whole file's bytes up to the first bad one, and tells a torn tail from
 * corruption. Never throws.
 *
 * A crash mid-append can only damage the last write, so a bad record is a torn tail only when it is
 * the last thing in the file: short, or failing its CRC with nothing after its declared end but
 * zeros. It is corruption (`corrupt`) when an intact record starts anywhere after it (searched byte
 * by byte, since a rotten length field misplaces the next record), or when non-zero bytes follow its
 * declared end: blocks after it were durable, announced and maybe endorsed, so they must never be cut.
 */
export function scanRecords(data: Buffer): ScanResult {
  const records: ScannedRecord[] = []
  let offset = 0
  while (offset < data.length) {
    const { problem, length } = recordProblem(data, offset)
    if (problem === undefined) {
      records.push({ offset, payload: data.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length) })
      offset += RECORD_HEADER_BYTES + length
      continue
    }
    const corrupt = (detail: string): ScanResult => ({ records, goodBytes: offset, corrupt: { offset, index: records.length, detail } })
    const next = nextIntactRecord(data, offset)
    if (next >= 0) return corrupt(`${problem}, and an intact record follows at offset ${next}`)
    const end = offset + RECORD_HEADER_BYTES + length
    if (length > 0 && length <= MAX_RECORD_BYTES && end < data.length && !zeros(data, end)) {
      return corrupt(`${problem}, and ${data.length - end} bytes that are not zeros follow its end`)
    }
    return { records, goodBytes: offset, tailProblem: problem }
  }
  return { records, goodBytes: offset }
}
