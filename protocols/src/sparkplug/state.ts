/**
 * Host Application STATE payloads of Sparkplug 3.0 (spec §3.2, §6.4.23): UTF-8 JSON
 * `{"online":true,"timestamp":<ms>}` on `spBv1.0/STATE/{host_id}`, QoS 1, retained
 * [tck-id-host-topic-phid-birth-payload] [tck-id-host-topic-phid-death-payload]. The death (the
 * Will, `online: false`) carries the same timestamp as the birth it ends.
 */
import { ProtocolError } from '../errors/protocol-error.js'

/** A host's STATE: online or not, and when (ms since 1970 UTC) its session began. */
export interface HostState {
  online: boolean
  timestamp: number
}

const utf8Encoder = new TextEncoder()

/** Encodes a STATE payload as UTF-8 JSON; throws RHN_PROTO_PAYLOAD_ENCODE on a bad timestamp. */
export function encodeState(state: HostState): Uint8Array {
  if (!Number.isSafeInteger(state.timestamp) || state.timestamp < 0) {
    throw new ProtocolError('RHN_PROTO_PAYLOAD_ENCODE', `STATE timestamp ${state.timestamp} is not a non-negative integer of ms`)
  }
  return utf8Encoder.encode(JSON.stringify({ online: state.online, timestamp: state.timestamp }))
}

function invalid(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('RHN_PROTO_PAYLOAD_INVALID', `STATE payload ${message}`, cause === undefined ? undefined : { cause })
}

/** Decodes a STATE payload; throws RHN_PROTO_PAYLOAD_INVALID saying what is wrong. */
export function decodeState(bytes: Uint8Array): HostState {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (err) {
    throw invalid('is not UTF-8', err)
  }
  if (text === 'ONLINE' || text === 'OFFLINE') throw invalid(`is the Sparkplug 2.2 form "${text}"; 3.0 uses JSON {"online":…,"timestamp":…}`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw invalid(`is not JSON: ${(err as Error).message}`, err)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('is not a JSON object')
  const { online, timestamp } = json as { online?: unknown; timestamp?: unknown }
  if (typeof online !== 'boolean') throw invalid('"online" is missing or not a boolean')
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalid('"timestamp" is missing or not a non-negative integer of ms')
  }
  return { online, timestamp }
}
