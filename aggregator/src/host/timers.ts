/** Timer functions the host uses, injectable so tests and simulations control time. */

/** `setTimeout`/`clearTimeout` as the host needs them. */
export interface HostTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Node's own timers. */
export const systemTimers: HostTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * Waits for `work` at most `timeoutMs`; resolves `'done'`, `'timeout'` or `'failed'` (never
 * rejects) and leaves no timer behind. For shutdown steps that must not hang a stop.
 */
export async function settleWithin(work: Promise<unknown>, timeoutMs: number, timers: HostTimers): Promise<'done' | 'timeout' | 'failed'> {
  let timer: unknown
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = timers.setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    return await Promise.race([work.then(() => 'done' as const), timeout])
  } catch {
    return 'failed'
  } finally {
    timers.clearTimeout(timer)
  }
}
