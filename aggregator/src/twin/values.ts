/** Converting Sparkplug values to stored values, and catalogue look-ups the twin caches per metric name. */
import { getMetric, isKnownMetric, parsePpeMetricName, type SparkplugValue } from '@rhn/protocols'
import type { StoredValue } from '../store/types.js'

/**
 * A Sparkplug value as the store keeps it: numbers, booleans and strings as they are, a 64-bit
 * integer as a number (counters stay far below 2^53), `undefined` for null, bytes and files
 * (nothing the catalogue carries; they are not stored).
 */
export function toStoredValue(value: SparkplugValue): StoredValue | undefined {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'string':
      return value
    case 'bigint':
      return Number(value)
    default:
      return undefined
  }
}

/** A value as a number for threshold rules: booleans count as 1/0, anything else is not comparable. */
export function numericValue(value: StoredValue | null): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

/** What a metric means to the twin beyond its value; computed once per metric name. */
export type MetricRole =
  | { kind: 'plain' }
  /** `Alarms/{name}/Active`: a device alarm. */
  | { kind: 'device-alarm'; alarm: string }
  /** `Alarms/{name}/Acknowledged`: staff acknowledged it on the device. */
  | { kind: 'device-alarm-ack'; alarm: string }
  | { kind: 'bed-exit' }
  | { kind: 'ppe-stock'; gtin: string }
  | { kind: 'ppe-taken'; gtin: string }

/** A metric name's role and its catalogue UCUM unit. */
export interface MetricInfo {
  role: MetricRole
  unit: string | undefined
  /** Whether a threshold rule watches this metric (set by the twin). */
  ruled?: boolean
}

const ALARM_NAME = /^Alarms\/([^/]+)\/(Active|Acknowledged)$/

/** Classifies a metric name (pure; the twin caches the answer per name). */
export function describeMetric(name: string): MetricInfo {
  const unit = isKnownMetric(name) ? getMetric(name).unit : undefined
  return { role: roleOf(name), unit }
}

function roleOf(name: string): MetricRole {
  if (name === 'Bed/ExitAlarm') return { kind: 'bed-exit' }
  const alarm = ALARM_NAME.exec(name)
  if (alarm !== null) {
    const which = alarm[1] as string
    return alarm[2] === 'Active' ? { kind: 'device-alarm', alarm: which } : { kind: 'device-alarm-ack', alarm: which }
  }
  const ppe = parsePpeMetricName(name)
  if (ppe?.counter === 'Stock') return { kind: 'ppe-stock', gtin: ppe.gtin }
  if (ppe?.counter === 'Taken') return { kind: 'ppe-taken', gtin: ppe.gtin }
  return { kind: 'plain' }
}
