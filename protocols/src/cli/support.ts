/**
 * What every RHN command-line program shares (`rhn-sim`, `rhn-edge`, `rhn-aggregator`,
 * `rhn-ledger`): the usage error, the stop signal, and turning `main`'s result or failure into a
 * message and an exit code — 0 done, 1 failed, 2 bad usage (with the usage text) or bad input.
 */
import { RhnError } from '../errors/error.js'

/** Bad usage: an unknown command or flag, a missing argument. Exit 2, with the usage text. */
export class UsageError extends Error {}

/** True for a {@link UsageError} or one of `node:util` `parseArgs`' own (unknown flag, missing value). */
export function isUsageError(err: unknown): err is Error {
  return err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
}

/**
 * The first SIGINT or SIGTERM from now on. Listening starts at once, so a signal that arrives while a
 * service is still starting stops it as soon as the start has finished (or failed).
 */
export function stopSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((done) => {
    process.once('SIGINT', () => done('SIGINT'))
    process.once('SIGTERM', () => done('SIGTERM'))
  })
}

/** How a program reports failures. */
export interface CliInit {
  /** The program's name, the prefix of every message (`rhn-edge: …`). */
  name: string
  /** The usage text printed after a usage error (a function: it may depend on the command given). */
  usage: () => string
  /** Program-specific failures: print and return an exit code, or undefined for the default handling. */
  failure?: (err: unknown) => number | undefined
}

/**
 * The default exit code and message for `err`: usage errors 2 with the usage; an `RhnError` 1 (a
 * config or YAML error prints its own message, which already lists each problem by file, line and
 * key; any other is prefixed with its code); anything else 1 as an unexpected failure.
 */
export function cliFailure(init: CliInit, err: unknown): number {
  const own = init.failure?.(err)
  if (own !== undefined) return own
  if (isUsageError(err)) {
    console.error(`${init.name}: ${err.message}\n\n${init.usage()}`)
    return 2
  }
  if (err instanceof RhnError) {
    console.error(err.code === 'RHN_PROTO_CONFIG_INVALID' || err.code === 'RHN_PROTO_YAML_SYNTAX' ? err.message : `${init.name}: ${err.code}: ${err.message}`)
    return 1
  }
  console.error(`${init.name}: unexpected failure:`, err)
  return 1
}

/** Runs `main` and sets the process exit code from its result, or from {@link cliFailure}. */
export function runCli(init: CliInit, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.exitCode = cliFailure(init, err)
    },
  )
}
