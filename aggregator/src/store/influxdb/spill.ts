/**
 * The bounded disk spill (issue 5 "Storage": a bounded disk spill while InfluxDB is down, replayed
 * after). One file per batch, named `{seq}-{lines}.lp` and holding the batch's line protocol as it
 * would have been posted, so a replay posts the file unchanged and the name alone says how many
 * points a file holds. Files are written to `.tmp`, fsynced and renamed, so a crash never leaves a
 * torn batch; the spill survives a restart of the aggregator and is replayed oldest first.
 * Past `maxBytes` the oldest files are deleted and their points counted as dropped.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoreLogger } from '../deps.js'

/** A batch of line protocol on its way to InfluxDB. */
export interface Batch {
  /** Position in the write order; larger is newer. */
  seq: number
  /** Number of lines (points). */
  lines: number
  body: string
}

/** One spilled batch on disk. */
export interface SpillEntry {
  seq: number
  lines: number
  bytes: number
  file: string
}

const NAME = /^(\d{16})-(\d+)\.lp$/

function fileName(seq: number, lines: number): string {
  return `${String(seq).padStart(16, '0')}-${lines}.lp`
}

/** Line-protocol batches on disk, oldest first, at most `maxBytes` in total. */
export class DiskSpill {
  readonly #dir: string
  readonly #maxBytes: number
  readonly #logger: StoreLogger
  #entries: SpillEntry[] = []
  #bytes = 0
  #lines = 0
  /** Points ever written to the spill. */
  spilledPoints = 0
  /** Points deleted unsent because the spill was full (or could not be written). */
  droppedPoints = 0

  constructor(dir: string, maxBytes: number, logger: StoreLogger) {
    this.#dir = dir
    this.#maxBytes = maxBytes
    this.#logger = logger
  }

  /** Creates the folder, removes torn `.tmp` files and takes stock of batches left by an earlier run. */
  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true })
    const entries: SpillEntry[] = []
    for (const name of await readdir(this.#dir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.#dir, name), { force: true })
        continue
      }
      const match = NAME.exec(name)
      if (match === null) continue
      const file = join(this.#dir, name)
      entries.push({ seq: Number(match[1]), lines: Number(match[2]), bytes: (await stat(file)).size, file })
    }
    this.#entries = entries.sort((a, b) => a.seq - b.seq)
    this.#bytes = entries.reduce((sum, e) => sum + e.bytes, 0)
    this.#lines = entries.reduce((sum, e) => sum + e.lines, 0)
    if (entries.length > 0) this.#logger.info({ files: entries.length, points: this.#lines, bytes: this.#bytes }, 'store.influxdb.spill.found')
  }

  /** Batches on disk. */
  get files(): number {
    return this.#entries.length
  }

  /** Bytes on disk. */
  get bytes(): number {
    return this.#bytes
  }

  /** Points on disk. */
  get lines(): number {
    return this.#lines
  }

  /** Largest seq on disk (0 when empty): a restarted store numbers its batches after it. */
  get maxSeq(): number {
    return this.#entries.at(-1)?.seq ?? 0
  }

  oldest(): SpillEntry | undefined {
    return this.#entries[0]
  }

  /** Writes a batch; deletes the oldest batches first when it would not fit. Never throws: a failure drops and counts. */
  async append(batch: Batch): Promise<void> {
    const bytes = Buffer.byteLength(batch.body)
    if (bytes > this.#maxBytes) {
      this.#drop(batch.lines, 'batch larger than spill.maxBytes')
      return
    }
    while (this.#bytes + bytes > this.#maxBytes) {
      const oldest = this.#entries[0]
      if (oldest === undefined) break
      await this.remove(oldest)
      this.#drop(oldest.lines, 'spill full: oldest batch deleted')
    }
    const file = join(this.#dir, fileName(batch.seq, batch.lines))
    try {
      const handle = await open(`${file}.tmp`, 'w')
      try {
        await handle.writeFile(batch.body)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(`${file}.tmp`, file)
    } catch (err) {
      await rm(`${file}.tmp`, { force: true }).catch(() => undefined)
      this.#drop(batch.lines, `cannot write spill file: ${String(err)}`)
      return
    }
    this.#entries.push({ seq: batch.seq, lines: batch.lines, bytes, file })
    this.#bytes += bytes
    this.#lines += batch.lines
    this.spilledPoints += batch.lines
  }

  async read(entry: SpillEntry): Promise<Batch> {
    return { seq: entry.seq, lines: entry.lines, body: await readFile(entry.file, 'utf8') }
  }

  /** Deletes a batch once InfluxDB has it. */
  async remove(entry: SpillEntry): Promise<void> {
    const index = this.#entries.indexOf(entry)
    if (index < 0) return
    this.#entries.splice(index, 1)
    this.#bytes -= entry.bytes
    this.#lines -= entry.lines
    await rm(entry.file, { force: true })
  }

  #drop(lines: number, reason: string): void {
    this.droppedPoints += lines
    this.#logger.warn({ points: lines, droppedPoints: this.droppedPoints, reason }, 'store.influxdb.spill.dropped')
  }
}
