/** Groups one message's metric values into store points: one point per (asset, timestamp). */
import type { PointTags, StoredValue, TelemetryPoint } from '../store/types.js'

/** Collects fields by timestamp; a DDATA whose metrics share one timestamp gives one point. */
export class PointBuilder {
  readonly points: TelemetryPoint[] = []
  private lastTs = Number.NaN
  /** The newest timestamp with a point: a later one needs no look-up (samples mostly come in time order). */
  private maxTs = Number.NEGATIVE_INFINITY
  private lastFields: Record<string, StoredValue> | undefined
  /** Built only when a message carries several timestamps (e.g. a historical replay). */
  private byTs: Map<number, Record<string, StoredValue>> | undefined

  constructor(private readonly tags: PointTags) {}

  /** Adds `name = value` at `timestamp`. */
  add(name: string, value: StoredValue, timestamp: number): void {
    if (timestamp !== this.lastTs || this.lastFields === undefined) this.lastFields = this.fieldsAt(timestamp)
    this.lastFields[name] = value
  }

  private fieldsAt(timestamp: number): Record<string, StoredValue> {
    this.lastTs = timestamp
    if (timestamp > this.maxTs) this.maxTs = timestamp
    else {
      this.byTs ??= new Map(this.points.map((p) => [p.timestamp, p.fields as Record<string, StoredValue>]))
      const found = this.byTs.get(timestamp)
      if (found !== undefined) return found
    }
    const fields: Record<string, StoredValue> = {}
    this.points.push({ tags: this.tags, fields, timestamp })
    this.byTs?.set(timestamp, fields)
    return fields
  }
}
