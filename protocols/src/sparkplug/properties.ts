/**
 * Metric properties that carry a metric's engineering unit and IEEE 11073-10101 (MDC) code in a
 * BIRTH (DESIGN.md "every BIRTH carries units and MDC codes as metric properties").
 *
 * Keys: `engUnit`, `engLow`, `engHigh` and `documentation` are the property keys Ignition's
 * Sparkplug modules and Tahu's C example (client_libraries/c/examples, `add_property_to_set(…
 * "engUnit", PROPERTY_DATA_TYPE_STRING …)`) use, so third-party hosts show the unit. Sparkplug has
 * no key for a nomenclature code: `mdcCode` (UInt32, the 32-bit partition:term code) and
 * `mdcRefId` (String, e.g. `MDC_PRESS_AWAY`) are RHN's own.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import type { SparkplugPropertySet } from './types.js'

/** The property key of each field of {@link MetricPropertyInit}. */
export const METRIC_PROPERTY_KEYS = {
  unit: 'engUnit',
  engLow: 'engLow',
  engHigh: 'engHigh',
  description: 'documentation',
  mdcCode: 'mdcCode',
  mdcRefId: 'mdcRefId',
} as const

/** What a BIRTH metric says about itself, besides its value. Every field is optional. */
export interface MetricPropertyInit {
  /** Engineering unit as a UCUM code, e.g. `'cm[H2O]'`, `'%'`, `'L/min'`. */
  unit?: string
  /** Lowest expected value, in `unit`. */
  engLow?: number
  /** Highest expected value, in `unit`. */
  engHigh?: number
  /** Human description of the metric. */
  description?: string
  /** IEEE 11073-10101 code: (partition << 16) + term code, 0..2^32-1. */
  mdcCode?: number
  /** IEEE 11073-10101 reference id, e.g. `'MDC_PRESS_AWAY'`. */
  mdcRefId?: string
}

/** Builds the PropertySet for a metric; throws RHN_PROTO_PAYLOAD_ENCODE on an out-of-range MDC code. */
export function metricProperties(init: MetricPropertyInit): SparkplugPropertySet {
  const set: SparkplugPropertySet = {}
  const k = METRIC_PROPERTY_KEYS
  if (init.unit !== undefined) set[k.unit] = { type: 'String', value: init.unit }
  if (init.engLow !== undefined) set[k.engLow] = { type: 'Double', value: init.engLow }
  if (init.engHigh !== undefined) set[k.engHigh] = { type: 'Double', value: init.engHigh }
  if (init.description !== undefined) set[k.description] = { type: 'String', value: init.description }
  if (init.mdcCode !== undefined) {
    if (!Number.isInteger(init.mdcCode) || init.mdcCode < 0 || init.mdcCode > 0xffff_ffff) {
      throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `mdcCode ${init.mdcCode} is not an integer 0..4294967295`)
    }
    set[k.mdcCode] = { type: 'UInt32', value: init.mdcCode }
  }
  if (init.mdcRefId !== undefined) set[k.mdcRefId] = { type: 'String', value: init.mdcRefId }
  return set
}

function str(set: SparkplugPropertySet, key: string): string | undefined {
  const v = set[key]?.value
  return typeof v === 'string' ? v : undefined
}

function num(set: SparkplugPropertySet, key: string): number | undefined {
  const v = set[key]?.value
  if (typeof v === 'number') return v
  return typeof v === 'bigint' ? Number(v) : undefined
}

/** Reads unit, range, description and MDC code back from a metric's properties; absent or mistyped keys are left out. */
export function readMetricProperties(set: SparkplugPropertySet | undefined): MetricPropertyInit {
  if (set === undefined) return {}
  const k = METRIC_PROPERTY_KEYS
  const out: MetricPropertyInit = {}
  const unit = str(set, k.unit)
  if (unit !== undefined) out.unit = unit
  const engLow = num(set, k.engLow)
  if (engLow !== undefined) out.engLow = engLow
  const engHigh = num(set, k.engHigh)
  if (engHigh !== undefined) out.engHigh = engHigh
  const description = str(set, k.description)
  if (description !== undefined) out.description = description
  const mdcCode = num(set, k.mdcCode)
  if (mdcCode !== undefined) out.mdcCode = mdcCode
  const mdcRefId = str(set, k.mdcRefId)
  if (mdcRefId !== undefined) out.mdcRefId = mdcRefId
  return out
}
