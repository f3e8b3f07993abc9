/**
 * Group commit: the appends queued while the previous write was in flight go to disk as one write and
 * one fdatasync. fsync latency, not encoding, bounds a one-batch-per-fsync writer, so this is what
 * lets the outbox keep up with ≥ 100,000 readings/s (issue 4, "Speed"; see bench/outbox.bench.ts).
 */
import type { FileHandle } from 'node:fs/promises'
import { sealRecord } from './codec.js'
import type { Segment } from './segment.js'

/** An append waiting for the writer. */
export interface Queued {
  /** The encoded record; id, enqueuedAt and checksum are filled in when written. */
  record: Buffer
  /** Readings in the record (the Reading objects themselves are not kept: the record holds them). */
  readings: number
  resolve(id: number): void
  reject(err: unknown): void
  /** Settled already (aborted or refused): the writer skips it. */
  done: boolean
  /** Removes the abort listener. */
  detach?: () => void
  id?: number
  enqueuedAt?: number
}

/** Most bytes one group writes (8 MiB: bounds the copy into one buffer; fsync cost is per call, not per byte). */
const MAX_GROUP_BYTES = 8 * 1024 * 1024

/**
 * Takes the head of `queue` (room for it is already made) and the batches behind it while they fit in
 * `segmentRoom` (what is left of the active segment) and `diskRoom` (what is left of maxBytes).
 */
export function takeGroup(queue: Queued[], segmentRoom: number, diskRoom: number): Queued[] {
  const group: Queued[] = []
  let bytes = 0
  let taken = 0
  for (; taken < queue.length; taken++) {
    const item = queue[taken]!
    if (item.done) continue
    const size = item.record.length
    const total = bytes + size
    // The first batch may exceed segmentRoom (a segment holds at least one batch), never diskRoom.
    if (total > diskRoom || (group.length > 0 && (total > segmentRoom || total > MAX_GROUP_BYTES))) break
    // Once in a group the write goes ahead: an abort can no longer take the batch back.
    item.detach?.()
    item.done = true
    group.push(item)
    bytes = total
  }
  queue.splice(0, taken)
  return group
}

/**
 * Writes `group` at the end of `segment` with ids from `firstId`, fdatasyncs, and indexes the batches.
 * Returns the bytes written, or undefined after rejecting every append of the group when the write or
 * the fdatasync failed (the segment must then be abandoned: its tail is unknown until the next open).
 */
export async function writeGroup(handle: FileHandle, segment: Segment, group: readonly Queued[], firstId: number, enqueuedAt: number): Promise<number | undefined> {
  let bytes = 0
  group.forEach((item, k) => {
    item.id = firstId + k
    item.enqueuedAt = enqueuedAt
    sealRecord(item.record, item.id, enqueuedAt)
    bytes += item.record.length
  })
  const data = group.length === 1 ? group[0]!.record : Buffer.concat(group.map((item) => item.record), bytes)
  const start = segment.bytes
  try {
    for (let done = 0; done < bytes; ) {
      const { bytesWritten } = await handle.write(data, done, bytes - done, start + done)
      done += bytesWritten
    }
    await handle.datasync()
  } catch (err) {
    for (const item of group) item.reject(err)
    return undefined
  }
  let offset = start
  for (const item of group) {
    segment.push(item.id!, offset, item.record.length, item.readings)
    offset += item.record.length
  }
  return bytes
}
