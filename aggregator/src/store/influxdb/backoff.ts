import type { InfluxdbStoreConfig } from '@rhn/protocols'

/** The retry block of the config: delay n = min(maxMs, minMs * factor^n), spread by ± jitter. */
export type Backoff = InfluxdbStoreConfig['retry']

/** Delay before retry number `attempt` (0 = the first retry), ms. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const base = Math.min(backoff.maxMs, backoff.minMs * backoff.factor ** Math.min(attempt, 64))
  return Math.max(0, Math.round(base * (1 + backoff.jitter * (2 * random() - 1))))
}
