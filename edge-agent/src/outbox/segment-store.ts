/**
 * The durable state of an outbox folder: its segments, the one being appended to, the ack checkpoint
 * and the counters. Methods that touch files must not overlap: `DiskOutbox` calls them one at a time.
 */
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import type { Logger } from 'pino'
import { AckLog, checkpointState, syncDir } from './ack-log.js'
import { BatchWindow } from './batch-window.js'
import { readPending } from './disk-read.js'
import { applyCheckpoint, recoverSegments } from './recovery.js'
import { findSegment, Segment } from './segment.js'
import type { OutboxBatch, OutboxStats } from './types.js'
import { type Queued, writeGroup } from './writer.js'

/** Segments, ack checkpoint, read window and counters of one outbox folder. */
export class SegmentStore {
  readonly #dir: string
  readonly #logger: Logger
  readonly #ackLog: AckLog
  readonly #window: BatchWindow
  readonly #segments: Segment[]
  #active!: Segment
  #handle: FileHandle | undefined
  #nextId: number
  #nextSeq: number
  /** Bytes of the segment files: what maxBytes limits. */
  diskBytes = 0
  #pendingBatches = 0
  #pendingReadings = 0
  /** Readings dropped (by policy or found corrupt on read) since open. */
  dropped = 0
  readonly #truncated: number
  /** Acks since the last checkpoint. */
  ackDirty = false

  private constructor(dir: string, logger: Logger, windowReadings: number, ackLog: AckLog, segments: Segment[], nextId: number, nextSeq: number, truncated: number) {
    this.#dir = dir
    this.#logger = logger
    this.#window = new BatchWindow(windowReadings)
    this.#ackLog = ackLog
    this.#segments = segments
    this.#nextId = nextId
    this.#nextSeq = nextSeq
    this.#truncated = truncated
    for (const s of segments) {
      this.diskBytes += s.bytes
      this.#pendingBatches += s.count - s.ackedCount
      this.#pendingReadings += s.unackedReadings
    }
  }

  /** Recovers `dir` (see recovery.ts), deletes what is fully acknowledged and starts a new segment. */
  static async open(dir: string, logger: Logger, windowReadings: number): Promise<SegmentStore> {
    await mkdir(dir, { recursive: true })
    const found = await recoverSegments(dir, logger)
    const { log, state } = await AckLog.open(dir)
    applyCheckpoint(found.segments, state)
    const nextId = Math.max(state?.nextId ?? 1, (found.segments.at(-1)?.lastId ?? 0) + 1)
    const store = new SegmentStore(dir, logger, windowReadings, log, found.segments, nextId, found.lastSeq + 1, found.truncatedRecords)
    // Empty segments are leftovers of a crash right after a roll; acked ones wait only for deletion.
    const stale = found.segments.filter((s) => s.count === 0 || s.fullyAcked)
    await store.roll()
    await store.removeSegments(stale)
    return store
  }

  /** The segment appends go to. */
  get active(): Segment {
    return this.#active
  }

  /** Whether any segment holds batches (acknowledged or not). */
  get holdsBatches(): boolean {
    return this.#segments.some((s) => s.count > 0)
  }

  stats(): OutboxStats {
    return {
      pendingBatches: this.#pendingBatches,
      pendingReadings: this.#pendingReadings,
      bytes: this.diskBytes + this.#ackLog.bytes,
      droppedReadings: this.dropped,
      truncatedRecords: this.#truncated,
    }
  }

