/**
 * What `DiskOutbox.open` does before accepting appends: index every segment, verifying each record's
 * checksum and truncating a torn or corrupt tail (kill -9 or power loss during the last write), then
 * mark what the ack checkpoint says the broker already acknowledged.
 */
import { readdir, readFile, truncate } from 'node:fs/promises'
import type { Logger } from 'pino'
import type { AckState } from './ack-log.js'
import { scanRecords } from './codec.js'
import { Segment, segmentSeq } from './segment.js'

/** The segments found on disk, oldest first. */
export interface RecoveredSegments {
  segments: Segment[]
  /** Records cut off torn or corrupt tails. */
  truncatedRecords: number
  /** Highest segment sequence number seen (0 when none). */
  lastSeq: number
}

/**
 * Indexes the segments of `dir`. A segment is read whole (at most about `segmentBytes` plus one
 * batch), one at a time, so open needs that much transient memory and no more.
 */
export async function recoverSegments(dir: string, logger: Logger): Promise<RecoveredSegments> {
  const seqs = (await readdir(dir))
    .map(segmentSeq)
    .filter((seq): seq is number => seq !== undefined)
    .sort((a, b) => a - b)
  const segments: Segment[] = []
  let truncatedRecords = 0
  let lastId = 0
  for (const seq of seqs) {
    const segment = new Segment(dir, seq)
    const buf = await readFile(segment.path)
    const scan = scanRecords(buf)
    // Ids rise across segments too; a segment going backwards can only be a leftover copied in by
    // hand, and trusting it would make two batches share an id: keep it out of the index instead.
    const first = scan.records[0]
    if (first !== undefined && first.id <= lastId) {
      logger.error({ code: 'RHN_EDGE_OUTBOX_CORRUPT', segment: segment.path, firstId: first.id, lastId }, 'outbox segment ids go backwards; segment ignored')
      continue
    }
    for (const [i, r] of scan.records.entries()) {
      const end = scan.records[i + 1]?.offset ?? scan.validBytes
      segment.push(r.id, r.offset, end - r.offset, r.readings)
      lastId = r.id
    }
    if (scan.badRecords > 0) {
      truncatedRecords += scan.badRecords
      await truncate(segment.path, scan.validBytes)
      logger.warn(
        { code: 'RHN_EDGE_OUTBOX_CORRUPT', segment: segment.path, records: scan.badRecords, keptBytes: scan.validBytes, cutBytes: buf.length - scan.validBytes },
        'outbox segment had a torn or corrupt tail; truncated',
      )
    }
    segments.push(segment)
  }
  return { segments, truncatedRecords, lastSeq: seqs.at(-1) ?? 0 }
}

/**
 * Marks acknowledged the batches the checkpoint lists (every id ≤ watermark, and the out-of-order ones).
 * Without a checkpoint (a new outbox, or its file lost) every batch on disk stays pending: replayed.
 */
export function applyCheckpoint(segments: readonly Segment[], state: AckState | undefined): void {
  if (state === undefined) return
  const acked = new Set(state.acked)
  for (const segment of segments) {
    for (let i = 0; i < segment.count; i++) {
      const id = segment.firstId + i
      if (id <= state.watermark || acked.has(id)) segment.ack(i)
    }
  }
}
