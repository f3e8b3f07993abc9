/**
 * Sparkplug B payload encode/decode on Eclipse Tahu's `sparkplug-payload` codec, with RHN's types
 * (types.ts) on the outside: no `Long`, no protobuf classes. Decode never lets anything but a
 * {@link ProtocolError} escape, whatever the bytes.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { decodePropertySet, encodePropertySet, isDataType } from './properties-codec.js'
import { tahuDecode, tahuEncode, type TahuMetric } from './tahu.js'
import type { SparkplugMessageType } from './topic.js'
import { METRIC_DATA_TYPES, type MetricDataType, type SparkplugMetric, type SparkplugPayload } from './types.js'
import { validatePayload } from './validate.js'
import { decodeValue, encodeValue, isLongLike, toSafeInteger } from './values.js'
import { assertSeq } from './sequence.js'

/** Options of {@link decodePayload}. */
export interface DecodePayloadInit {
  /** The message type from the topic; when given, the rules for that type are checked too. */
  messageType?: SparkplugMessageType
}

const METRIC_TYPES: ReadonlySet<string> = new Set(METRIC_DATA_TYPES)

function label(metric: { name?: string | undefined; alias?: number | undefined }, index: number): string {
  if (metric.name !== undefined) return `metric ${index} "${metric.name}"`
  return metric.alias === undefined ? `metric ${index}` : `metric ${index} (alias ${metric.alias})`
}

function checkTimestamp(value: number | undefined, where: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${where}: timestamp ${value} is not a non-negative integer of ms`)
  }
}

function encodeMetric(metric: SparkplugMetric, index: number): TahuMetric {
  const where = label(metric, index)
  if (!METRIC_TYPES.has(metric.datatype)) throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${where}: datatype ${String(metric.datatype)} is not supported`)
  if (metric.alias !== undefined && !(Number.isSafeInteger(metric.alias) && metric.alias >= 0)) {
    throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `${where}: alias ${metric.alias} is not a non-negative integer`)
  }
  checkTimestamp(metric.timestamp, where)
  const out: TahuMetric = { type: metric.datatype, value: encodeValue(metric.datatype, metric.value, where) }
  if (metric.name !== undefined) out.name = metric.name
  if (metric.alias !== undefined) out.alias = metric.alias
  if (metric.timestamp !== undefined) out.timestamp = metric.timestamp
  if (metric.isHistorical !== undefined) out.isHistorical = metric.isHistorical
  if (metric.isTransient !== undefined) out.isTransient = metric.isTransient
  if (metric.properties !== undefined) out.properties = encodePropertySet(metric.properties, where)
  return out
}

/**
 * Encodes a payload to protobuf bytes (spec §6.4). Checks every value against its datatype and
 * `seq` against 0..255; throws RHN_PROTO_PAYLOAD_ENCODE or RHN_PROTO_SEQ_INVALID naming the metric.
 */
export function encodePayload(payload: SparkplugPayload): Uint8Array {
  checkTimestamp(payload.timestamp, 'payload')
  if (payload.seq !== undefined) assertSeq(payload.seq, 'seq')
  const metrics = payload.metrics.map(encodeMetric)
  try {
    return tahuEncode({
      ...(payload.timestamp === undefined ? {} : { timestamp: payload.timestamp }),
      ...(payload.seq === undefined ? {} : { seq: payload.seq }),
      ...(payload.uuid === undefined ? {} : { uuid: payload.uuid }),
      ...(payload.body === undefined ? {} : { body: payload.body }),
      metrics,
    })
  } catch (err) {
    throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `payload: ${(err as Error).message}`, { cause: err })
  }
}

function invalid(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', message, cause === undefined ? undefined : { cause })
}

/** Names what protobufjs (or Tahu's post-processing) objected to. */
function describeDecodeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  if (/index out of range/.test(message)) return `truncated: a field runs past the end of the input (${message})`
  if (/invalid wire type/.test(message)) return `not a Sparkplug B protobuf: ${message}`
  if (err instanceof RangeError) return `malformed: ${message}`
  return `malformed metric, property or dataset: ${message}`
}

/** A uint64 field (timestamp, seq, alias) as a `number`, or an error naming `what`. */
function smallInteger(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' && !isLongLike(value)) throw invalid(`${what} is not an integer`)
  const n = toSafeInteger(value)
  if (typeof n === 'bigint') throw invalid(`${what} ${n} exceeds Number.MAX_SAFE_INTEGER`)
  return n
}

function decodeMetric(raw: unknown, index: number): SparkplugMetric {
  if (typeof raw !== 'object' || raw === null) throw invalid(`metric ${index}: not a metric`)
  const m = raw as Partial<Record<keyof TahuMetric, unknown>>
  const name = typeof m.name === 'string' ? m.name : undefined
  const alias = smallInteger(m.alias, `metric ${index} alias`)
  const where = label({ name, alias }, index)
  if (m.type === undefined) throw invalid(`${where}: no datatype (the codec reads each value by its datatype)`)
  if (!isDataType(m.type) || !METRIC_TYPES.has(m.type)) throw invalid(`${where}: datatype ${typeof m.type === 'string' ? m.type : 'unknown'} is not supported`)
  const metric: SparkplugMetric = { datatype: m.type as MetricDataType, value: decodeValue(m.type, m.value, where) }
  if (name !== undefined) metric.name = name
  if (alias !== undefined) metric.alias = alias
  const timestamp = smallInteger(m.timestamp, `${where} timestamp`)
  if (timestamp !== undefined) metric.timestamp = timestamp
  if (typeof m.isHistorical === 'boolean') metric.isHistorical = m.isHistorical
  if (typeof m.isTransient === 'boolean') metric.isTransient = m.isTransient
  if (m.properties !== undefined) metric.properties = decodePropertySet(m.properties, where)
  return metric
}

/**
 * Decodes protobuf bytes into a {@link SparkplugPayload}. Any failure is a ProtocolError:
 * RHN_PROTO_PAYLOAD_INVALID saying what was wrong ("truncated: …", "metric 2: datatype …"), or
 * RHN_PROTO_SEQ_INVALID for a seq/bdSeq outside 0..255. With `init.messageType`, the rules of that
 * message type are checked too (see validate.ts).
 */
export function decodePayload(bytes: Uint8Array, init: DecodePayloadInit = {}): SparkplugPayload {
  let raw: unknown
  try {
    raw = tahuDecode(bytes)
  } catch (err) {
    throw invalid(describeDecodeFailure(err), err)
  }
  const p = raw as { timestamp?: unknown; seq?: unknown; uuid?: unknown; body?: unknown; metrics?: unknown }
  const metrics = Array.isArray(p.metrics) ? p.metrics.map(decodeMetric) : []
  const payload: SparkplugPayload = { metrics }
  const timestamp = smallInteger(p.timestamp, 'payload timestamp')
  if (timestamp !== undefined) payload.timestamp = timestamp
  if (p.seq !== undefined) {
    if (typeof p.seq !== 'number' && !isLongLike(p.seq)) throw invalid('seq is not an integer')
    const seq = toSafeInteger(p.seq)
    assertSeq(seq, 'seq')
    payload.seq = Number(seq)
  }
  if (typeof p.uuid === 'string') payload.uuid = p.uuid
  if (p.body instanceof Uint8Array) payload.body = Uint8Array.from(p.body)
  validatePayload(payload, init.messageType)
  return payload
}
