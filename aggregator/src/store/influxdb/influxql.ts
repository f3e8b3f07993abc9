/**
 * InfluxQL text and result reading for the store's queries (issue 5: "Queries in InfluxQL"), run
 * through the `influx` package's `/query` client with epoch=ms timestamps.
 * https://docs.influxdata.com/influxdb/v1.6/query_language/spec/
 */
import type { InfluxDB } from 'influx'
import { AggregatorError } from '../../errors.js'

/** One series of an answer. */
export interface Series {
  name: string
  columns: string[]
  values: unknown[][]
}

interface RawAnswer {
  error?: string
  results?: { statement_id?: number; error?: string; series?: Series[] }[]
}

/** A double-quoted identifier (database, policy, measurement, field). */
export function ident(name: string): string {
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/** A single-quoted string literal; backslashes too, so a value ending in `\` cannot close the quote early. */
export function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** `time >= from AND time < to`, both ms since 1970 (HistoryQuery: from inclusive, to exclusive). */
export function timeRange(from: number, to: number): string {
  return `time >= ${Math.trunc(from)}ms AND time < ${Math.trunc(to)}ms`
}

/**
 * Runs statements in one request and returns the series of each. A statement InfluxDB refuses
 * becomes `RHN_AGG_BAD_PARAMETER` (it came from the request); no answer becomes `RHN_AGG_STORE_UNAVAILABLE`.
 */
export async function select(influx: InfluxDB, database: string, statements: readonly string[]): Promise<Series[][]> {
  if (statements.length === 0) return []
  let answer: RawAnswer
  try {
    answer = (await influx.queryRaw(statements.join(';\n'), { database, precision: 'ms', method: 'POST' })) as RawAnswer
  } catch (err) {
    throw new AggregatorError('RHN_AGG_STORE_UNAVAILABLE', `InfluxDB query failed: ${String(err)}`, { cause: err })
  }
  if (answer.error !== undefined) throw new AggregatorError('RHN_AGG_BAD_PARAMETER', `InfluxDB refused the query: ${answer.error}`)
  return statements.map((_, i) => {
    const result = answer.results?.[i]
    if (result?.error !== undefined) throw new AggregatorError('RHN_AGG_BAD_PARAMETER', `InfluxDB refused the query: ${result.error}`)
    return result?.series ?? []
  })
}
