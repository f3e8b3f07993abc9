/**
 * Checks points before any backend sees them, so both backends store the same things and no
 * unbounded value ever becomes a tag (DESIGN.md "Wire and storage conventions": never an RFID serial
 * or a patient key as a tag). Bad points and values are dropped and counted, never thrown: one bad
 * device must not stop the ingest of the others (issue 5 "Faults").
 */
import { COMPONENT_KINDS } from '@rhn/protocols'
import type { PointTags, StoredValue, TelemetryPoint } from './types.js'

/** The tag keys a store ever writes, in line-protocol order (sorted, which InfluxDB parses fastest). */
export const TAG_KEYS = ['asset', 'hospital', 'kind', 'region', 'section', 'unit'] as const satisfies readonly (keyof PointTags)[]

/**
 * A tag value: a registry id (`rxa-icu-bay-a-vent-01`, `RXA`, `unassigned`). The registry's id rules
 * are bounded sets of short slugs; anything else (a free-text name, an EPC, a 40-char hash) is refused.
 */
const TAG_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** A metric name as the catalogue spells it (the `metricName` rule of the config schemas). */
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_./ -]{0,127}$/

const KINDS: ReadonlySet<string> = new Set<string>([...COMPONENT_KINDS, 'unassigned'])

/** A point that passed {@link checkPoints}: only the six bounded tags, only valid values. */
export interface CheckedPoint {
  tags: PointTags
  fields: readonly (readonly [name: string, value: StoredValue])[]
  timestamp: number
}

/** What {@link checkPoints} kept and what it dropped. */
export interface CheckResult {
  points: CheckedPoint[]
  /** Whole points dropped: a tag that is not a bounded id, a bad timestamp, or no valid value left. */
  rejectedPoints: number
  /** Single values dropped: a bad metric name, a non-finite number, a value of another type. */
  rejectedValues: number
  /** The first reason met, for one log line per call instead of one per point. */
  firstReason?: string
}

function tagsOf(tags: PointTags): PointTags | string {
  for (const key of TAG_KEYS) {
    const value: unknown = tags[key]
    if (typeof value !== 'string' || !TAG_VALUE.test(value)) return `tag ${key} is not a bounded id: ${JSON.stringify(value)?.slice(0, 80)}`
  }
  if (!KINDS.has(tags.kind)) return `tag kind is not a component kind: ${tags.kind}`
  // A fresh object: extra properties smuggled in by a cast never reach a backend.
  return { region: tags.region, hospital: tags.hospital, unit: tags.unit, section: tags.section, asset: tags.asset, kind: tags.kind }
}

function valueOk(value: unknown): value is StoredValue {
  return typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

/** The type of a stored value, as both backends keep it. */
export type ValueType = 'number' | 'boolean' | 'string'

/** The {@link ValueType} of a value. */
export function valueType(value: StoredValue): ValueType {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string'
}

/**
 * Most assets and metric names remembered per checker (10,000 each: far above a hospital's
 * registry and the catalogue); beyond it values are still checked, only not cached.
 */
const CACHE_LIMIT = 10_000

function sameTags(a: PointTags, b: PointTags): boolean {
  return a.asset === b.asset && a.kind === b.kind && a.section === b.section && a.unit === b.unit && a.hospital === b.hospital && a.region === b.region
}

/** Counts a refusal (a module function, not a closure per call: check runs for every message). */
function rejectInto(result: CheckResult, reason: string, points: number, values: number): void {
  result.rejectedPoints += points
  result.rejectedValues += values
  result.firstReason ??= reason
}

/**
 * Checks points; one per store instance (no package-level state). It also keeps every metric of an
 * asset kind at the type it first had, because InfluxDB fixes a field's type per measurement and
 * refuses the other (`field type conflict`): SQLite then refuses the same values, so the backends agree.
 * Checked tags and metric names are cached, so the ingest path runs no regular expression for a known asset.
 */
export class PointChecker {
  /** Asset id → its last checked tags. */
  readonly #tags = new Map<string, PointTags>()
  /** Kind → metric name → the type the metric has (a name is in here only once it passed the name check). */
  readonly #types = new Map<string, Map<string, ValueType>>()

  /** Keeps what can be stored; see {@link CheckResult}. */
  check(input: readonly TelemetryPoint[]): CheckResult {
    const result: CheckResult = { points: [], rejectedPoints: 0, rejectedValues: 0 }
    for (const point of input) {
      const tags = this.#checkTags(point.tags)
      if (typeof tags === 'string') {
        rejectInto(result, tags, 1, 0)
        continue
      }
      if (!Number.isSafeInteger(point.timestamp) || point.timestamp < 0) {
        rejectInto(result, `timestamp is not a non-negative integer of ms: ${point.timestamp}`, 1, 0)
        continue
      }
      let types = this.#types.get(tags.kind)
      if (types === undefined) {
        types = new Map<string, ValueType>()
        this.#types.set(tags.kind, types)
      }
      const fields: (readonly [string, StoredValue])[] = []
      for (const name in point.fields) {
        const value = point.fields[name]
        if (!valueOk(value)) {
          rejectInto(result, `value of ${name} cannot be stored: ${String(value)}`, 0, 1)
          continue
        }
        const type = valueType(value)
        const known = types.get(name)
        if (known === undefined) {
          if (!METRIC_NAME.test(name)) {
            rejectInto(result, `metric name is not a catalogue name: ${JSON.stringify(name).slice(0, 80)}`, 0, 1)
            continue
          }
          if (types.size < CACHE_LIMIT) types.set(name, type)
        } else if (known !== type) {
          rejectInto(result, `${name} of kind ${tags.kind} is a ${known}, got a ${type}`, 0, 1)
          continue
        }
        fields.push([name, value])
      }
      if (fields.length === 0) {
        rejectInto(result, `point of ${tags.asset} has no storable value`, 1, 0)
        continue
      }
      result.points.push({ tags, fields, timestamp: point.timestamp })
    }
    return result
  }

  #checkTags(tags: PointTags): PointTags | string {
    const cached = this.#tags.get(tags.asset)
    if (cached !== undefined && sameTags(cached, tags)) return cached
    const checked = tagsOf(tags)
    if (typeof checked !== 'string' && (cached !== undefined || this.#tags.size < CACHE_LIMIT)) this.#tags.set(checked.asset, checked)
    return checked
  }
}
