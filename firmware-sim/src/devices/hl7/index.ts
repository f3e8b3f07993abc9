/**
 * The simulated hospital's ADT feed: HL7 v2.5.1 ADT A01/A02/A03/A08 over MLLP to the edge agent's
 * listener, waiting for each ACK and resending as an interface engine does (issue 3, device 5).
 */
import type { Endpoint } from '../types.js'
import { Hl7AdtSender } from './sender.js'
import type { Hl7AdtSenderInit } from './types.js'

export { Hl7AdtSender } from './sender.js'
export {
  type AdtCondition,
  type AdtEvent,
  type AdtEventType,
  type AdtFeedComponent,
  type AdtPatient,
  type AdtPatientClass,
  type AdtSource,
  type AckCode,
  type Hl7AdtSenderCounters,
  type Hl7AdtSenderInit,
  type Hl7Logger,
  type MalformedKind,
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_MAX_RESENDS,
  DEFAULT_RECEIVING_APPLICATION,
} from './types.js'
export {
  type AdtHeader,
  buildAdtMessage,
  CONDITION_OBSERVATION,
  HL7_VERSION,
  SENDING_APPLICATION,
  SEVERITY_OBSERVATION,
} from './adt-message.js'
export { MALFORMED_KINDS, buildMalformed, type MalformedMessage } from './malformed.js'
export { MLLP_END, MLLP_END_CR, MLLP_START, MllpDeframer, frameMllp, parseAck, type ParsedAck } from './mllp.js'

/** Creates the ADT feed of one hospital (see {@link Hl7AdtSender}). */
export function createHl7AdtSender(init: Hl7AdtSenderInit): Hl7AdtSender {
  return new Hl7AdtSender(init)
}

/**
 * The endpoint row of a hospital's ADT feed: its address is the listener it sends to (`mllp://host:port`),
 * since the feed connects out to the agent.
 */
export function adtFeedEndpoint(hospitalId: string, host: string, port: number, componentIds: readonly string[] = []): Endpoint {
  return {
    id: `${hospitalId}/adt`,
    hospitalId,
    protocol: 'hl7-mllp',
    kind: 'HL7 v2 ADT feed (MLLP sender)',
    address: `mllp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    components: componentIds.map((id) => ({ id })),
  }
}
