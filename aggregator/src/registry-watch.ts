/**
 * Keeps the asset registry in force while its file changes (issue 5 "CLI": reloaded when it
 * changes; "Faults": a registry file broken while running leaves the last good one in force, the
 * error is shown). Watches the file's folder, not the file: editors and `mv` replace a file by
 * rename, and a watch on the old inode would then see nothing more.
 */
import { createHash } from 'node:crypto'
import { type FSWatcher, watch } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { type Registry, parseRegistry } from '@rhn/protocols'

/**
 * Quiet time after the last change event before the file is read again, ms. 250 ms: an editor's
 * save (truncate, write, rename) fires several events within a few ms; a person never saves twice
 * in a quarter second.
 */
export const DEFAULT_REGISTRY_DEBOUNCE_MS = 250

/** What `/healthz` shows about the registry file. */
export interface RegistryFileStatus {
  file: string
  /** When the registry now in force was loaded, ms since 1970. */
  loadedAt: number
  /** Successful reloads after the first load. */
  reloads: number
  /** Reloads refused (broken file, or the hospital missing from it). */
  failures: number
  /** The last reload's error while the file is still broken (message with file:line); absent once a good file is applied. */
  error?: { message: string; at: number }
}

/** The logger slice the watcher uses (pino fits). */
export interface RegistryWatchLogger {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Options of {@link RegistryWatcher}. */
export interface RegistryWatcherInit {
  file: string
  /** Applies a parsed registry (the twin's `setRegistry`); a throw counts as a refused reload. */
  apply: (registry: Registry) => void
  /** Called when a reload is refused and when a good file clears the error (the aggregator's alarm). */
  onStatus?: (status: RegistryFileStatus) => void
  logger: RegistryWatchLogger
  now?: () => number
  debounceMs?: number
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Reads and parses a registry file (throws `ValidationError` with file:line for every problem). */
export async function loadRegistry(file: string): Promise<{ registry: Registry; text: string }> {
  const text = await readFile(file, 'utf8')
  return { registry: parseRegistry(text, file), text }
}

/** Watches one registry file; see the module comment. */
export class RegistryWatcher {
  readonly #init: RegistryWatcherInit
  readonly #now: () => number
  #status: RegistryFileStatus
  #hash = ''
  #watcher: FSWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #closed = false

  constructor(init: RegistryWatcherInit) {
    this.#init = init
    this.#now = init.now ?? Date.now
    this.#status = { file: init.file, loadedAt: this.#now(), reloads: 0, failures: 0 }
  }

  /** Starts watching; `loadedText` is the text of the registry already in force (no reload for it). */
  start(loadedText: string): void {
    if (this.#watcher !== undefined || this.#closed) return
    this.#hash = digest(loadedText)
    this.#status.loadedAt = this.#now()
    const name = basename(this.#init.file)
    this.#watcher = watch(dirname(this.#init.file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) this.#schedule()
    })
    this.#watcher.on('error', (err) => this.#init.logger.error({ file: this.#init.file, err: err.message }, 'registry watch failed'))
  }

  /** A copy of the file's status. */
  status(): RegistryFileStatus {
    return { ...this.#status, ...(this.#status.error === undefined ? {} : { error: { ...this.#status.error } }) }
  }

  /** Reads the file now (what a change event does after the debounce); resolves when applied or refused. */
  async check(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true
      return this.#running
    }
    this.#running = this.#reload().finally(() => (this.#running = undefined))
    await this.#running
    if (this.#again && !this.#closed) {
      this.#again = false
      await this.check()
    }
  }

  /** Stops watching. Idempotent. */
  close(): void {
    this.#closed = true
    this.#watcher?.close()
    this.#watcher = undefined
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    if (this.#closed) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.check()
    }, this.#init.debounceMs ?? DEFAULT_REGISTRY_DEBOUNCE_MS)
    this.#timer.unref()
  }

  async #reload(): Promise<void> {
    const { file, logger } = this.#init
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      // Between an editor's unlink and rename the file is briefly missing: the next event retries.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      return this.#refuse(`cannot read ${file}: ${(err as Error).message}`)
    }
    const hash = digest(text)
    // Same bytes as the last file seen (good or broken): nothing to do.
    if (hash === this.#hash) return
    try {
      const registry = parseRegistry(text, file)
      this.#init.apply(registry)
    } catch (err) {
      this.#hash = hash
      return this.#refuse(err instanceof Error ? err.message : String(err))
    }
    this.#hash = hash
    const wasBroken = this.#status.error !== undefined
    delete this.#status.error
    this.#status.loadedAt = this.#now()
    this.#status.reloads += 1
    logger.info({ file, reloads: this.#status.reloads }, 'registry reloaded')
    if (wasBroken) this.#init.onStatus?.(this.status())
  }

  #refuse(message: string): void {
    this.#status.failures += 1
    this.#status.error = { message, at: this.#now() }
    this.#init.logger.error({ file: this.#init.file, err: message }, 'registry reload refused; the last good registry stays in force')
    this.#init.onStatus?.(this.status())
  }
}
