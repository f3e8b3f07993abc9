/**
 * The outbox record format. A segment file is a sequence of records:
 *
 * ```
 * record  = length u32 LE | crc32 u32 LE | payload            (crc32 = IEEE CRC-32 of payload, zlib.crc32)
 * payload = id f64 LE | enqueuedAt f64 LE | readings u32 LE | body
 * body    = UTF-8 JSON [baseTimestamp, [string, …], [deviceIdx, metricIdx, value, timestamp - base, …]]
 * ```
 *
 * Why this body: measured on the 2-core box (1,000-reading batches, ventilator-like metrics), JSON with a
 * string table and timestamp deltas encodes ~9 M readings/s and decodes ~14 M/s at ~15 bytes a reading;
 * a hand-written binary codec was no faster (~10 M/s) and larger (~20 bytes), JSON of the Reading objects
 * 3× slower at ~88 bytes. The fixed prefix lets open() index a segment without parsing any JSON.
 * JSON has no NaN/±Infinity, so a non-finite value is written as a one-element array `["NaN"]`.
 */
import { crc32 } from 'node:zlib'
import { EdgeError } from '../errors.js'
import type { Reading, ReadingValue } from '../reading.js'
import type { OutboxBatch } from './types.js'

/** Bytes before the payload: length and checksum. */
export const RECORD_HEADER_BYTES = 8
/** Bytes of the fixed payload prefix: id, enqueuedAt, reading count. */
export const PAYLOAD_PREFIX_BYTES = 20
/** A record whose length field exceeds this is framing garbage, not data (a batch is far smaller). */
const MAX_PAYLOAD_BYTES = 1 << 30 // 1 GiB

/**
 * Encodes readings into a whole record with the id, enqueuedAt and checksum left blank: the writer
 * assigns ids in write order and calls {@link sealRecord}, so a refused batch never burns an id.
 */
export function encodeRecord(readings: readonly Reading[]): Buffer {
  const strings = new Map<string, number>()
  const table: string[] = []
  const flat: (number | boolean | string | string[])[] = new Array<number | boolean | string | string[]>(readings.length * 4)
  const base = readings.length > 0 ? readings[0]!.timestamp : 0
  let k = 0
  for (const r of readings) {
    let d = strings.get(r.device)
    if (d === undefined) {
      d = table.push(r.device) - 1
      strings.set(r.device, d)
    }
    let m = strings.get(r.metric)
    if (m === undefined) {
      m = table.push(r.metric) - 1
      strings.set(r.metric, m)
    }
    const v = r.value
    flat[k++] = d
    flat[k++] = m
    flat[k++] = typeof v === 'number' && !Number.isFinite(v) ? [String(v)] : v
    flat[k++] = r.timestamp - base
  }
  const json = JSON.stringify([base, table, flat])
  const bodyBytes = Buffer.byteLength(json)
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + PAYLOAD_PREFIX_BYTES + bodyBytes)
  record.writeUInt32LE(PAYLOAD_PREFIX_BYTES + bodyBytes, 0)
  record.writeUInt32LE(readings.length, RECORD_HEADER_BYTES + 16)
  record.write(json, RECORD_HEADER_BYTES + PAYLOAD_PREFIX_BYTES, 'utf8')
  return record
}

/** Fills in the id and enqueuedAt of an encoded record, then its checksum (last: it covers both). */
export function sealRecord(record: Buffer, id: number, enqueuedAt: number): void {
  record.writeDoubleLE(id, RECORD_HEADER_BYTES)
  record.writeDoubleLE(enqueuedAt, RECORD_HEADER_BYTES + 8)
  record.writeUInt32LE(crc32(record.subarray(RECORD_HEADER_BYTES)), 4)
}

/** The fixed fields of one record, as the scan reports them. */
export interface RecordInfo {
  /** Byte offset of the record (its length field) in the buffer scanned. */
  offset: number
  id: number
  enqueuedAt: number
  readings: number
}

/** What {@link scanRecords} found. */
export interface ScanResult {
  records: RecordInfo[]
  /** Bytes of valid records from the start; everything after is torn or corrupt. */
  validBytes: number
  /** Records (or fragments) after `validBytes`, counted by their length framing while it stays plausible. */
  badRecords: number
}

