/**
 * Reads batches back from a segment file for `read` when they left the in-memory window (replay after
 * a long outage). Neighbouring records are fetched with one positional read per run.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { openRecord } from './codec.js'
import type { BatchWindow } from './batch-window.js'
import type { Segment } from './segment.js'
import type { OutboxBatch } from './types.js'

/** Records closer than this are read together, bytes (64 KiB: reading a few acked ones costs less than a syscall). */
const MERGE_GAP_BYTES = 64 * 1024

async function readFully(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length)
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done)
    if (bytesRead === 0) return buf.subarray(0, done) // file shorter than indexed: the decode reports it
    done += bytesRead
  }
  return buf
}

/**
 * Decodes batches `indices` (ascending positions within `segment`). The result is parallel to
 * `indices`; an entry is undefined when the record no longer passes its checksum. The file is opened
 * for this call only: the outbox may unlink the segment meanwhile, and an open handle still reads it.
 */
async function readBatches(segment: Segment, indices: readonly number[]): Promise<(OutboxBatch | undefined)[]> {
  const out = new Array<OutboxBatch | undefined>(indices.length)
  const handle = await open(segment.path, 'r')
  try {
    for (let start = 0; start < indices.length; ) {
      let stop = start + 1
      while (stop < indices.length && segment.offset(indices[stop]!) - segment.end(indices[stop - 1]!) <= MERGE_GAP_BYTES) stop++
      const from = segment.offset(indices[start]!)
      const buf = await readFully(handle, from, segment.end(indices[stop - 1]!) - from)
      for (let k = start; k < stop; k++) out[k] = openRecord(buf, segment.offset(indices[k]!) - from)
      start = stop
    }
  } finally {
    await handle.close()
  }
  return out
}

/**
 * Up to `max` unacknowledged batches with id > `afterId` across `segments` (oldest first), from `window`
 * when there, else decoded from disk. `onCorrupt(segment, i)` is told of a record that fails its checksum
 * (it is left out). A batch acknowledged while its segment was being read is left out too.
 */
export async function readPending(
  segments: readonly Segment[],
  window: BatchWindow,
  afterId: number,
  max: number,
  onCorrupt: (segment: Segment, i: number) => void,
): Promise<OutboxBatch[]> {
  const slots: (OutboxBatch | undefined)[] = []
  const fromDisk = new Map<Segment, { indices: number[]; slots: number[] }>()
  for (const segment of segments) {
    if (slots.length >= max) break
    if (segment.count === 0 || segment.lastId <= afterId) continue
    for (let i = Math.max(0, afterId + 1 - segment.firstId); i < segment.count && slots.length < max; i++) {
      if (segment.isAcked(i)) continue
      const batch = window.get(segment.firstId + i)
      if (batch === undefined) {
        const wanted = fromDisk.get(segment) ?? { indices: [], slots: [] }
        fromDisk.set(segment, wanted)
        wanted.indices.push(i)
        wanted.slots.push(slots.length)
      }
      slots.push(batch)
    }
  }
  for (const [segment, wanted] of fromDisk) {
    let batches: (OutboxBatch | undefined)[]
    try {
      batches = await readBatches(segment, wanted.indices)
    } catch (err) {
      if (segment.deleted) continue // dropped or fully acked meanwhile: nothing left to send
      throw err
    }
    batches.forEach((batch, k) => {
      const i = wanted.indices[k]!
      if (batch === undefined) onCorrupt(segment, i)
      else if (!segment.isAcked(i)) slots[wanted.slots[k]!] = batch
    })
  }
  return slots.filter((b): b is OutboxBatch => b !== undefined)
}
