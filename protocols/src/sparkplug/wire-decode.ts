/**
 * Sparkplug B payload decoding straight from protobuf bytes (spec §6.4, `sparkplug_b.proto`) into
 * RHN's {@link SparkplugPayload}, the host's hot path (issue 5, "Speed").
 *
 * Why not Tahu's `decodePayload`: protobufjs builds a generated object per metric with `Long`s for
 * alias, timestamp and 64-bit values, Tahu copies each into its own shape, and RHN's codec copied it
 * a third time; profiled on the aggregator ingest bench that was ~30 % of the host's CPU. Here each
 * metric's fields are read into locals and one {@link SparkplugMetric} is built.
 *
 * The output is the one Tahu's decoder plus RHN's checks gave, value for value (the conformance
 * test decodes random payloads with both, reference-decode.ts): each value is read from the field
 * Tahu's `getValue` reads for its datatype (an absent field gives `null`, or 0 for 8/16/32-bit
 * signed types), Int8/16/32 as signed 32-bit, UInt32 from the low 32 bits of `long_value`, 64-bit
 * values by the integer rule of types.ts. Failures are {@link ProtocolError}s with the same codes.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { assertSeq } from './sequence.js'
import { SPARKPLUG_DATA_TYPES, type MetricDataType, type SparkplugDataType, type SparkplugMetric, type SparkplugPayload, type SparkplugValue } from './types.js'
import { propertiesOf, readPropertySet, type RawPropertySet } from './wire-properties.js'
import { WireReader, signed64, unsigned64 } from './wire-reader.js'
import { DATASET, METADATA, METRIC_EXTENSION, TEMPLATE, walkMessage } from './wire-walk.js'

/** Datatype codes 1..21 whose values RHN accepts in a metric (types.ts `METRIC_DATA_TYPES`): not 16, 19, 20, 21. */
const METRIC_TYPE_OK: readonly boolean[] = SPARKPLUG_DATA_TYPES.map((t) => !['DataSet', 'Template', 'PropertySet', 'PropertySetList'].includes(t))

function invalid(message: string): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', message)
}

/** How errors name a metric: `metric 2 "Ventilation/PEEP"`, or by alias when it has no name. */
export function metricLabel(metric: { name?: string | undefined; alias?: number | undefined }, index: number): string {
  if (metric.name !== undefined) return `metric ${index} "${metric.name}"`
  return metric.alias === undefined ? `metric ${index}` : `metric ${index} (alias ${metric.alias})`
}

/** Everything one Metric message carried, as read (the value fields of the oneof are kept apart). */
class MetricFields {
  name: string | undefined = undefined
  alias: number | bigint | undefined = undefined
  timestamp: number | bigint | undefined = undefined
  datatype = 0
  isHistorical: boolean | undefined = undefined
  isTransient: boolean | undefined = undefined
  isNull = false
  properties: RawPropertySet | undefined = undefined
  /** int_value, or -1 when absent (a uint32 is never negative). */
  intValue = -1
  hasLong = false
  longLo = 0
  longHi = 0
  floatValue: number | null = null
  doubleValue: number | null = null
  booleanValue: boolean | null = null
  /** Start of string_value / bytes_value in the input, -1 when absent; the end is kept beside it. */
  stringStart = -1
  stringEnd = 0
  bytesStart = -1
  bytesEnd = 0

  /** Back to "nothing read", for the next metric (one instance serves a whole payload). */
  reset(): void {
    this.name = undefined
    this.alias = undefined
    this.timestamp = undefined
    this.datatype = 0
    this.isHistorical = undefined
    this.isTransient = undefined
    this.isNull = false
    this.properties = undefined
    this.intValue = -1
    this.hasLong = false
    this.floatValue = null
    this.doubleValue = null
    this.booleanValue = null
    this.stringStart = -1
    this.bytesStart = -1
  }
}

function readMetricFields(r: WireReader, f: MetricFields): void {
  f.reset()
  const end = r.uint32() + r.pos
  while (r.pos < end) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: f.name = r.string(); break
      case 2: r.uint64(); f.alias = unsigned64(r.lo, r.hi); break
      case 3: r.uint64(); f.timestamp = unsigned64(r.lo, r.hi); break
      case 4: f.datatype = r.uint32(); break
      case 5: f.isHistorical = r.uint32() !== 0; break
      case 6: f.isTransient = r.uint32() !== 0; break
      case 7: f.isNull = r.uint32() !== 0; break
      case 8: walkMessage(r, METADATA); break
      case 9: f.properties = readPropertySet(r); break
      case 10: f.intValue = r.uint32(); break
      case 11: r.uint64(); f.hasLong = true; f.longLo = r.lo; f.longHi = r.hi; break
      case 12: f.floatValue = r.float(); break
      case 13: f.doubleValue = r.double(); break
      case 14: f.booleanValue = r.uint32() !== 0; break
      case 15: f.stringStart = r.delimited(); f.stringEnd = r.pos; break
      case 16: f.bytesStart = r.delimited(); f.bytesEnd = r.pos; break
      case 17: walkMessage(r, DATASET); break
      case 18: walkMessage(r, TEMPLATE); break
      case 19: walkMessage(r, METRIC_EXTENSION); break
      default: r.skipType(tag & 7)
    }
  }
}