  /**
   * Writes `group` to the active segment with the next ids and indexes it; false when the write failed
   * (its appends are rejected, and appends continue in a new segment: the failed one's tail is unknown).
   */
  async write(group: readonly Queued[], enqueuedAt: number): Promise<boolean> {
    const written = await writeGroup(this.#handle!, this.#active, group, this.#nextId, enqueuedAt)
    this.#nextId += group.length // spent even if the write failed: the file may hold some of them
    if (written === undefined) {
      this.#logger.error({ segment: this.#active.path }, 'outbox write failed; continuing in a new segment')
      await this.roll()
      return false
    }
    this.diskBytes += written
    for (const item of group) {
      this.#window.add(item.id!, item.record, item.readings)
      this.#pendingBatches++
      this.#pendingReadings += item.readings
    }
    return true
  }

  /** See `Outbox.read`. */
  read(afterId: number, max: number): Promise<OutboxBatch[]> {
    return readPending(this.#segments, this.#window, afterId, max, (segment, i) => this.#corruptOnRead(segment, i))
  }

  /** Marks batch `id` acknowledged; returns its segment when that completed it (it can be deleted). */
  ack(id: number): Segment | undefined {
    const segment = findSegment(this.#segments, id)
    if (segment === undefined) return undefined
    const n = segment.ack(id - segment.firstId)
    if (n < 0) return undefined
    this.#pendingBatches--
    this.#pendingReadings -= n
    this.#window.delete(id)
    this.ackDirty = true
    return segment.fullyAcked ? segment : undefined
  }

  /** Counts `readings` refused by the full-outbox policy. */
  countRefused(readings: number): void {
    this.dropped += readings
  }

  /** Deletes fully acknowledged segments (the active one too when `includeActive`); false when none. */
  async reclaim(includeActive: boolean): Promise<boolean> {
    // Decided before awaiting anything, so an ack arriving afterwards is seen by the next call.
    const done = this.#segments.filter((s) => s.fullyAcked && (includeActive || s !== this.#active))
    if (done.length === 0) return false
    if (done.includes(this.#active)) await this.roll()
    await this.removeSegments(done)
    return true
  }

  /** drop-oldest: deletes the oldest segment holding batches, counting its unacknowledged readings. */
  async dropOldest(): Promise<void> {
    const oldest = this.#segments.find((s) => s.count > 0)
    if (oldest === undefined) return
    if (oldest === this.#active) await this.roll()
    const readings = oldest.unackedReadings
    this.dropped += readings
    this.#pendingBatches -= oldest.count - oldest.ackedCount
    this.#pendingReadings -= readings
    this.#window.deleteThrough(oldest.lastId)
    this.#logger.warn({ code: 'RHN_EDGE_OUTBOX_FULL', segment: oldest.path, readings, dropped: this.dropped }, 'outbox full: dropped the oldest segment')
    await this.removeSegments([oldest])
  }

  /**
   * Unlinks segments after a durable checkpoint: its `nextId` outlives the ids in them, and its
   * watermark covers the batches of a dropped segment, should the unlink itself be lost.
   */
  async removeSegments(segments: readonly Segment[]): Promise<void> {
    if (segments.length === 0) return
    for (const s of segments) {
      s.deleted = true
      this.#segments.splice(this.#segments.indexOf(s), 1)
      this.diskBytes -= s.bytes
    }
    await this.checkpoint()
    await Promise.all(segments.map((s) => unlink(s.path)))
  }

  /** Starts a new segment file for appends; its folder entry is fsynced before any batch relies on it. */
  async roll(): Promise<void> {
    const segment = new Segment(this.#dir, this.#nextSeq++)
    const handle = await open(segment.path, 'wx')
    await syncDir(this.#dir)
    await this.#handle?.close()
    this.#handle = handle
    this.#active = segment
    this.#segments.push(segment)
  }

  /** Writes the ack state durably (segments may be unlinked after this). */
  async checkpoint(): Promise<void> {
    this.ackDirty = false
    await this.#ackLog.write(checkpointState(this.#segments, this.#nextId))
  }

  /** Closes the files after a last checkpoint (it also carries `nextId` past ids lost to a torn tail). */
  async close(): Promise<void> {
    if (!(await this.reclaim(false))) await this.checkpoint()
    await this.#handle?.close()
    this.#handle = undefined
    await this.#ackLog.close()
  }

  /** A record failed its checksum on read (changed on disk after open): count it dropped and move on. */
  #corruptOnRead(segment: Segment, i: number): void {
    const n = segment.ack(i)
    if (n < 0) return
    this.#pendingBatches--
    this.#pendingReadings -= n
    this.dropped += n
    this.ackDirty = true
    this.#logger.error({ code: 'RHN_EDGE_OUTBOX_CORRUPT', segment: segment.path, id: segment.firstId + i }, 'outbox record failed its checksum on read; dropped')
  }
}
