/**
 * RHN's typed view of a Sparkplug B 3.0 payload (spec §6.4 "Sparkplug B Payload"), independent of
 * the protobuf classes and `Long` values of Eclipse Tahu's `sparkplug-payload` codec.
 *
 * Integer rule (one rule for every 64-bit field: Int64, UInt64, DateTime values, `seq`, `alias`,
 * timestamps): a value whose magnitude is at most `Number.MAX_SAFE_INTEGER` (2^53 - 1) is a
 * `number`; a larger one is a `bigint`. Timestamps, `seq` and `alias` must always be `number`
 * (a larger one is rejected), since milliseconds since 1970 stay below 2^53 until year 287,396.
 */

/**
 * Every Sparkplug B datatype name, in the order of its enum value 1..21 (spec §6.4.16 "Data Types",
 * same spelling as Tahu's `TypeStr`). Array types (22..34) are not used by RHN.
 */
export const SPARKPLUG_DATA_TYPES = [
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
] as const

/** A Sparkplug B datatype name, e.g. `'Double'`. */
export type SparkplugDataType = (typeof SPARKPLUG_DATA_TYPES)[number]

/**
 * The datatypes a metric value may have in RHN: the scalar types, `Bytes` and `File`.
 * DataSet, Template and PropertySet values are rejected by the codec (RHN does not use them).
 */
export const METRIC_DATA_TYPES = [
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'Bytes',
  'File',
] as const satisfies readonly SparkplugDataType[]

/** A datatype a metric value may have in RHN (see {@link METRIC_DATA_TYPES}). */
export type MetricDataType = (typeof METRIC_DATA_TYPES)[number]

/**
 * A metric value: `number` for 8/16/32-bit integers, Float and Double; `number | bigint` for
 * Int64, UInt64 and DateTime (ms since 1970, see the integer rule above); `boolean`; `string` for
 * String, Text and UUID; `Uint8Array` for Bytes and File; `null` when the metric's `is_null` is set.
 */
export type SparkplugValue = number | bigint | boolean | string | Uint8Array | null

/** A property value (spec §6.4.9 "PropertyValue"): a typed scalar, a nested set or a list of sets. */
export interface SparkplugPropertyValue {
  /** The datatype of `value`: a scalar type, `'PropertySet'` or `'PropertySetList'`. */
  type: SparkplugDataType
  /** The value; `null` when the property's `is_null` is set. */
  value: Exclude<SparkplugValue, Uint8Array> | SparkplugPropertySet | SparkplugPropertySet[]
}

/** A property set (spec §6.4.8 "PropertySet"): keys mapped to typed values. */
export type SparkplugPropertySet = Record<string, SparkplugPropertyValue>

/** One metric (spec §6.4.6 "Metric"). A `null` value is sent as `is_null = true`. */
export interface SparkplugMetric {
  /** The metric name; required in BIRTH messages, omitted in DATA/CMD when an alias is used. */
  name?: string
  /** The alias announced in the BIRTH [tck-id-payloads-alias-birth-requirement]. */
  alias?: number
  /** Sample time, ms since 1970 UTC. */
  timestamp?: number
  /** The datatype; the codec always sends it (Tahu's decoder reads the value by it). */
  datatype: MetricDataType
  /** The value, typed per `datatype`. */
  value: SparkplugValue
  /** True for replayed (store-and-forward) data: not the current value [spec §6.4.6 is_historical]. */
  isHistorical?: boolean
  /** True for values a host should not store [spec §6.4.6 is_transient]. */
  isTransient?: boolean
  /** Metric properties, e.g. engineering unit and MDC code (see `metricProperties`). */
  properties?: SparkplugPropertySet
}

/** One Sparkplug B payload (spec §6.4.5 "Payload"). */
export interface SparkplugPayload {
  /** Publish time, ms since 1970 UTC. */
  timestamp?: number
  /** Message sequence number 0..255; absent only in NDEATH and commands. */
  seq?: number
  /** Optional payload uuid (e.g. a compression algorithm marker). */
  uuid?: string
  /** Optional opaque body bytes. */
  body?: Uint8Array
  /** The metrics, in wire order. */
  metrics: SparkplugMetric[]
}
