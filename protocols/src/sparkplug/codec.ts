/**
 * Sparkplug B payload encode/decode with RHN's types (types.ts) on the outside: no `Long`, no
 * protobuf classes. Encode goes through Eclipse Tahu's `sparkplug-payload` codec; decode reads the
 * wire format directly (wire-decode.ts). Decode never lets anything but a {@link ProtocolError}
 * escape, whatever the bytes.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { encodePropertySet } from './properties-codec.js'
import { tahuEncode, type TahuMetric } from './tahu.js'
import type { SparkplugMessageType } from './topic.js'
import { METRIC_DATA_TYPES, type SparkplugMetric, type SparkplugPayload } from './types.js'
import { validatePayload } from './validate.js'
import { encodeValue } from './values.js'
import { decodeWire, metricLabel as label } from './wire-decode.js'
import { assertSeq } from './sequence.js'

/** Options of {@link decodePayload}. */
export interface DecodePayloadInit {
  /** The message type from the topic; when given, the rules for that type are checked too. */
  messageType?: SparkplugMessageType
}

const METRIC_TYPES: ReadonlySet<string> = new Set(METRIC_DATA_TYPES)

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

/**
 * Decodes protobuf bytes into a {@link SparkplugPayload}. Any failure is a ProtocolError:
 * RHN_PROTO_PAYLOAD_INVALID saying what was wrong ("truncated: …", "metric 2: datatype …"), or
 * RHN_PROTO_SEQ_INVALID for a seq/bdSeq outside 0..255. With `init.messageType`, the rules of that
 * message type are checked too (see validate.ts). Reads the bytes directly (wire-decode.ts).
 */
export function decodePayload(bytes: Uint8Array, init: DecodePayloadInit = {}): SparkplugPayload {
  let payload: SparkplugPayload
  try {
    payload = decodeWire(bytes)
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    // Only the engine's own limits get here (property sets nested past the call stack).
    throw new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `malformed: ${(err as Error).message}`, { cause: err })
  }
  validatePayload(payload, init.messageType)
  return payload
}
