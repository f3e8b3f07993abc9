/**
 * The write pipeline of the InfluxDB store: lines are gathered into batches of `batchSize` (or
 * whatever came in `flushIntervalMs`), posted one batch at a time, retried with exponential backoff
 * while InfluxDB is down, and kept in the disk spill meanwhile (issue 5 "Storage", "Faults").
 *
 * Order: the spill only ever holds batches older than those in memory (memory is spilled as a
 * whole, in order), and the spill is always replayed first, so InfluxDB receives batches in the
 * order they were made and a later value at the same (series, time) wins, as it would have live.
 */
import { AggregatorError } from '../../errors.js'
import type { StoreComponents } from '../deps.js'
import { backoffDelay, type Backoff } from './backoff.js'
import { WriteRejectedError, WriteUnavailableError, type LineWriter } from './line-writer.js'
import type { Batch, DiskSpill, SpillEntry } from './spill.js'

/**
 * Lines held in memory before they go to the spill even while InfluxDB is up (100,000: ~20 MB, about
 * a second of ingest at the target rate): memory stays bounded when InfluxDB is slower than
 * the ingest. One write in flight may still take `timeoutMs`, during which memory grows by that much ingest.
 */
export const MAX_MEMORY_LINES = 100_000

/** Longest `close()` waits for memory and spill to drain while InfluxDB is up (10 s); the rest stays spilled for the next start. */
export const CLOSE_DRAIN_MS = 10_000

/** What the pipeline needs. */
export interface PipelineInit {
  writer: LineWriter
  spill: DiskSpill
  batchSize: number
  flushIntervalMs: number
  retry: Backoff
  /** Runs before the first write and again after a 404 (database missing); a throw counts as a failed attempt. */
  prepare: () => Promise<void>
  components: StoreComponents
}

/** Counters of the pipeline. */
export interface PipelineStats {
  writtenPoints: number
  failedWrites: number
  /** Points InfluxDB refused for good (bad line, type conflict, beyond retention). */
  rejectedPoints: number
  /** Points written from the spill after an outage. */
  replayedPoints: number
}

interface Waiter {
  target: number
  resolve: () => void
  reject: (err: Error) => void
}

/** Batching, ordered delivery, retry and spill for one store. */
export class WritePipeline {
  readonly #init: PipelineInit
  /** The open batch: line-protocol texts of one or more lines each, and how many lines they hold. */
  #open: string[] = []
  #openLines = 0
  #memory: Batch[] = []
  #memoryLines = 0
  /** Seq of the newest sealed batch. */
  #seq = 0
  /** Every batch with seq ≤ this is finished: written, refused or dropped. */
  #doneSeq = 0
  #down = false
  #attempt = 0
  #prepared = false
  #stopping = false
  #waiters: Waiter[] = []
  #wake: (() => void) | undefined
  #loop: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  readonly stats: PipelineStats = { writtenPoints: 0, failedWrites: 0, rejectedPoints: 0, replayedPoints: 0 }

  constructor(init: PipelineInit) {
    this.#init = init
  }

  /** True unless the last attempt failed. */
  get available(): boolean {
    return !this.#down
  }

  /** Points not yet in InfluxDB: the open batch, memory and spill. */
  get pendingPoints(): number {
    return this.#openLines + this.#memoryLines + this.#init.spill.lines
  }

  /**
   * Starts the writer loop; the spill must be open (its batches from an earlier run go first).
   * `prepared`: the schema is known to exist, so `prepare` need not run before the first write.
   */
  start(prepared: boolean): void {
    this.#prepared = prepared
    const spill = this.#init.spill
    this.#seq = spill.maxSeq
    this.#doneSeq = (spill.oldest()?.seq ?? this.#seq + 1) - 1
    this.#timer = setInterval(() => this.seal(), Math.max(1, this.#init.flushIntervalMs))
    this.#timer.unref()
    this.#loop = this.#run()
  }

