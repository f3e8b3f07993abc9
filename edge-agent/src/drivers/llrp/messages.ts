/**
 * The messages the driver sends and the few it reads back, on top of the `@rhn/protocols` LLRP codec. Section
 * titles are those of LLRP 1.0.1.
 */
import { llrp } from '@rhn/protocols'
const { LlrpFramingError, Msg, Param, encodeMessage, findParam, parseParams, tlv, u16, u32, u8 } = llrp
type Frame = llrp.Frame

/** ROSpecStartTrigger type Immediate: the ROSpec starts as soon as it is enabled ("Reader Operations", ROSpecStartTrigger). */
const START_IMMEDIATE = 1
/** ROSpecStopTrigger type Null: it runs until stopped, looping over its AISpec. */
const STOP_NULL = 0
/** AISpecStopTrigger type Duration: one inventory round lasts this long. */
const AISPEC_STOP_DURATION = 1
/** InventoryParameterSpec ProtocolID 1 = EPCGlobal Class 1 Gen 2 ("Reader Operations", AirProtocols). */
const PROTOCOL_EPC_C1G2 = 1
/** ROReportTrigger Upon_N_Tags_Or_End_Of_AISpec with N = 0: one report per round ("Reports", ROReportSpec). */
const REPORT_END_OF_AISPEC = 1
/**
 * TagReportContentSelector bits, high to low: ROSpecID, SpecIndex, InventoryParameterSpecID, AntennaID,
 * ChannelIndex, PeakRSSI, FirstSeenTimestamp, LastSeenTimestamp, TagSeenCount, AccessSpecID ("Reports").
 * We ask for AntennaID, PeakRSSI and FirstSeenTimestamp: the EPC is always reported.
 */
const SELECT_ANTENNA_RSSI_FIRSTSEEN = 0x1000 | 0x0400 | 0x0200
/** KeepaliveTriggerType Periodic ("Reader Device Configuration", KeepaliveSpec). */
const KEEPALIVE_PERIODIC = 1

/** What the driver's ROSpec asks of the reader. */
export interface RoSpecOptions {
  id: number
  /** Antenna ids; empty = every antenna (AntennaID 0, "Reader Operations", AISpec). */
  antennas: readonly number[]
  /** One inventory round (AISpec Duration), ms. */
  roundMs: number
}

/** ADD_ROSPEC with an Immediate start, Null stop, one AISpec of `roundMs` rounds, and a report per round. */
export function addRoSpec(msgId: number, o: RoSpecOptions): Buffer {
  const antennaIds = o.antennas.length === 0 ? [0] : o.antennas
  const boundary = tlv(Param.ROBoundarySpec, tlv(Param.ROSpecStartTrigger, u8(START_IMMEDIATE)), tlv(Param.ROSpecStopTrigger, u8(STOP_NULL), u32(0)))
  const aiSpec = tlv(
    Param.AISpec,
    u16(antennaIds.length),
    ...antennaIds.map(u16),
    tlv(Param.AISpecStopTrigger, u8(AISPEC_STOP_DURATION), u32(o.roundMs)),
    tlv(Param.InventoryParameterSpec, u16(1), u8(PROTOCOL_EPC_C1G2)),
  )
  const report = tlv(Param.ROReportSpec, u8(REPORT_END_OF_AISPEC), u16(0), tlv(Param.TagReportContentSelector, u16(SELECT_ANTENNA_RSSI_FIRSTSEEN)))
  // Priority 0, CurrentState 0 = Disabled: ADD_ROSPEC requires a Disabled ROSpec ("Reader Operations", ADD_ROSPEC).
  return encodeMessage(Msg.ADD_ROSPEC, msgId, [tlv(Param.ROSpec, u32(o.id), u8(0), u8(0), boundary, aiSpec, report)])
}

/** DELETE_ROSPEC / ENABLE_ROSPEC with a ROSpecID (0 = every ROSpec for DELETE). */
export const roSpecCommand = (type: number, msgId: number, roSpecId: number): Buffer => encodeMessage(type, msgId, [u32(roSpecId)])

