/**
 * A small Prometheus text-format registry (exposition format 0.0.4): counters, gauges and
 * histograms with labels. Metric names end in their unit (`_seconds`, `_bytes`, `_total`).
 */

type Labels = Readonly<Record<string, string>>

const labelText = (labels: Labels): string => {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
  return `{${entries.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`
}

interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  render(): string[]
}

/** A monotonically increasing count per label set. */
export class Counter implements Family {
  readonly type = 'counter'
  private readonly values = new Map<string, { labels: Labels; value: number }>()

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels)
    const cur = this.values.get(key)
    if (cur === undefined) this.values.set(key, { labels, value: by })
    else cur.value += by
  }

  /** Sets the total from an external counter that is already cumulative. */
  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), { labels, value })
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0
  }

  render(): string[] {
    return [...this.values.values()].map((v) => `${this.name}${labelText(v.labels)} ${v.value}`)
  }
}

/** A value read when scraped. */
export class Gauge implements Family {
  readonly type = 'gauge'

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number | readonly { labels: Labels; value: number }[],
  ) {}

  render(): string[] {
    const v = this.read()
    return typeof v === 'number' ? [`${this.name} ${v}`] : v.map((x) => `${this.name}${labelText(x.labels)} ${x.value}`)
  }
}

/** A cumulative histogram with fixed upper bounds (seconds for latencies). */
export class Histogram implements Family {
  readonly type = 'histogram'
  private readonly counts: number[]
  private sum = 0
  private count = 0

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; `+Inf` is implied. */
    readonly buckets: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {
    this.counts = buckets.map(() => 0)
  }

  observe(value: number): void {
    this.sum += value
    this.count++
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++
  }

  render(): string[] {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ]
  }
}

/** The families one process exposes on `/metrics`. */
export class MetricsRegistry {
  private readonly families: Family[] = []

  register<F extends Family>(family: F): F {
    this.families.push(family)
    return family
  }

  /** The text exposition, ready to serve as `text/plain; version=0.0.4`. */
  render(): string {
    return `${this.families.flatMap((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render()]).join('\n')}\n`
  }
}

/** A histogram kept elsewhere (cumulative bucket counts, sum, count), rendered when scraped. */
export class ExternalHistogram implements Family {
  readonly type = 'histogram'

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => { buckets: readonly number[]; counts: readonly number[]; sum: number; count: number },
  ) {}

  render(): string[] {
    const h = this.read()
    return [
      ...h.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${h.counts[i] ?? 0}`),
      `${this.name}_bucket{le="+Inf"} ${h.count}`,
      `${this.name}_sum ${h.sum}`,
      `${this.name}_count ${h.count}`,
    ]
  }
}

/** A counter kept elsewhere (already cumulative), read when scraped. */
export class ObservedCounter implements Family {
  readonly type = 'counter'

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [`${this.name} ${this.read()}`]
  }
}
