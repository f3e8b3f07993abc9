/**
 * LLRP 1.0.1 RFID reader simulator for PPE cabinets: the reader side, on loopback TCP, for the edge
 * agent's LLRP driver to be built and tested against. See README.md.
 */
export { LlrpReaderServer, MAX_QUEUED_FRAMES } from './server.js'
export type { GarbageKind } from './messages.js'
export {
  DEFAULT_ANTENNAS,
  DEFAULT_MISS_RATE,
  DEFAULT_ROUND_MS,
  LlrpSimError,
  type LlrpLogger,
  type LlrpReaderInit,
  type LlrpSimErrorCode,
  type TagItem,
  type TagSource,
} from './types.js'
export { RSSI_MAX_DBM, RSSI_MIN_DBM } from './inventory.js'
import { llrp } from '@rhn/protocols'
/** The IANA-registered LLRP port (5084). */
export const LLRP_IANA_PORT = llrp.LLRP_IANA_PORT
