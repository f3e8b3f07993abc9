/**
 * Rules a decoded payload must follow, by message type (spec §6.4.5–6.4.6, §6.4.18–6.4.22).
 * Structural rules only; session rules (seq order, alias tables) live in sequence.ts and alias.ts.
 */
import { ProtocolError } from '../errors/protocol-error.js'
import { BD_SEQ_METRIC } from './control.js'
import { assertSeq } from './sequence.js'
import type { SparkplugMessageType } from './topic.js'
import type { SparkplugMetric, SparkplugPayload } from './types.js'

// Messages an edge node numbers with seq [tck-id-payloads-sequence-num-always-included]; NDEATH is
// the exception, and commands come from hosts, outside the edge node's sequence.
const SEQUENCED: ReadonlySet<SparkplugMessageType> = new Set(['NBIRTH', 'NDATA', 'DBIRTH', 'DDATA', 'DDEATH'])

function invalid(message: string): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', message)
}

/** The bdSeq metric's value as a number, if the payload carries one. Throws RHN_PROTO_SEQ_INVALID if outside 0..255. */
export function readBdSeq(payload: SparkplugPayload): number | undefined {
  const metric = payload.metrics.find((m) => m.name === BD_SEQ_METRIC)
  if (metric === undefined) return undefined
  if (typeof metric.value !== 'number' && typeof metric.value !== 'bigint') throw invalid(`${BD_SEQ_METRIC} metric has no integer value`)
  assertSeq(metric.value, BD_SEQ_METRIC)
  return metric.value
}

function checkMetric(metric: SparkplugMetric, index: number, birth: boolean, type: string): void {
  // [tck-id-payloads-name-requirement] a name unless an alias is used.
  if (metric.name === undefined && metric.alias === undefined) throw invalid(`${type} metric ${index}: has neither name nor alias`)
  // [tck-id-payloads-alias-birth-requirement] BIRTHs define names (and aliases, when used).
  if (birth && metric.name === undefined) throw invalid(`${type} metric ${index} (alias ${metric.alias}): BIRTH metrics need a name`)
}

/**
 * Checks a decoded payload against the rules of its message type; without a type only the
 * type-independent ones (name-or-alias). Throws RHN_PROTO_PAYLOAD_INVALID or RHN_PROTO_SEQ_INVALID.
 */
export function validatePayload(payload: SparkplugPayload, messageType?: SparkplugMessageType): void {
  const birth = messageType === 'NBIRTH' || messageType === 'DBIRTH'
  payload.metrics.forEach((m, i) => checkMetric(m, i, birth, messageType ?? 'payload'))
  if (messageType === undefined) return
  if (SEQUENCED.has(messageType) && payload.seq === undefined) throw invalid(`${messageType} has no seq`)
  if (messageType === 'NBIRTH' && payload.seq !== 0) {
    // [tck-id-payloads-nbirth-seq] every NBIRTH carries seq 0.
    throw new ProtocolError('RHN_PROTO_SEQ_INVALID', `NBIRTH seq must be 0, got ${payload.seq}`)
  }
  if (messageType === 'NBIRTH' || messageType === 'NDEATH') {
    // [tck-id-payloads-nbirth-bdseq] [tck-id-payloads-ndeath-bdseq]
    if (readBdSeq(payload) === undefined) throw invalid(`${messageType} has no ${BD_SEQ_METRIC} metric`)
  }
}
