/**
 * The in-memory index of one segment file. Ids within a segment are consecutive (the single writer
 * assigns them in order), so a batch is found by `id - firstId` and needs only typed-array slots:
 * its byte offset (8 B), reading count (4 B) and ack flag (1 B). That is the whole per-batch memory
 * cost of a batch that is not in the read window, whatever the size of the batch.
 */
import { join } from 'node:path'

/** Segment files are `<12-digit sequence>.seg`, so a plain sort is the write order. */
const SEGMENT_NAME = /^(\d{12})\.seg$/

/** The file name of segment `seq`. */
export function segmentName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.seg`
}

/** The sequence number of a segment file name, or undefined for other files. */
export function segmentSeq(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name)
  return match === null ? undefined : Number(match[1])
}

/** Starting capacity of the index arrays, batches; they double as needed. */
const INITIAL_CAPACITY = 256

/** One segment: its file, its batches' offsets and ack state. */
export class Segment {
  readonly seq: number
  readonly path: string
  /** Id of the first batch; meaningful once `count > 0`. */
  firstId = 0
  /** Batches indexed. */
  count = 0
  ackedCount = 0
  /** Readings of the batches not acknowledged yet. */
  unackedReadings = 0
  /** Bytes of indexed records: the end of the last one. */
  bytes = 0
  /** Set once the file is being deleted: reads skip it, acks ignore it. */
  deleted = false
  #offsets = new Float64Array(INITIAL_CAPACITY)
  #readings = new Uint32Array(INITIAL_CAPACITY)
  #acked = new Uint8Array(INITIAL_CAPACITY)

  constructor(dir: string, seq: number) {
    this.seq = seq
    this.path = join(dir, segmentName(seq))
  }

  /** Id of the last batch (firstId - 1 when empty). */
  get lastId(): number {
    return this.firstId + this.count - 1
  }

  /** Whether every batch is acknowledged (an empty segment is not: it may be the one being written). */
  get fullyAcked(): boolean {
    return this.count > 0 && this.ackedCount === this.count
  }

  /** Indexes a record written at `offset`, `length` bytes long. */
  push(id: number, offset: number, length: number, readings: number): void {
    if (this.count === 0) this.firstId = id
    if (this.count === this.#offsets.length) this.#grow()
    this.#offsets[this.count] = offset
    this.#readings[this.count] = readings
    this.count++
    this.unackedReadings += readings
    this.bytes = offset + length
  }

  /** Whether batch `id` is indexed here. */
  has(id: number): boolean {
    return this.count > 0 && id >= this.firstId && id <= this.lastId
  }

  /** Byte offset of the `i`-th batch. */
  offset(i: number): number {
    return this.#offsets[i]!
  }

  /** End offset of the `i`-th batch's record. */
  end(i: number): number {
    return i + 1 < this.count ? this.#offsets[i + 1]! : this.bytes
  }

  /** Reading count of the `i`-th batch. */
  readings(i: number): number {
    return this.#readings[i]!
  }

  isAcked(i: number): boolean {
    return this.#acked[i] === 1
  }

  /** Marks the `i`-th batch acknowledged; returns its reading count, or -1 when it already was. */
  ack(i: number): number {
    if (this.#acked[i] === 1) return -1
    this.#acked[i] = 1
    this.ackedCount++
    const n = this.#readings[i]!
    this.unackedReadings -= n
    return n
  }

  #grow(): void {
    const size = this.#offsets.length * 2
    const offsets = new Float64Array(size)
    offsets.set(this.#offsets)
    const readings = new Uint32Array(size)
    readings.set(this.#readings)
    const acked = new Uint8Array(size)
    acked.set(this.#acked)
    this.#offsets = offsets
    this.#readings = readings
    this.#acked = acked
  }
}

/** The segment indexing batch `id` (acks are mostly for recent batches: searched from the newest). */
export function findSegment(segments: readonly Segment[], id: number): Segment | undefined {
  for (let k = segments.length - 1; k >= 0; k--) {
    const s = segments[k]!
    if (s.has(id)) return s
    if (s.count > 0 && s.lastId < id) return undefined
  }
  return undefined
}
