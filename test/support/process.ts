/** Stopping a child process started by the harness: SIGTERM, then SIGKILL after a timeout, and wait for the exit. */
import type { ChildProcess } from 'node:child_process'

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
