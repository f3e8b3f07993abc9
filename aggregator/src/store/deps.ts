/**
 * What every store backend needs from its host process (house rule 4): a logger, a clock and a
 * random source, passed in so tests and simulations are deterministic.
 */

/** The slice of a pino logger a store uses (`log.warn({ files }, 'spill.overflow')`). */
export interface StoreLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Dependencies of a store; every field is optional. */
export interface StoreDeps {
  /** Structured logger (pino); silent when absent. */
  logger?: StoreLogger
  /** Wall clock, ms since 1970: retention cut-offs and "is this range older than raw retention". */
  now?: () => number
  /** Uniform [0, 1): retry jitter. Pass a seeded generator for reproducible runs. */
  random?: () => number
}

/** {@link StoreDeps} with every field filled in. */
export type StoreComponents = Required<StoreDeps>

const silent: StoreLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }

/** Fills the defaults: a silent logger, `Date.now` and `Math.random`. */
export function storeComponents(deps: StoreDeps = {}): StoreComponents {
  return { logger: deps.logger ?? silent, now: deps.now ?? Date.now, random: deps.random ?? Math.random }
}