/** SET_READER_CONFIG turning on periodic KEEPALIVE every `periodMs` (no factory reset). */
export const setKeepalive = (msgId: number, periodMs: number): Buffer =>
  encodeMessage(Msg.SET_READER_CONFIG, msgId, [u8(0), tlv(Param.KeepaliveSpec, u8(KEEPALIVE_PERIODIC), u32(periodMs))])

/** KEEPALIVE_ACK answering the reader's KEEPALIVE with the same message id ("Reader Device Configuration"). */
export const keepaliveAck = (msgId: number): Buffer => encodeMessage(Msg.KEEPALIVE_ACK, msgId)

/** CLOSE_CONNECTION: the polite goodbye before the driver closes its socket. */
export const closeConnection = (msgId: number): Buffer => encodeMessage(Msg.CLOSE_CONNECTION, msgId)

/** LLRPStatus of a response ("Errors", LLRPStatus): StatusCode and ErrorDescription. */
export function responseStatus(f: Frame): { code: number; description: string } {
  const status = findParam(parseParams(f.body), Param.LLRPStatus)
  if (status === undefined || status.value.length < 4) throw new LlrpFramingError(`message type ${f.type} without LLRPStatus`)
  const len = status.value.readUInt16BE(2)
  return { code: status.value.readUInt16BE(0), description: status.value.subarray(4, 4 + len).toString('utf8') }
}

/** What a READER_EVENT_NOTIFICATION says about the connection. */
export interface ConnectionEvent {
  /** ConnectionAttemptEvent.Status, when present (0 = Success). */
  attempt?: number
  /** True when a ConnectionCloseEvent is present: the reader is closing. */
  closing: boolean
}

/** Reads the connection events of a READER_EVENT_NOTIFICATION ("Reader Event Notification"). */
export function connectionEvent(f: Frame): ConnectionEvent {
  const data = findParam(parseParams(f.body), Param.ReaderEventNotificationData)
  if (data === undefined) throw new LlrpFramingError('READER_EVENT_NOTIFICATION without ReaderEventNotificationData')
  const subs = parseParams(data.value)
  const attempt = findParam(subs, Param.ConnectionAttemptEvent)
  if (attempt !== undefined && attempt.value.length < 2) throw new LlrpFramingError('ConnectionAttemptEvent too short')
  return { attempt: attempt?.value.readUInt16BE(0), closing: findParam(subs, Param.ConnectionCloseEvent) !== undefined }
}

/** One tag in an RO_ACCESS_REPORT. */
export interface TagSeen {
  /** EPC as lower-case hex. */
  epcHex: string
  /** 0 when the reader did not say. */
  antenna: number
  /** dBm, when reported. */
  peakRssi?: number
}

/** Every TagReportData of an RO_ACCESS_REPORT ("Reports", TagReportData): EPC-96 or EPCData, AntennaID, PeakRSSI. */
export function tagReports(f: Frame): TagSeen[] {
  const tags: TagSeen[] = []
  for (const p of parseParams(f.body)) {
    if (p.type !== Param.TagReportData) continue
    const subs = parseParams(p.value)
    const epc96 = findParam(subs, Param.EPC_96)
    const epcData = findParam(subs, Param.EPCData)
    let epcHex: string
    if (epc96 !== undefined) epcHex = epc96.value.toString('hex')
    else if (epcData !== undefined && epcData.value.length >= 2) epcHex = epcData.value.subarray(2, 2 + Math.ceil(epcData.value.readUInt16BE(0) / 8)).toString('hex')
    else throw new LlrpFramingError('TagReportData without an EPC')
    const antenna = findParam(subs, Param.AntennaID)
    const rssi = findParam(subs, Param.PeakRSSI)
    tags.push({ epcHex, antenna: antenna?.value.readUInt16BE(0) ?? 0, ...(rssi === undefined ? {} : { peakRssi: rssi.value.readInt8(0) }) })
  }
  return tags
}
