/**
 * Decoding of what a client configures: ROSpec (ADD_ROSPEC), ROReportSpec and KeepaliveSpec
 * (SET_READER_CONFIG). Only what the simulated reader acts on is kept; the rest is skipped, as a
 * reader ignores settings it has no hardware for.
 */
import { llrp } from '@rhn/protocols'
const { Param, ReportTrigger, RoSpecState, Status, findParam, parseParams } = llrp
type LlrpParam = llrp.LlrpParam

/** Which optional fields each TagReportData carries ("Reports", TagReportContentSelector). */
export interface ContentSelector {
  roSpecId: boolean
  antennaId: boolean
  peakRssi: boolean
  firstSeen: boolean
  lastSeen: boolean
  tagSeenCount: boolean
}

/** When and how the reader reports ("Reports", ROReportSpec). */
export interface ReportSpec {
  /** {@link ReportTrigger}. */
  trigger: number
  /** Report after N tags as well; 0 = no limit. */
  n: number
  selector: ContentSelector
}

/** An ROSpec as the reader keeps it ("Reader Operations", ROSpec). */
export interface RoSpec {
  id: number
  priority: number
  state: number
  /** 0 Null (START_ROSPEC only), 1 Immediate (on enable), 2 Periodic. */
  startTrigger: number
  periodicOffsetMs: number
  periodicPeriodMs: number
  /** 0 Null (STOP_ROSPEC only), 1 Duration. */
  stopTrigger: number
  stopDurationMs: number
  /** Antennas of the AISpecs; an empty list (or a 0 in the list) means every antenna. */
  antennaIds: number[]
  /** Duration stop trigger of the first AISpec, ms; 0 when it has none. */
  aiSpecDurationMs: number
  /** Absent: the reader's configured ROReportSpec applies. */
  report: ReportSpec | undefined
}

/** A client error, answered with LLRPStatus {@link code} and {@link message}. */
export class LlrpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

/** What a reader reports out of the box: every field an edge agent uses, one report per round. */
export const DEFAULT_REPORT_SPEC: ReportSpec = {
  trigger: ReportTrigger.EndOfAISpec,
  n: 0,
  selector: { roSpecId: true, antennaId: true, peakRssi: true, firstSeen: true, lastSeen: true, tagSeenCount: true },
}

const need = (params: readonly LlrpParam[], type: number, name: string): LlrpParam => {
  const p = findParam(params, type)
  if (p === undefined) throw new LlrpStatusError(Status.MissingParameter, `missing ${name}`)
  return p
}

const fieldsAtLeast = (p: LlrpParam, bytes: number, name: string): void => {
  if (p.value.length < bytes) throw new LlrpStatusError(Status.FieldError, `${name} too short`)
}

/** Decodes an ROReportSpec parameter. */
export function parseReportSpec(p: LlrpParam): ReportSpec {
  fieldsAtLeast(p, 3, 'ROReportSpec')
  const selectorParam = need(parseParams(p.value.subarray(3)), Param.TagReportContentSelector, 'TagReportContentSelector')
  fieldsAtLeast(selectorParam, 2, 'TagReportContentSelector')
  // Bits, high to low: ROSpecID, SpecIndex, InventoryParameterSpecID, AntennaID, ChannelIndex,
  // PeakRSSI, FirstSeenTimestamp, LastSeenTimestamp, TagSeenCount, AccessSpecID, 6 reserved.
  const bits = selectorParam.value.readUInt16BE(0)
  const bit = (n: number): boolean => (bits & (0x8000 >> n)) !== 0
  const trigger = p.value.readUInt8(0)
  if (trigger > ReportTrigger.EndOfROSpec) throw new LlrpStatusError(Status.FieldError, `unknown ROReportTrigger ${trigger}`)
  return {
    trigger,
    n: p.value.readUInt16BE(1),
    selector: { roSpecId: bit(0), antennaId: bit(3), peakRssi: bit(5), firstSeen: bit(6), lastSeen: bit(7), tagSeenCount: bit(8) },
  }
}

