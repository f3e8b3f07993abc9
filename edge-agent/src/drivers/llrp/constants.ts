/**
 * LLRP 1.0.1 numbers the driver speaks (EPCglobal Low Level Reader Protocol 1.0.1, the same values as
 * the LTK definition `llrp-1x0-def.xml`). Clauses are cited by their title in the standard.
 */

/** Protocol version in every header ("Binary Encoding for LLRP", message header: Ver = 1 for 1.0.1). */
export const LLRP_VERSION = 1
/** Header: Rsvd(3) Ver(3) Type(10), Length(32), ID(32) = 10 bytes. */
export const HEADER_BYTES = 10
/** TLV parameter header: Rsvd(6) Type(10), Length(16) = 4 bytes. */
export const TLV_HEADER_BYTES = 4
/** Largest frame accepted from a reader: a report of ~2,000 tags is ~60 KiB; this bounds memory. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024 // 4 MiB

/** Message types ("Binary Encoding", message type numbers). */
export const Msg = {
  SET_READER_CONFIG: 3,
  CLOSE_CONNECTION_RESPONSE: 4,
  SET_READER_CONFIG_RESPONSE: 13,
  CLOSE_CONNECTION: 14,
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  ENABLE_ROSPEC: 24,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  ENABLE_ROSPEC_RESPONSE: 34,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
} as const

/** Parameter types: TV 1..127, TLV 128..1023 ("Binary Encoding", parameter type numbers). */
export const Param = {
  AntennaID: 1,
  FirstSeenTimestampUTC: 2,
  PeakRSSI: 6,
  EPC_96: 13,
  EPCData: 241,
  ROSpec: 177,
  ROBoundarySpec: 178,
  ROSpecStartTrigger: 179,
  ROSpecStopTrigger: 182,
  AISpec: 183,
  AISpecStopTrigger: 184,
  InventoryParameterSpec: 186,
  KeepaliveSpec: 220,
  ROReportSpec: 237,
  TagReportContentSelector: 238,
  TagReportData: 240,
  ReaderEventNotificationData: 246,
  ConnectionAttemptEvent: 256,
  ConnectionCloseEvent: 257,
  LLRPStatus: 287,
} as const

/**
 * Total encoded length (type byte included) of each TV parameter: a TV parameter carries no length,
 * so a parser must know it ("Binary Encoding", TV-parameters; types 1..18 of LLRP 1.0.1).
 */
export const TV_LENGTH: Readonly<Record<number, number>> = {
  1: 3, 2: 9, 3: 9, 4: 9, 5: 9, 6: 2, 7: 3, 8: 3, 9: 5, 10: 3, 11: 3, 12: 3, 13: 13, 14: 3, 15: 3, 16: 5, 17: 3, 18: 5,
}

/** LLRPStatus.StatusCode M_Success ("Errors", StatusCode values). */
export const STATUS_SUCCESS = 0
/** ConnectionAttemptEvent.Status Success ("Reader Event Notification"). */
export const CONNECTION_ATTEMPT_SUCCESS = 0