/** Whether a record starts at `offset` whose length fits in `buf` and whose checksum matches. */
function validAt(buf: Buffer, offset: number): number | undefined {
  if (offset + RECORD_HEADER_BYTES > buf.length) return undefined
  const length = buf.readUInt32LE(offset)
  const end = offset + RECORD_HEADER_BYTES + length
  if (length < PAYLOAD_PREFIX_BYTES || length > MAX_PAYLOAD_BYTES || end > buf.length) return undefined
  const payload = buf.subarray(offset + RECORD_HEADER_BYTES, end)
  return crc32(payload) === buf.readUInt32LE(offset + 4) ? end : undefined
}

/**
 * Walks the records of a segment, verifying every checksum. Ids must rise by one from record to record
 * (the writer assigns them in order within a segment); a record breaking that is treated as corrupt too.
 * Records are append-only and each group is fsynced before the next is written, so damage can only be
 * the tail of the last write: everything from the first bad record on is reported as bad.
 */
export function scanRecords(buf: Buffer): ScanResult {
  const records: RecordInfo[] = []
  let offset = 0
  while (offset < buf.length) {
    const end = validAt(buf, offset)
    if (end === undefined) break
    const id = buf.readDoubleLE(offset + RECORD_HEADER_BYTES)
    const previous = records.at(-1)
    if (!Number.isSafeInteger(id) || id < 1 || (previous !== undefined && id !== previous.id + 1)) break
    const enqueuedAt = buf.readDoubleLE(offset + RECORD_HEADER_BYTES + 8)
    const readings = buf.readUInt32LE(offset + RECORD_HEADER_BYTES + 16)
    records.push({ offset, id, enqueuedAt, readings })
    offset = end
  }
  let badRecords = 0
  for (let at = offset; at < buf.length; badRecords++) {
    const length = at + RECORD_HEADER_BYTES <= buf.length ? buf.readUInt32LE(at) : 0
    const next = at + RECORD_HEADER_BYTES + length
    at = length >= PAYLOAD_PREFIX_BYTES && next <= buf.length ? next : buf.length
  }
  return { records, validBytes: offset, badRecords }
}

/**
 * Opens the record starting at `offset` of `buf` (a range read from a segment, or a record held in
 * memory), checking its checksum again: a bit flipped on disk after open must not reach the broker.
 * Returns undefined when corrupt.
 *
 * `id` and `enqueuedAt` come from the fixed prefix; `readings` is an own, enumerable getter that
 * decodes the JSON body on each access (a new array every time). Whoever only looks at ids and times
 * (the publisher looking for the replay boundary) decodes nothing, and decoded readings live only as
 * long as their user holds them: on the publishing path they die young instead of waiting in a page
 * of batches long enough to be promoted to V8's old generation.
 */
export function openRecord(buf: Buffer, offset: number): OutboxBatch | undefined {
  const end = validAt(buf, offset)
  if (end === undefined) return undefined
  const start = offset + RECORD_HEADER_BYTES
  const id = buf.readDoubleLE(start)
  const count = buf.readUInt32LE(start + 16)
  return {
    id,
    enqueuedAt: buf.readDoubleLE(start + 8),
    get readings(): Reading[] {
      const readings = decodeBody(buf.toString('utf8', start + PAYLOAD_PREFIX_BYTES, end), count)
      // The checksum matched, so a body that does not decode can only be a bug of the writer.
      if (readings === undefined) throw new EdgeError('RHN_EDGE_OUTBOX_CORRUPT', `outbox batch ${id}: its body does not decode to ${count} readings although its checksum matches`)
      return readings
    },
  }
}

/** The readings of a JSON body holding `count` of them; undefined when it is not one. */
function decodeBody(json: string, count: number): Reading[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined
  const [base, table, flat] = parsed as [number, string[], unknown[]]
  if (!Array.isArray(flat) || flat.length !== count * 4) return undefined
  const readings = new Array<Reading>(count)
  for (let i = 0, k = 0; i < count; i++, k += 4) {
    const raw = flat[k + 2]
    readings[i] = {
      device: table[flat[k] as number]!,
      metric: table[flat[k + 1] as number]!,
      value: Array.isArray(raw) ? Number(raw[0]) : (raw as ReadingValue),
      timestamp: base + (flat[k + 3] as number),
    }
  }
  return readings
}
