// Spawns the real `rhn-ledger` CLI from its TypeScript source, as a user runs it.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

const CLI = new URL('../src/cli/rhn-ledger.ts', import.meta.url).pathname
const ROOT = new URL('../../', import.meta.url).pathname

/** One CLI process and what it printed so far. */
export interface Run {
  child: ChildProcess
  stdout: string
  stderr: string
  /** The exit code once the process exited and its streams closed. */
  exit: Promise<number | null>
}

/** Every child started, so `killAll` leaves none running after a failed test. */
const started: ChildProcess[] = []

/** Starts `rhn-ledger ARGS` in the repository root. */
export function cli(args: string[], cwd = ROOT): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('close', (code) => resolve(code))) }
  child.stdout.on('data', (b: Buffer) => (run.stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (run.stderr += b.toString()))
  return run
}

/** Runs `rhn-ledger ARGS` to its end. */
export async function cliDone(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = cli(args, cwd)
  const code = await run.exit
  return { code, stdout: run.stdout, stderr: run.stderr }
}

/** SIGKILLs every child still running. */
export function killAll(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A free TCP port on 127.0.0.1 (the ledger package does not use @rhn/test: that package depends on the aggregator, which depends on the ledger). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
