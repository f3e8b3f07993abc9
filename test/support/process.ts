/** Stopping a child process started by the harness: SIGTERM, then SIGKILL after a timeout, and wait for the exit. */
import { type ChildProcess, spawn } from 'node:child_process'

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once `child` has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Sends SIGTERM, then SIGKILL when the process is still there after `timeoutMs`; resolves after the exit. */
export async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  const done = exited(child)
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timedOut = await Promise.race([
    done.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs)
    }),
  ])
  clearTimeout(timer)
  if (timedOut) {
    child.kill('SIGKILL')
    await done
  }
}

/**
 * Kills `child` (SIGKILL) if this process dies first: a detached `sh` polls both every second and
 * ends by itself once the child has exited. Without it, a server started by a test worker that
 * vitest kills on a timeout would outlive the run (the harness's own `stop` never runs then).
 */
export function killWithParent(child: ChildProcess): void {
  if (child.pid === undefined) return
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -0 ${process.pid} 2>/dev/null || kill -9 ${child.pid} 2>/dev/null; exit 0`
  const watchdog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' })
  watchdog.on('error', () => undefined) // no shell: the guard is lost, the test itself is unaffected
  watchdog.unref()
}
