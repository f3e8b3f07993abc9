/**
 * The messages the simulated reader sends, encoded with the `@rhn/protocols` LLRP codec. Responses carry the
 * request's message id ("Binary Encoding", message header: the reader answers with the same ID).
 */
import { SIM_MANUFACTURER } from './constants.js'
import type { TagRead } from './inventory.js'
import type { ContentSelector } from './rospec.js'
import { llrp } from '@rhn/protocols'
const { HEADER_BYTES, Msg, Param, Status, encodeMessage, s16, tlv, tv, u16, u32, u64, u8, u8v, utf8v } = llrp

/** LLRPStatus parameter ("Errors", LLRPStatus). */
export const llrpStatus = (code: number, description: string): Buffer => tlv(Param.LLRPStatus, u16(code), utf8v(description))

/** A response that carries only an LLRPStatus (ADD_ROSPEC_RESPONSE, START_ROSPEC_RESPONSE, …). */
export const statusResponse = (type: number, id: number, code: number = Status.Success, description = ''): Buffer =>
  encodeMessage(type, id, [llrpStatus(code, description)])

/** ERROR_MESSAGE: the reader's answer to a message it cannot take ("Errors", ERROR_MESSAGE). */
export const errorMessage = (id: number, code: number, description: string): Buffer => statusResponse(Msg.ERROR_MESSAGE, id, code, description)

const utcTimestamp = (us: bigint): Buffer => tlv(Param.UTCTimestamp, u64(us))

/** READER_EVENT_NOTIFICATION with one event parameter and the device's UTC time. */
export const readerEvent = (id: number, nowUs: bigint, event: Buffer): Buffer =>
  encodeMessage(Msg.READER_EVENT_NOTIFICATION, id, [tlv(Param.ReaderEventNotificationData, utcTimestamp(nowUs), event)])

/** ConnectionAttemptEvent: sent first on every accepted connection ("Reader Event Notification"). */
export const connectionAttemptEvent = (status: number): Buffer => tlv(Param.ConnectionAttemptEvent, u16(status))

/** ConnectionCloseEvent: sent before the reader itself closes the connection. */
export const connectionCloseEvent = (): Buffer => tlv(Param.ConnectionCloseEvent)

/** KEEPALIVE: the reader's heartbeat when the client configured a periodic KeepaliveSpec. */
export const keepalive = (id: number): Buffer => encodeMessage(Msg.KEEPALIVE, id)

/** What GET_READER_CAPABILITIES_RESPONSE describes. */
export interface ReaderIdentity {
  antennas: number
  model: number
  firmware: string
}

/**
 * GET_READER_CAPABILITIES_RESPONSE ("Reader Device Capabilities"). `requested`: 0 all, 1 general,
 * 2 LLRP, 3 regulatory, 4 air protocol (answered with the status only: the sim has no C1G2 tables).
 */
export function capabilitiesResponse(id: number, requested: number, r: ReaderIdentity): Buffer {
  const parts = [llrpStatus(Status.Success, '')]
  if (requested === 0 || requested === 1) {
    const antennas = Array.from({ length: r.antennas }, (_, i) => tlv(Param.PerAntennaAirProtocol, u16(i + 1), u8v([1])))
    parts.push(
      tlv(
        Param.GeneralDeviceCapabilities,
        u16(r.antennas),
        u16(0x4000), // CanSetAntennaProperties 0, HasUTCClockCapability 1, 14 reserved bits
        u32(SIM_MANUFACTURER),
        u32(r.model),
        utf8v(r.firmware),
        tlv(Param.ReceiveSensitivityTableEntry, u16(1), s16(0)),
        tlv(Param.GPIOCapabilities, u16(0), u16(0)),
        ...antennas,
      ),
    )
  }
  if (requested === 0 || requested === 2) {
    // No RF survey, no buffer warnings, no client OpSpecs, no state-aware singulation, no holding;
    // 1 priority level; 0 ms OpSpec timeout; up to 8 ROSpecs of 4 specs, 1 InventoryParameterSpec per AISpec; no AccessSpecs.
    parts.push(tlv(Param.LLRPCapabilities, u8(0), u8(1), u16(0), u32(8), u32(4), u32(1), u32(0), u32(0)))
  }
  if (requested === 0 || requested === 3) {
    // Country 826 (United Kingdom, ISO 3166 numeric); CommunicationsStandard 2 = ETSI_302_208.
    parts.push(tlv(Param.RegulatoryCapabilities, u16(826), u16(2)))
  }
  return encodeMessage(Msg.GET_READER_CAPABILITIES_RESPONSE, id, parts)
}

