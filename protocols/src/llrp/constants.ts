/**
 * LLRP 1.0.1 numbers both sides speak: the simulated reader (firmware-sim) and the driver (edge-agent).
 * EPCglobal Low Level Reader Protocol 1.0.1, the same values as the LTK definition `llrp-1x0-def.xml`.
 * Clauses are cited by their title in the standard.
 */

/** Protocol version carried in every header ("Binary Encoding for LLRP", message header: Ver = 1 for 1.0.1). */
export const LLRP_VERSION = 1
/** Header size: Rsvd(3) Ver(3) Type(10), Length(32), ID(32) = 10 bytes ("Binary Encoding", message header). */
export const HEADER_BYTES = 10
/** TLV parameter header: Rsvd(6) Type(10), Length(16) = 4 bytes ("Binary Encoding", TLV-parameters). */
export const TLV_HEADER_BYTES = 4
/** IANA-assigned LLRP port; a simulated reader listens wherever its endpoint says (often a free loopback port). */
export const LLRP_IANA_PORT = 5084

/** Message types ("Binary Encoding", message type numbers). */
export const Msg = {
  GET_READER_CAPABILITIES: 1,
  GET_READER_CONFIG: 2,
  SET_READER_CONFIG: 3,
  CLOSE_CONNECTION_RESPONSE: 4,
  GET_READER_CAPABILITIES_RESPONSE: 11,
  GET_READER_CONFIG_RESPONSE: 12,
  SET_READER_CONFIG_RESPONSE: 13,
  CLOSE_CONNECTION: 14,
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  START_ROSPEC: 22,
  STOP_ROSPEC: 23,
  ENABLE_ROSPEC: 24,
  DISABLE_ROSPEC: 25,
  GET_ROSPECS: 26,
  GET_ROSPECS_RESPONSE: 36,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  START_ROSPEC_RESPONSE: 32,
  STOP_ROSPEC_RESPONSE: 33,
  ENABLE_ROSPEC_RESPONSE: 34,
  DISABLE_ROSPEC_RESPONSE: 35,
  GET_REPORT: 60,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  ENABLE_EVENTS_AND_REPORTS: 64,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
} as const

/** Parameter types: TV types are 1..127, TLV types 128..1023 ("Binary Encoding", parameter type numbers). */
export const Param = {
  AntennaID: 1,
  FirstSeenTimestampUTC: 2,
  LastSeenTimestampUTC: 4,
  PeakRSSI: 6,
  TagSeenCount: 8,
  ROSpecID: 9,
  EPC_96: 13,
  UTCTimestamp: 128,
  GeneralDeviceCapabilities: 137,
  ReceiveSensitivityTableEntry: 139,
  PerAntennaAirProtocol: 140,
  GPIOCapabilities: 141,
  LLRPCapabilities: 142,
  RegulatoryCapabilities: 143,
  ROSpec: 177,
  ROBoundarySpec: 178,
  ROSpecStartTrigger: 179,
  PeriodicTriggerValue: 180,
  ROSpecStopTrigger: 182,
  AISpec: 183,
  AISpecStopTrigger: 184,
  InventoryParameterSpec: 186,
  Identification: 218,
  KeepaliveSpec: 220,
  ROReportSpec: 237,
  TagReportContentSelector: 238,
  TagReportData: 240,
  EPCData: 241,
  ReaderEventNotificationData: 246,
  ConnectionAttemptEvent: 256,
  ConnectionCloseEvent: 257,
  LLRPStatus: 287,
} as const

/**
 * Total encoded length (type byte included) of each TV parameter, by type: a TV parameter carries no
 * length field, so a parser must know it ("Binary Encoding", TV-parameters; types 1..18 of LLRP 1.0.1).
 */
export const TV_LENGTH: Readonly<Record<number, number>> = {
  1: 3, 2: 9, 3: 9, 4: 9, 5: 9, 6: 2, 7: 3, 8: 3, 9: 5, 10: 3, 11: 3, 12: 3, 13: 13, 14: 3, 15: 3, 16: 5, 17: 3, 18: 5,
}

/** LLRPStatus codes ("Errors", StatusCode values). */
export const Status = {
  Success: 0,
  ParameterError: 100,
  FieldError: 101,
  MissingParameter: 103,
  UnsupportedMessage: 109,
  UnsupportedVersion: 110,
  Invalid: 300,
  DeviceError: 401,
} as const

/** ConnectionAttemptEvent.Status ("Reader Event Notification", ConnectionAttemptEvent). */
export const ConnectionAttempt = {
  Success: 0,
  FailedClientConnectionExists: 2,
  AnotherConnectionAttempted: 4,
} as const

/** ROSpec.CurrentState ("Reader Operations", ROSpec). */
export const RoSpecState = { Disabled: 0, Inactive: 1, Active: 2 } as const

/** ROReportSpec.ROReportTrigger ("Reports", ROReportSpec). */
export const ReportTrigger = { None: 0, EndOfAISpec: 1, EndOfROSpec: 2 } as const
