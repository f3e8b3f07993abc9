/**
 * Query-parameter parsing for the API: every bad value throws `RHN_AGG_BAD_PARAMETER` with a message
 * that starts with the parameter's name (`from: …`), answered as 400 (issue 5: "a bad parameter gets
 * a 400 that names it").
 */
import { AggregatorError } from '../errors.js'
import { HISTORY_AGGREGATES, type HistoryQuery } from '../store/types.js'

/** Throws the 400 error for `name`. */
export function badParameter(name: string, problem: string): never {
  throw new AggregatorError('RHN_AGG_BAD_PARAMETER', `${name}: ${problem}`)
}

/** Longest accepted id or free-text parameter, characters: registry ids are far shorter. */
export const MAX_PARAM_LENGTH = 200

/** A single string parameter (a repeated one is a 400), or undefined when absent. */
export function stringParam(query: Record<string, unknown>, name: string, required: true): string
export function stringParam(query: Record<string, unknown>, name: string, required?: false): string | undefined
export function stringParam(query: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = query[name]
  if (v === undefined || v === '') {
    if (required) badParameter(name, 'is required')
    return undefined
  }
  if (typeof v !== 'string') badParameter(name, 'must be given once')
  if (v.length > MAX_PARAM_LENGTH) badParameter(name, `must be at most ${MAX_PARAM_LENGTH} characters`)
  return v
}

/** One of `allowed`, or undefined when absent. */
export function enumParam<T extends string>(query: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const v = stringParam(query, name)
  if (v === undefined) return undefined
  if (!(allowed as readonly string[]).includes(v)) badParameter(name, `must be one of ${allowed.join(', ')} (got "${v}")`)
  return v as T
}

// ISO-8601 date-time with a zone (or a plain date); Date.parse alone accepts too much (e.g. "1").
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/

/** A time as ISO-8601 (`2025-01-01T10:00:00Z`) or ms since 1970 (`1735725600000`). */
export function parseTime(name: string, raw: string): number {
  if (/^\d{1,15}$/.test(raw)) return Number(raw)
  if (ISO_8601.test(raw)) {
    const t = Date.parse(raw)
    if (Number.isFinite(t)) return t
  }
  return badParameter(name, `must be an ISO-8601 date-time with a zone or ms since 1970 (got "${raw}")`)
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration such as `30s`, `1m`, `1h`, `1d`, `500ms`, or plain ms (`60000`); must be > 0. */
export function parseDuration(name: string, raw: string): number {
  const m = /^(\d{1,12})(ms|s|m|h|d)?$/.exec(raw)
  const ms = m === null ? NaN : Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? NaN)
  if (!Number.isFinite(ms) || ms <= 0) badParameter(name, `must be a positive duration like 30s, 1m, 1h or ms (got "${raw}")`)
  return ms
}

/** The window and buckets of a history query, as both the hospital and the region API read them. */
export type HistoryWindow = Pick<HistoryQuery, 'from' | 'to' | 'everyMs' | 'agg'>

/**
 * Reads `from`, `to` (default now), `every` and `agg` of a history query: `from` defaults to
 * `defaultWindowMs` before `to` and must be before it, `agg` needs `every`, and `every` may not cut
 * the window into more than `maxBuckets` buckets.
 */
export function parseHistoryWindow(query: Record<string, unknown>, now: number, defaultWindowMs: number, maxBuckets: number): HistoryWindow {
  const fromRaw = stringParam(query, 'from')
  const toRaw = stringParam(query, 'to')
  const to = toRaw === undefined ? now : parseTime('to', toRaw)
  const from = fromRaw === undefined ? to - defaultWindowMs : parseTime('from', fromRaw)
  if (from >= to) badParameter('from', 'must be before to')
  const everyRaw = stringParam(query, 'every')
  const everyMs = everyRaw === undefined ? undefined : parseDuration('every', everyRaw)
  const agg = enumParam(query, 'agg', HISTORY_AGGREGATES)
  if (agg !== undefined && everyMs === undefined) badParameter('agg', 'needs every (the bucket width)')
  if (everyMs !== undefined && (to - from) / everyMs > maxBuckets) badParameter('every', `gives more than ${maxBuckets} buckets between from and to; use a wider bucket`)
  return { from, to, ...(everyMs === undefined ? {} : { everyMs }), ...(agg === undefined ? {} : { agg }) }
}
