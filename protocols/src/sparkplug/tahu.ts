/**
 * The one place that touches Eclipse Tahu's `sparkplug-payload` (a CommonJS package). Under
 * NodeNext ESM the default import is the CJS `module.exports`, whose `get('spBv1.0')` returns the
 * codec (sparkplug-payload/index.js). Its types use protobufjs classes and `Long`; here they are
 * narrowed to the small structural shapes RHN's codec writes, and decoded output is `unknown`
 * because garbage input can yield any shape.
 */
import sparkplugPayload from 'sparkplug-payload'

/** A 64-bit integer in the shape protobufjs reads and writes (`Long` from the `long` package). */
export interface LongLike {
  low: number
  high: number
  unsigned: boolean
}

/** A property value as Tahu's `encodePayload` takes it (`UPropertyValue`). */
export interface TahuPropertyValue {
  type: string
  value: unknown
}

/** A metric as Tahu's `encodePayload` takes it (`UMetric`). */
export interface TahuMetric {
  name?: string
  alias?: number
  timestamp?: number
  type: string
  value: unknown
  isHistorical?: boolean
  isTransient?: boolean
  properties?: Record<string, TahuPropertyValue>
}

/** A payload as Tahu's `encodePayload` takes it (`UPayload`). */
export interface TahuPayload {
  timestamp?: number
  seq?: number
  uuid?: string
  body?: Uint8Array
  metrics: TahuMetric[]
}

function loadCodec(): NonNullable<ReturnType<typeof sparkplugPayload.get>> {
  const loaded = sparkplugPayload.get('spBv1.0')
  if (loaded === null) throw new Error('sparkplug-payload has no spBv1.0 codec')
  return loaded
}
const codec = loadCodec()
type TahuEncodeInput = Parameters<typeof codec.encodePayload>[0]

/** Encodes with Tahu's `encodePayload`; may throw whatever protobufjs throws. */
export function tahuEncode(payload: TahuPayload): Uint8Array {
  return codec.encodePayload(payload as unknown as TahuEncodeInput)
}

/** Decodes with Tahu's `decodePayload`; may throw on malformed input. */
export function tahuDecode(bytes: Uint8Array): unknown {
  return codec.decodePayload(bytes)
}
