/**
 * The region's checkpoint: its state and the ledger cursor it is at, in one JSON file in the store's
 * folder, replaced atomically (write a temporary file, then rename: POSIX rename is atomic within a
 * file system). A restart loads it and pages on from its cursor, so a transaction is never applied
 * twice and the view is back at once, without re-reading the ledger (issue 7: rebuild ≤ 10 s).
 * Without a checkpoint (first start, or a store moved), the feed reads from cursor 0.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { StoreConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import { AggregatorError } from '../errors.js'
import { REGION_STATE_VERSION, emptyRegionState, type RegionStateData } from './state.js'

/** Save at most this often while transactions arrive, ms (1 s: a crash re-reads at most a second of pages). */
export const CHECKPOINT_INTERVAL_MS = 1_000

/**
 * Where the checkpoint of a store config lives: beside the SQLite file (`<file>.region.json`), or in
 * the InfluxDB spill folder; none for an in-memory SQLite store (nothing survives it either).
 */
export function checkpointPathFor(store: StoreConfig): string | undefined {
  if (store.type === 'sqlite') return store.path === ':memory:' ? undefined : `${store.path}.region.json`
  return join(store.spill.dir, 'region-state.json')
}

/**
 * Loads the checkpoint, or an empty state when there is none. A checkpoint of another ledger node is
 * set aside (cursors are node-local): the feed starts at 0 and the state is rebuilt from the ledger.
 * @throws AggregatorError `RHN_AGG_CONFIG_INVALID` when the file is unreadable or of a newer format.
 */
export async function loadCheckpoint(file: string | undefined, nodeUrl: string, log: Logger): Promise<RegionStateData> {
  if (file === undefined) return emptyRegionState(nodeUrl)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegionState(nodeUrl)
    throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `region checkpoint ${file} cannot be read: ${String(err)}`, { cause: err })
  }
  let data: RegionStateData
  try {
    data = JSON.parse(text) as RegionStateData
  } catch (err) {
    // A torn file cannot happen (rename is atomic); a hand-edited one is refused loudly.
    throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `region checkpoint ${file} is not JSON; delete it to rebuild the region from the ledger`, { cause: err })
  }
  const version: unknown = data.version
  if (version !== REGION_STATE_VERSION) {
    throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `region checkpoint ${file} has format ${String(version)}, this aggregator reads ${REGION_STATE_VERSION}; delete it to rebuild from the ledger`)
  }
  if (data.nodeUrl !== nodeUrl) {
    log.warn({ file, was: data.nodeUrl, now: nodeUrl }, 'region checkpoint is of another ledger node; rebuilding from cursor 0')
    return emptyRegionState(nodeUrl)
  }
  return data
}

/** Writes checkpoints one at a time, at most every {@link CHECKPOINT_INTERVAL_MS}; `flush` writes now. */
export class CheckpointWriter {
  readonly #file: string | undefined
  readonly #state: () => RegionStateData
  readonly #log: Logger
  readonly #intervalMs: number
  readonly #beforeWrite: () => Promise<void>
  #timer: NodeJS.Timeout | undefined
  #writing: Promise<void> = Promise.resolve()
  #dirty = false
  #saves = 0

  /**
   * @param beforeWrite runs before each write: the store's flush, so a checkpoint never claims a
   * cursor whose points are still only in memory (a failure skips the write; the next touch retries).
   */
  constructor(file: string | undefined, state: () => RegionStateData, log: Logger, beforeWrite: () => Promise<void> = async () => {}, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.#beforeWrite = beforeWrite
    this.#file = file
    this.#state = state
    this.#log = log
    this.#intervalMs = intervalMs
  }

  /** Checkpoints written since start. */
  get saves(): number {
    return this.#saves
  }

  /** Marks the state changed; it is written within the interval. */
  touch(): void {
    if (this.#file === undefined) return
    this.#dirty = true
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      void this.flush()
    }, this.#intervalMs)
  }

  /** Writes the state now if it changed; resolves when written. Failures are logged, the next touch retries. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    const file = this.#file
    if (file === undefined || !this.#dirty) return this.#writing
    this.#dirty = false
    // Serialise now: the state keeps changing while the file is written.
    const text = JSON.stringify(this.#state())
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#beforeWrite()
        await mkdir(dirname(file), { recursive: true })
        await writeFile(`${file}.tmp`, text)
        await rename(`${file}.tmp`, file)
        this.#saves += 1
      } catch (err) {
        this.#dirty = true
        this.#log.warn({ file, err: String(err) }, 'region checkpoint not written; retrying with the next change')
      }
    })
    return this.#writing
  }

  /** Stops the timer (call `flush` first to keep the latest state). */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
