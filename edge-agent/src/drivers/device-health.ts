/**
 * Per-device online/offline bookkeeping: tells the agent only about changes (each change is a
 * DDEATH or DBIRTH on the wire) and answers `/healthz`.
 */
import type { DriverComponents } from './types.js'

/** Backoff settings as the config gives them (`backoffSchema` in protocols). */
export interface BackoffConfig {
  readonly minMs: number
  readonly maxMs: number
  readonly factor: number
  readonly jitter: number
}

/**
 * Delay before retry `attempt` (0-based): min(maxMs, minMs * factor^attempt), spread by ± jitter so
 * a fleet restarting together does not retry in lock-step. `random` returns [0, 1).
 */
export function backoffDelay(b: BackoffConfig, attempt: number, random: () => number): number {
  const base = Math.min(b.maxMs, b.minMs * b.factor ** attempt)
  return Math.max(0, Math.round(base * (1 + b.jitter * (2 * random() - 1))))
}

interface State {
  online: boolean | undefined
  since: number
  error?: string
}

/** Online state of the devices of one driver. */
export class DeviceHealth {
  private readonly states = new Map<string, State>()

  constructor(
    private readonly components: DriverComponents,
    devices: readonly string[],
  ) {
    for (const d of devices) this.states.set(d, { online: undefined, since: components.now() })
  }

  /** Records the state; calls `deviceState` only when `online` changed (or was never reported). */
  set(device: string, online: boolean, error?: string): void {
    const s = this.states.get(device)
    if (s === undefined) return
    const changed = s.online !== online
    if (changed) {
      s.online = online
      s.since = this.components.now()
    }
    s.error = online ? undefined : error
    if (changed) this.components.deviceState(device, online, online ? undefined : error)
  }

  /** Whether the device was last reported online. */
  isOnline(device: string): boolean {
    return this.states.get(device)?.online === true
  }

  /** For `Driver.health()`; a device never heard from counts as offline. */
  list(): { device: string; online: boolean; since: number; error?: string }[] {
    return [...this.states].map(([device, s]) => ({ device, online: s.online === true, since: s.since, ...(s.error === undefined ? {} : { error: s.error }) }))
  }
}