function parseBoundary(p: LlrpParam): Pick<RoSpec, 'startTrigger' | 'periodicOffsetMs' | 'periodicPeriodMs' | 'stopTrigger' | 'stopDurationMs'> {
  const subs = parseParams(p.value)
  const start = need(subs, Param.ROSpecStartTrigger, 'ROSpecStartTrigger')
  const stop = need(subs, Param.ROSpecStopTrigger, 'ROSpecStopTrigger')
  fieldsAtLeast(start, 1, 'ROSpecStartTrigger')
  fieldsAtLeast(stop, 5, 'ROSpecStopTrigger')
  const startTrigger = start.value.readUInt8(0)
  const stopTrigger = stop.value.readUInt8(0)
  if (startTrigger > 2) throw new LlrpStatusError(Status.Invalid, `ROSpecStartTrigger ${startTrigger} (GPI) not supported: the cabinet has no GPIs`)
  if (stopTrigger > 1) throw new LlrpStatusError(Status.Invalid, `ROSpecStopTrigger ${stopTrigger} (GPI) not supported: the cabinet has no GPIs`)
  let periodicOffsetMs = 0
  let periodicPeriodMs = 0
  if (startTrigger === 2) {
    const periodic = need(parseParams(start.value.subarray(1)), Param.PeriodicTriggerValue, 'PeriodicTriggerValue')
    fieldsAtLeast(periodic, 8, 'PeriodicTriggerValue')
    periodicOffsetMs = periodic.value.readUInt32BE(0)
    periodicPeriodMs = periodic.value.readUInt32BE(4)
    if (periodicPeriodMs === 0) throw new LlrpStatusError(Status.FieldError, 'PeriodicTriggerValue.Period must be > 0')
  }
  return { startTrigger, periodicOffsetMs, periodicPeriodMs, stopTrigger, stopDurationMs: stop.value.readUInt32BE(1) }
}

/** Decodes the ROSpec of an ADD_ROSPEC body; throws {@link LlrpStatusError} for what the reader must refuse. */
export function parseRoSpec(body: Buffer): RoSpec {
  const rp = need(parseParams(body), Param.ROSpec, 'ROSpec')
  fieldsAtLeast(rp, 6, 'ROSpec')
  const id = rp.value.readUInt32BE(0)
  const state = rp.value.readUInt8(5)
  // "Reader Operations", ADD_ROSPEC: the ROSpec id must not be 0 and the spec must arrive Disabled.
  if (id === 0) throw new LlrpStatusError(Status.FieldError, 'ROSpecID 0 is reserved')
  if (state !== RoSpecState.Disabled) throw new LlrpStatusError(Status.FieldError, 'ROSpec CurrentState must be Disabled')
  const subs = parseParams(rp.value.subarray(6))
  const aiSpecs = subs.filter((s) => s.type === Param.AISpec)
  if (aiSpecs.length === 0) throw new LlrpStatusError(Status.MissingParameter, 'missing AISpec (the simulated reader runs inventory only)')
  const antennaIds: number[] = []
  let aiSpecDurationMs = 0
  for (const [i, ai] of aiSpecs.entries()) {
    fieldsAtLeast(ai, 2, 'AISpec')
    const count = ai.value.readUInt16BE(0)
    fieldsAtLeast(ai, 2 + 2 * count, 'AISpec.AntennaIDs')
    for (let k = 0; k < count; k++) antennaIds.push(ai.value.readUInt16BE(2 + 2 * k))
    const stop = need(parseParams(ai.value.subarray(2 + 2 * count)), Param.AISpecStopTrigger, 'AISpecStopTrigger')
    fieldsAtLeast(stop, 5, 'AISpecStopTrigger')
    if (i === 0 && stop.value.readUInt8(0) === 1) aiSpecDurationMs = stop.value.readUInt32BE(1)
  }
  const reportParam = findParam(subs, Param.ROReportSpec)
  return {
    id,
    priority: rp.value.readUInt8(4),
    state,
    ...parseBoundary(need(subs, Param.ROBoundarySpec, 'ROBoundarySpec')),
    antennaIds: antennaIds.includes(0) ? [] : antennaIds,
    aiSpecDurationMs,
    report: reportParam === undefined ? undefined : parseReportSpec(reportParam),
  }
}

/** What SET_READER_CONFIG changes on the simulated reader. */
export interface ReaderConfigChange {
  resetToFactoryDefault: boolean
  report: ReportSpec | undefined
  /** Keepalive period in ms: 0 turns keepalives off; undefined leaves them as they are. */
  keepaliveMs: number | undefined
}

/** Decodes a SET_READER_CONFIG body ("Reader Device Configuration", SET_READER_CONFIG). */
export function parseSetReaderConfig(body: Buffer): ReaderConfigChange {
  if (body.length < 1) throw new LlrpStatusError(Status.FieldError, 'SET_READER_CONFIG too short')
  const subs = parseParams(body.subarray(1))
  const report = findParam(subs, Param.ROReportSpec)
  const keepalive = findParam(subs, Param.KeepaliveSpec)
  let keepaliveMs: number | undefined
  if (keepalive !== undefined) {
    fieldsAtLeast(keepalive, 5, 'KeepaliveSpec')
    keepaliveMs = keepalive.value.readUInt8(0) === 1 ? keepalive.value.readUInt32BE(1) : 0
  }
  return {
    resetToFactoryDefault: (body.readUInt8(0) & 0x80) !== 0,
    report: report === undefined ? undefined : parseReportSpec(report),
    keepaliveMs,
  }
}