  /** Lines the open batch takes before it is sealed (at least 1). */
  get room(): number {
    return Math.max(1, this.#init.batchSize - this.#openLines)
  }

  /** Adds a line; seals the batch once it holds `batchSize` lines. */
  push(line: string): void {
    this.pushLines(line, 1)
  }

  /**
   * Adds `lines` lines given as one text (`\n` between them, none at the end); seals the batch once
   * it holds `batchSize` lines. Give at most {@link room} lines at a time to keep batches at `batchSize`.
   */
  pushLines(text: string, lines: number): void {
    if (lines <= 0) return
    this.#open.push(text)
    this.#openLines += lines
    if (this.#openLines >= this.#init.batchSize) this.seal()
  }

  /** Closes the open batch (if any) and hands it to the writer loop. */
  seal(): void {
    if (this.#openLines === 0) return
    const batch: Batch = { seq: ++this.#seq, lines: this.#openLines, body: this.#open.join('\n') }
    this.#open = []
    this.#openLines = 0
    this.#memory.push(batch)
    this.#memoryLines += batch.lines
    this.#signal()
  }

  /** Resolves once every line pushed so far is finished; rejects at once while InfluxDB is down. */
  flush(): Promise<void> {
    this.seal()
    const target = this.#seq
    if (this.#doneSeq >= target) return Promise.resolve()
    if (this.#down) return Promise.reject(this.#unavailable())
    return new Promise((resolve, reject) => this.#waiters.push({ target, resolve, reject }))
  }

  /** Drains while InfluxDB is up (up to {@link CLOSE_DRAIN_MS}), stops the loop, and spills whatever is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    if (!this.#down && this.#loop !== undefined) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([this.flush().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_DRAIN_MS)))])
      clearTimeout(timer)
    }
    this.#stopping = true
    this.#signal()
    await this.#loop
    this.seal()
    await this.#spillMemory()
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', 'store closed'))
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#memoryLines > MAX_MEMORY_LINES) await this.#spillMemory()
      const entry = this.#init.spill.oldest()
      const batch = entry === undefined ? this.#memory[0] : await this.#readSpill(entry)
      if (batch === undefined) {
        if (entry !== undefined) continue
        // Nothing pending: whatever was sealed is accounted for (written, refused or dropped by the spill).
        this.#finish(this.#seq)
        await this.#waitSignal()
        continue
      }
      if (await this.#send(batch)) {
        if (entry === undefined) {
          this.#memory.shift()
          this.#memoryLines -= batch.lines
        } else {
          await this.#init.spill.remove(entry)
          this.stats.replayedPoints += batch.lines
        }
        this.#finish(batch.seq)
      } else {
        await this.#spillMemory()
        await this.#backoff(backoffDelay(this.#attempt - 1, this.#init.retry, this.#init.components.random))
      }
    }
  }

  /** Posts one batch; true when it is finished (written or refused for good), false to retry later. */
  async #send(batch: Batch): Promise<boolean> {
    const { logger } = this.#init.components
    try {
      if (!this.#prepared) {
        await this.#init.prepare()
        this.#prepared = true
      }
      await this.#init.writer.write(batch.body)
      this.stats.writtenPoints += batch.lines
      this.#up()
      return true
    } catch (err) {
      if (err instanceof WriteRejectedError) {
        const dropped = err.dropped ?? batch.lines
        this.stats.rejectedPoints += dropped
        this.stats.writtenPoints += batch.lines - dropped
        logger.warn({ seq: batch.seq, points: batch.lines, dropped, status: err.status, err: err.message }, 'store.influxdb.batch_refused')
        this.#up()
        return true
      }
      if (err instanceof WriteUnavailableError && err.status === 404) this.#prepared = false
      this.stats.failedWrites++
      this.#attempt++
      if (!this.#down) logger.warn({ seq: batch.seq, err: String(err) }, 'store.influxdb.down')
      this.#down = true
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#unavailable(err))
      return false
    }
  }

  #up(): void {
    if (this.#down) this.#init.components.logger.info({ failedAttempts: this.#attempt, spilled: this.#init.spill.lines }, 'store.influxdb.up')
    this.#down = false
    this.#attempt = 0
  }

  async #readSpill(entry: SpillEntry): Promise<Batch | undefined> {
    try {
      return await this.#init.spill.read(entry)
    } catch (err) {
      this.#init.components.logger.error({ file: entry.file, points: entry.lines, err: String(err) }, 'store.influxdb.spill.unreadable')
      this.#init.spill.droppedPoints += entry.lines
      await this.#init.spill.remove(entry)
      return undefined
    }
  }

  async #spillMemory(): Promise<void> {
    const batches = this.#memory
    this.#memory = []
    this.#memoryLines = 0
    for (const batch of batches) await this.#init.spill.append(batch)
  }

  /** Waits `ms` before the next attempt; batches sealed meanwhile go to the spill, not to memory. */
  async #backoff(ms: number): Promise<void> {
    const deadline = performance.now() + ms
    for (;;) {
      if (this.#memory.length > 0) await this.#spillMemory()
      const remaining = deadline - performance.now()
      if (this.#stopping || remaining <= 0) return
      await this.#waitSignal(remaining)
    }
  }

  #finish(seq: number): void {
    if (seq > this.#doneSeq) this.#doneSeq = seq
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.target > this.#doneSeq) return true
      waiter.resolve()
      return false
    })
  }

  #signal(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  #waitSignal(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wake = done
    })
  }

  #unavailable(cause?: unknown): AggregatorError {
    return new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `InfluxDB is not accepting writes; ${this.pendingPoints} points wait in memory and the disk spill`, { cause })
  }
}