/** The value Tahu's `getValue` reads for `datatype` (one of RHN's metric types), in RHN's form. */
function valueOf(r: WireReader, f: MetricFields): SparkplugValue {
  switch (f.datatype) {
    case 1: // Int8
    case 2: // Int16
    case 3: // Int32
      return f.intValue < 0 ? 0 : f.intValue | 0
    case 5: // UInt8
    case 6: // UInt16
      return f.intValue < 0 ? null : f.intValue
    case 4: // Int64
      return f.hasLong ? signed64(f.longLo, f.longHi) : null
    case 7: // UInt32: the low 32 bits of long_value
      return f.hasLong ? f.longLo : null
    case 8: // UInt64
    case 13: // DateTime
      return f.hasLong ? unsigned64(f.longLo, f.longHi) : null
    case 9: // Float
      return f.floatValue
    case 10: // Double
      return f.doubleValue
    case 11: // Boolean
      return f.booleanValue
    case 17: // Bytes
    case 18: // File
      return f.bytesStart < 0 ? null : r.copy(f.bytesStart, f.bytesEnd)
    default: // String, Text, UUID
      return f.stringStart < 0 ? null : r.buf.toString('utf8', f.stringStart, f.stringEnd)
  }
}

/** A uint64 field that must be a `number` (alias, timestamps, seq); `what` names it in the error. */
function safe(value: number | bigint, what: string): number {
  if (typeof value === 'bigint') throw invalid(`${what} ${value} exceeds Number.MAX_SAFE_INTEGER`)
  return value
}

function toMetric(r: WireReader, f: MetricFields, index: number): SparkplugMetric {
  const name = f.name
  const alias = f.alias === undefined ? undefined : safe(f.alias, `metric ${index} alias`)
  const type: SparkplugDataType | undefined = SPARKPLUG_DATA_TYPES[f.datatype - 1]
  if (type === undefined) throw invalid(`${metricLabel({ name, alias }, index)}: no datatype (the codec reads each value by its datatype)`)
  if (!METRIC_TYPE_OK[f.datatype - 1]) throw invalid(`${metricLabel({ name, alias }, index)}: datatype ${type} is not supported`)
  const metric: SparkplugMetric = { datatype: type as MetricDataType, value: f.isNull ? null : valueOf(r, f) }
  if (name !== undefined) metric.name = name
  if (alias !== undefined) metric.alias = alias
  if (f.timestamp !== undefined) metric.timestamp = safe(f.timestamp, `${metricLabel({ name, alias }, index)} timestamp`)
  if (f.isHistorical !== undefined) metric.isHistorical = f.isHistorical
  if (f.isTransient !== undefined) metric.isTransient = f.isTransient
  if (f.properties !== undefined) metric.properties = propertiesOf(f.properties, metricLabel({ name, alias }, index))
  return metric
}

/**
 * Decodes Sparkplug B protobuf bytes into a {@link SparkplugPayload}: metrics in wire order, seq
 * checked to be 0..255. Throws RHN_PROTO_PAYLOAD_INVALID naming what was wrong, or
 * RHN_PROTO_SEQ_INVALID; the message-type rules are left to the caller (validate.ts).
 */
export function decodeWire(bytes: Uint8Array): SparkplugPayload {
  const r = new WireReader(bytes)
  const metrics: SparkplugMetric[] = []
  const fields = new MetricFields()
  let timestamp: number | bigint | undefined
  let seq: number | bigint | undefined
  let uuid: string | undefined
  let bodyStart = -1
  let bodyEnd = 0
  while (r.pos < r.len) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: r.uint64(); timestamp = unsigned64(r.lo, r.hi); break
      case 2: {
        readMetricFields(r, fields)
        metrics.push(toMetric(r, fields, metrics.length))
        break
      }
      case 3: r.uint64(); seq = unsigned64(r.lo, r.hi); break
      case 4: uuid = r.string(); break
      case 5: bodyStart = r.delimited(); bodyEnd = r.pos; break
      default: r.skipType(tag & 7)
    }
  }
  const payload: SparkplugPayload = { metrics }
  if (timestamp !== undefined) payload.timestamp = safe(timestamp, 'payload timestamp')
  if (seq !== undefined) {
    assertSeq(seq, 'seq')
    payload.seq = seq
  }
  if (uuid !== undefined) payload.uuid = uuid
  if (bodyStart >= 0) payload.body = r.copy(bodyStart, bodyEnd)
  return payload
}
