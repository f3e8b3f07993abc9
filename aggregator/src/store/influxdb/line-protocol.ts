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
 * escaped, and cached since there are few metric names. The measurement-and-tags prefix is cached
 * per tags object (the checker hands out one per asset), so a line costs one concatenation per
 * field (issue 5 "Speed").
 */
export class LineEncoder {
  /** Metric name → ` key=` / `,key=` (escaped, with the separator that precedes it). */
  readonly #firstKeys = new Map<string, string>()
  readonly #nextKeys = new Map<string, string>()
  readonly #prefixes = new WeakMap<CheckedPoint['tags'], string>()

  /** One line: `kind,asset=…,hospital=…,kind=…,region=…,section=…,unit=… metric=value,… timestampMs`. */
  line(point: CheckedPoint): string {
    let line = this.#prefix(point.tags)
    const fields = point.fields
    for (let i = 0; i < fields.length; i++) {
      const [name, value] = fields[i]!
      line += (i === 0 ? this.#key(this.#firstKeys, ' ', name) : this.#key(this.#nextKeys, ',', name)) + fieldValue(value)
    }
    return line + ' ' + String(point.timestamp)
  }

  /**
   * The lines of `points` as one string, `\n` between lines. A flat string of a whole write call
   * is one object for the garbage collector where separate lines are many (issue 5 "Speed").
   */
  lines(points: readonly CheckedPoint[], from = 0, to = points.length): string {
    const out = new Array<string>(to - from)
    for (let i = from; i < to; i++) out[i - from] = this.line(points[i]!)
    return out.join('\n')
  }

  #prefix(tags: CheckedPoint['tags']): string {
    let prefix = this.#prefixes.get(tags)
    if (prefix === undefined) {
      prefix = tags.kind
      for (const key of TAG_KEYS) prefix += `,${key}=${tags[key]}`
      this.#prefixes.set(tags, prefix)
    }
    return prefix
  }

  #key(cache: Map<string, string>, sep: string, name: string): string {
    let key = cache.get(name)
    if (key === undefined) {
      key = `${sep}${escape.tag(name)}=`
      // Bounded by the metric catalogue; the cap only guards against a flood of made-up names.
      if (cache.size < 10_000) cache.set(name, key)
    }
    return key
  }
}
