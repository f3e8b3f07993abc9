/**
 * History query rules both backends follow, so they answer alike (issue 5: one shared contract):
 * buckets are aligned to the epoch like InfluxDB's `GROUP BY time()`, every bucket of the range is
 * returned (null when empty, 0 for `count`), and numeric aggregates of non-numeric metrics are refused.
 */
import { AggregatorError } from '../errors.js'
import type { ValueType } from './point.js'
import { HISTORY_AGGREGATES, type HistoryAggregate, type HistoryPoint, type HistoryQuery, type StoredValue } from './types.js'

/**
 * Most buckets one query may ask for (100,000: far more than a chart can draw, and it bounds the
 * answer's memory; a year at 5-minute buckets is ~105,000).
 */
export const MAX_BUCKETS = 100_000

/** Aggregates that only make sense on numbers (InfluxDB refuses `mean` of a boolean or string field). */
const NUMERIC_ONLY: ReadonlySet<HistoryAggregate> = new Set(['mean', 'min', 'max', 'sum'])

function bad(message: string): AggregatorError {
  return new AggregatorError('RHN_AGG_BAD_PARAMETER', message)
}

/** Throws `RHN_AGG_BAD_PARAMETER` naming the parameter when a query cannot be answered. */
export function checkHistoryQuery(q: HistoryQuery): void {
  if (!Number.isSafeInteger(q.from) || q.from < 0) throw bad(`from must be a non-negative integer of ms, got ${q.from}`)
  if (!Number.isSafeInteger(q.to) || q.to <= q.from) throw bad(`to must be an integer of ms after from, got ${q.to}`)
  if (q.everyMs !== undefined) {
    if (!Number.isSafeInteger(q.everyMs) || q.everyMs <= 0) throw bad(`every must be a positive integer of ms, got ${q.everyMs}`)
    const buckets = Math.ceil((q.to - bucketStart(q.from, q.everyMs)) / q.everyMs)
    if (buckets > MAX_BUCKETS) throw bad(`every is too small for the range: ${buckets} buckets, at most ${MAX_BUCKETS}`)
  }
  if (q.agg !== undefined) {
    if (!HISTORY_AGGREGATES.includes(q.agg)) throw bad(`agg must be one of ${HISTORY_AGGREGATES.join(', ')}, got ${String(q.agg)}`)
    if (q.everyMs === undefined) throw bad('agg needs every (a bucket width)')
  }
}

/** The aggregate a query uses: its own, or mean for numbers and last otherwise (HistoryQuery.agg). */
export function aggregateFor(q: HistoryQuery, type: ValueType | undefined): HistoryAggregate {
  const agg = q.agg ?? (type === undefined || type === 'number' ? 'mean' : 'last')
  if (type !== undefined && type !== 'number' && NUMERIC_ONLY.has(agg)) {
    throw bad(`agg ${agg} needs a numeric metric; ${q.metric} is a ${type} (use first, last or count)`)
  }
  return agg
}

/** Start of the epoch-aligned bucket holding `t`. */
export function bucketStart(t: number, everyMs: number): number {
  return t - (t % everyMs)
}

/** Every bucket of [from, to), each with its value from `values` (keyed by bucket start) or the empty value. */
export function fillBuckets(q: HistoryQuery & { everyMs: number }, agg: HistoryAggregate, values: ReadonlyMap<number, StoredValue | null>): HistoryPoint[] {
  const empty = agg === 'count' ? 0 : null
  const out: HistoryPoint[] = []
  for (let t = bucketStart(q.from, q.everyMs); t < q.to; t += q.everyMs) out.push({ t, value: values.get(t) ?? empty })
  return out
}
