/**
 * The decoder RHN used before wire-decode.ts: Eclipse Tahu's `decodePayload` (protobufjs generated
 * classes, `Long`s), then RHN's checks. Kept as the reference the conformance test
 * (test/sparkplug-wire-decode.test.ts) holds the direct decoder to, field for field, and not part of
 * the package's public entry.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import type { DecodePayloadInit } from './codec.js'
import { decodePropertySet, isDataType } from './properties-codec.js'
import { assertSeq } from './sequence.js'
import { tahuDecode, type TahuMetric } from './tahu.js'
import { METRIC_DATA_TYPES, type MetricDataType, type SparkplugMetric, type SparkplugPayload } from './types.js'
import { validatePayload } from './validate.js'
import { decodeValue, isLongLike, toSafeInteger } from './values.js'
import { metricLabel as label } from './wire-decode.js'

const METRIC_TYPES: ReadonlySet<string> = new Set(METRIC_DATA_TYPES)

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

/** `decodePayload` as it was on Tahu's codec: same contract, same errors (codes and wording). */
export function decodePayloadWithTahu(bytes: Uint8Array, init: DecodePayloadInit = {}): SparkplugPayload {
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
