/**
 * InfluxDB line protocol for checked points (DESIGN.md "Wire and storage conventions"): the
 * measurement is the asset kind, the tags are the six bounded ones of `PointTags` and nothing else,
 * the fields are the metric values. Numbers are always written as floats (never `i`), so a metric
 * whose values happen to be whole keeps one field type; booleans and strings keep theirs.
 * https://docs.influxdata.com/influxdb/v1.6/write_protocols/line_protocol_reference/
 */
import { escape } from 'influx'
import { TAG_KEYS, type CheckedPoint } from '../point.js'
import type { StoredValue } from '../types.js'

/** A field value in line-protocol syntax. Line protocol has no newline escape: it is written as `\n` text. */
export function fieldValue(value: StoredValue): string {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return escape.quoted(value.includes('\n') ? value.replaceAll('\n', '\\n') : value)
}

/**
 * Encodes points, one per store. Tag values and kinds passed the bounded-id check
 * (`[A-Za-z0-9._-]`), so they need no escaping; metric names may hold spaces, so field keys are
 * escaped, and cached since there are few metric names.
 */
export class LineEncoder {
  readonly #fieldKeys = new Map<string, string>()

  /** One line: `kind,asset=…,hospital=…,kind=…,region=…,section=…,unit=… metric=value,… timestampMs`. */
  line(point: CheckedPoint): string {
    const tags = point.tags
    let line = tags.kind
    for (const key of TAG_KEYS) line += `,${key}=${tags[key]}`
    let sep = ' '
    for (const [name, value] of point.fields) {
      line += `${sep}${this.#fieldKey(name)}=${fieldValue(value)}`
      sep = ','
    }
    return `${line} ${point.timestamp}`
  }

  #fieldKey(name: string): string {
    let key = this.#fieldKeys.get(name)
    if (key === undefined) {
      key = escape.tag(name)
      // Bounded by the metric catalogue; the cap only guards against a flood of made-up names.
      if (this.#fieldKeys.size < 10_000) this.#fieldKeys.set(name, key)
    }
    return key
  }
}