/** Bytes of one TagReportData with the fields `sel` enables. */
function tagReportBytes(sel: ContentSelector): number {
  return (
    4 + 13 + (sel.roSpecId ? 5 : 0) + (sel.antennaId ? 3 : 0) + (sel.peakRssi ? 2 : 0) + (sel.firstSeen ? 9 : 0) + (sel.lastSeen ? 9 : 0) + (sel.tagSeenCount ? 3 : 0)
  )
}

/**
 * RO_ACCESS_REPORT with one TagReportData per read ("Reports", TagReportData): EPC-96, then the TV
 * fields the content selector enables, in the order the standard lists them. Written straight into one
 * buffer: this is the reader's hot path (a cabinet of hundreds of items, every round).
 */
export function roAccessReport(id: number, roSpecId: number, reads: readonly TagRead[], sel: ContentSelector): Buffer {
  const per = tagReportBytes(sel)
  const out = Buffer.allocUnsafe(HEADER_BYTES + per * reads.length)
  out.writeUInt16BE((1 << 10) | Msg.RO_ACCESS_REPORT, 0)
  out.writeUInt32BE(out.length, 2)
  out.writeUInt32BE(id >>> 0, 6)
  let at = HEADER_BYTES
  for (const r of reads) {
    at = out.writeUInt16BE(Param.TagReportData, at)
    at = out.writeUInt16BE(per, at)
    at = out.writeUInt8(0x80 | Param.EPC_96, at)
    at += r.epc.copy(out, at, 0, 12)
    if (sel.roSpecId) at = out.writeUInt32BE(roSpecId >>> 0, out.writeUInt8(0x80 | Param.ROSpecID, at))
    if (sel.antennaId) at = out.writeUInt16BE(r.antenna, out.writeUInt8(0x80 | Param.AntennaID, at))
    if (sel.peakRssi) at = out.writeInt8(r.peakRssi, out.writeUInt8(0x80 | Param.PeakRSSI, at))
    if (sel.firstSeen) at = out.writeBigUInt64BE(r.firstSeenUs, out.writeUInt8(0x80 | Param.FirstSeenTimestampUTC, at))
    if (sel.lastSeen) at = out.writeBigUInt64BE(r.lastSeenUs, out.writeUInt8(0x80 | Param.LastSeenTimestampUTC, at))
    if (sel.tagSeenCount) at = out.writeUInt16BE(r.seenCount, out.writeUInt8(0x80 | Param.TagSeenCount, at))
  }
  return out
}

/**
 * Malformed frames for the edge agent's bad-input tests. `bad-parameter`: a well-framed RO_ACCESS_REPORT
 * whose TagReportData claims more bytes than the message holds (the stream stays in sync);
 * `bad-version`: a frame with version 7; `random`: bytes that cannot be framed (a client must drop the connection).
 */
export type GarbageKind = 'bad-parameter' | 'bad-version' | 'random'

/** Builds a malformed frame of `kind`; `noise` supplies the random bytes. */
export function garbageFrame(kind: GarbageKind, id: number, noise: () => number): Buffer {
  if (kind === 'bad-parameter') {
    const broken = Buffer.concat([u16(Param.TagReportData), u16(200), tv(Param.AntennaID, u16(1))])
    return encodeMessage(Msg.RO_ACCESS_REPORT, id, [broken])
  }
  if (kind === 'bad-version') {
    const frame = encodeMessage(Msg.KEEPALIVE, id)
    frame.writeUInt16BE((7 << 10) | Msg.KEEPALIVE, 0)
    return frame
  }
  // Random bytes behind a header whose length field is below the 10-byte minimum.
  const bytes = Buffer.from(Array.from({ length: 32 }, () => Math.floor(noise() * 256)))
  bytes.writeUInt32BE(3, 2)
  return bytes
}
