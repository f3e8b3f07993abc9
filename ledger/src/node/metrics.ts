/** The counters of a ledger node, keyed Prometheus style (`name{label="value"}`); rendered by the API. */

/** A set of named counters and gauges. No package-level state: one per node. */
export class Counters {
  readonly #values = new Map<string, number>()

  /** Adds `by` (default 1) to a counter, optionally labelled. */
  inc(name: string, labels?: Record<string, string>, by = 1): void {
    const key = labelled(name, labels)
    this.#values.set(key, (this.#values.get(key) ?? 0) + by)
  }

  /** Sets a gauge. */
  set(name: string, value: number): void {
    this.#values.set(name, value)
  }

  /** The value of a counter (0 when never incremented). */
  get(name: string, labels?: Record<string, string>): number {
    return this.#values.get(labelled(name, labels)) ?? 0
  }

  /** A copy of every value. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values)
  }
}

function labelled(name: string, labels: Record<string, string> | undefined): string {
  if (labels === undefined) return name
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, '_')}"`)
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`
}
