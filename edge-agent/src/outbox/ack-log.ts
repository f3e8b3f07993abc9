/**
 * The ack checkpoint file (`acks.log`): which batches the broker acknowledged, so a restart does not
 * replay them. Each checkpoint is a whole snapshot, appended as a record framed like segment records:
 *
 * ```
 * record  = length u32 LE | crc32 u32 LE | payload
 * payload = nextId f64 LE | watermark f64 LE | n u32 LE | n × acked id f64 LE
 * ```
 *
 * `watermark`: every id ≤ it is acknowledged (or dropped); the `n` ids are acknowledged ones above it
 * (acks may come out of order). `nextId` keeps ids increasing even when every segment was deleted.
 * Open reads the last valid record and rewrites the file with it alone, so a torn tail never sits in
 * front of later appends; the file is rewritten the same way when it passes {@link COMPACT_BYTES}.
 */
import { open, readFile, rename, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import type { Segment } from './segment.js'

/** Rewrite the checkpoint file past this size, bytes (1 MiB: ~50,000 small snapshots, read in ms at open). */
const COMPACT_BYTES = 1024 * 1024
/** Out-of-order acks kept in one snapshot (8,192 × 8 B = 64 KiB); the rest are replayed after a crash. */
export const MAX_CHECKPOINT_ACKS = 8192
const PREFIX_BYTES = 20

/** One snapshot of the ack state. */
export interface AckState {
  nextId: number
  watermark: number
  /** Acknowledged ids above `watermark`, ascending. */
  acked: readonly number[]
}

/** fsyncs a directory, so a file created, renamed or deleted in it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * The ack state of `segments` (oldest first): watermark = the id before the oldest pending batch (or
 * `nextId - 1` when none), plus up to {@link MAX_CHECKPOINT_ACKS} acknowledged ids above it.
 */
export function checkpointState(segments: readonly Segment[], nextId: number): AckState {
  let watermark = nextId - 1
  const acked: number[] = []
  let found = false
  for (const s of segments) {
    for (let i = 0; i < s.count && acked.length < MAX_CHECKPOINT_ACKS; i++) {
      if (!found && !s.isAcked(i)) {
        found = true
        watermark = s.firstId + i - 1
      } else if (found && s.isAcked(i)) acked.push(s.firstId + i)
    }
  }
  return { nextId, watermark, acked }
}

function encode(state: AckState): Buffer {
  const n = Math.min(state.acked.length, MAX_CHECKPOINT_ACKS)
  const buf = Buffer.alloc(8 + PREFIX_BYTES + n * 8)
  buf.writeUInt32LE(PREFIX_BYTES + n * 8, 0)
  buf.writeDoubleLE(state.nextId, 8)
  buf.writeDoubleLE(state.watermark, 16)
  buf.writeUInt32LE(n, 24)
  for (let i = 0; i < n; i++) buf.writeDoubleLE(state.acked[i]!, 28 + i * 8)
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4)
  return buf
}

/** The last valid snapshot in `buf`, or undefined. */
function lastValid(buf: Buffer): AckState | undefined {
  let state: AckState | undefined
  for (let at = 0; at + 8 + PREFIX_BYTES <= buf.length; ) {
    const length = buf.readUInt32LE(at)
    const end = at + 8 + length
    if (length < PREFIX_BYTES || end > buf.length || crc32(buf.subarray(at + 8, end)) !== buf.readUInt32LE(at + 4)) break
    const n = buf.readUInt32LE(at + 24)
    if (PREFIX_BYTES + n * 8 !== length) break
    const acked = new Array<number>(n)
    for (let i = 0; i < n; i++) acked[i] = buf.readDoubleLE(at + 28 + i * 8)
    state = { nextId: buf.readDoubleLE(at + 8), watermark: buf.readDoubleLE(at + 16), acked }
    at = end
  }
  return state
}

/** The ack checkpoint file of one outbox folder. Not safe for concurrent `write` calls: the outbox serialises them. */
export class AckLog {
  readonly #path: string
  readonly #dir: string
  #handle: FileHandle | undefined
  #bytes = 0

  private constructor(dir: string) {
    this.#dir = dir
    this.#path = join(dir, 'acks.log')
  }

  /** Opens the checkpoint file of `dir`, returning the last valid snapshot (undefined for a new outbox). */
  static async open(dir: string): Promise<{ log: AckLog; state: AckState | undefined }> {
    const log = new AckLog(dir)
    let state: AckState | undefined
    try {
      state = lastValid(await readFile(log.#path))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    await log.#rewrite(state)
    return { log, state }
  }

  /** Bytes of the checkpoint file. */
  get bytes(): number {
    return this.#bytes
  }

  /** Appends a snapshot and fsyncs it: segments may be deleted once this resolves. */
  async write(state: AckState): Promise<void> {
    if (this.#bytes >= COMPACT_BYTES) return this.#rewrite(state)
    const record = encode(state)
    await this.#handle!.write(record)
    await this.#handle!.datasync()
    this.#bytes += record.length
  }

  /** Closes the file; idempotent. */
  async close(): Promise<void> {
    const handle = this.#handle
    this.#handle = undefined
    await handle?.close()
  }

  /** Replaces the file with one snapshot (or an empty file): temp file, fsync, rename, fsync the folder. */
  async #rewrite(state: AckState | undefined): Promise<void> {
    const tmp = `${this.#path}.tmp`
    const record = state === undefined ? Buffer.alloc(0) : encode(state)
    const handle = await open(tmp, 'w')
    try {
      await handle.write(record)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, this.#path)
    await syncDir(this.#dir)
    await this.#handle?.close()
    this.#handle = await open(this.#path, 'a')
    this.#bytes = record.length
  }
}
