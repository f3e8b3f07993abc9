/**
 * The payloads an edge node sends, built from RHN's types (no I/O, no seq: the sender numbers each
 * message at the moment it writes it, so seq order is wire order).
 */
import {
  BD_SEQ_METRIC,
  NODE_CONTROL_REBIRTH,
  getMetric,
  metricProperties,
  type AliasAllocator,
  type MetricDataType,
  type MetricPropertyInit,
  type SparkplugMetric,
  type SparkplugPayload,
  type SparkplugPropertySet,
} from '@rhn/protocols'
import type { DeviceDescriptor, MetricDescriptor, Reading, ReadingValue } from '../reading.js'
import { dataTypeCode, type BornMetric } from './data-codec.js'
import { MAX_METRICS_PER_MESSAGE } from './types.js'

/**
 * NDEATH, also the MQTT Will: only the bdSeq metric [tck-id-payloads-ndeath-bdseq], no seq
 * [tck-id-payloads-ndeath-seq]. bdSeq is Int64 as the message-flow clauses say
 * [tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq].
 */
export function nodeDeathPayload(bdSeq: number, timestamp: number): SparkplugPayload {
  return { timestamp, metrics: [{ name: BD_SEQ_METRIC, timestamp, datatype: 'Int64', value: bdSeq }] }
}

/**
 * NBIRTH metrics: bdSeq equal to the Will's [tck-id-payloads-nbirth-bdseq] and `Node Control/Rebirth`
 * = false, Boolean, without alias [tck-id-operational-behavior-data-commands-rebirth-name]
 * [tck-id-operational-behavior-data-commands-rebirth-name-aliases] [tck-id-operational-behavior-data-commands-rebirth-value].
 */
export function nodeBirthMetrics(bdSeq: number, timestamp: number): SparkplugMetric[] {
  return [
    { name: BD_SEQ_METRIC, timestamp, datatype: 'Int64', value: bdSeq },
    { name: NODE_CONTROL_REBIRTH, timestamp, datatype: 'Boolean', value: false },
  ]
}

/** Integer datatypes with their inclusive range (spec §6.4.16); 64-bit ones as far as a `number` is exact. */
const INTEGER_RANGES: Partial<Record<MetricDataType, readonly [number, number]>> = {
  Int8: [-(2 ** 7), 2 ** 7 - 1],
  Int16: [-(2 ** 15), 2 ** 15 - 1],
  Int32: [-(2 ** 31), 2 ** 31 - 1],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UInt8: [0, 2 ** 8 - 1],
  UInt16: [0, 2 ** 16 - 1],
  UInt32: [0, 2 ** 32 - 1],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
  DateTime: [0, Number.MAX_SAFE_INTEGER],
}

/**
 * Whether a reading's value can be sent as `datatype`: the right type and, for integers, within the
 * datatype's range (a value that does not fit would make the whole message unencodable, so it is
 * skipped and counted instead).
 */
export function valueFits(datatype: MetricDataType, value: ReadingValue): boolean {
  switch (datatype) {
    case 'Boolean':
      return typeof value === 'boolean'
    case 'String':
    case 'Text':
    case 'UUID':
      return typeof value === 'string'
    case 'Float':
    case 'Double':
      return typeof value === 'number'
    case 'Bytes':
    case 'File':
      return false
    default: {
      const range = INTEGER_RANGES[datatype]
      return range !== undefined && typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1]
    }
  }
}

/** Unit and MDC code of a metric: the descriptor's, else the catalogue's (DESIGN.md: every BIRTH carries them). */
export function birthProperties(metric: MetricDescriptor): SparkplugPropertySet | undefined {
  const init: MetricPropertyInit = {}
  let unit = metric.unit
  let mdcCode = metric.mdcCode
  let mdcRefId = metric.mdcRefId
  if (unit === undefined || mdcCode === undefined) {
    try {
      const def = getMetric(metric.name)
      unit ??= def.unit
      mdcCode ??= def.mdc?.code
      mdcRefId ??= def.mdc?.refId
    } catch {
      // Not a catalogue metric: only what the descriptor says.
    }
  }
  if (unit !== undefined) init.unit = unit
  if (mdcCode !== undefined) init.mdcCode = mdcCode
  if (mdcRefId !== undefined) init.mdcRefId = mdcRefId
  const set = metricProperties(init)
  return Object.keys(set).length === 0 ? undefined : set
}

/**
 * DBIRTH metrics: every metric of the device with name, stable alias, datatype, current value (null
 * when unknown, [tck-id-operational-behavior-data-publish-dbirth-values]) and unit/MDC properties
 * [tck-id-operational-behavior-data-publish-dbirth] [tck-id-payloads-alias-birth-requirement].
 */
export function deviceBirthMetrics(
  device: DeviceDescriptor,
  aliases: AliasAllocator,
  lastValue: (device: string, metric: string) => Reading | undefined,
  timestamp: number,
): SparkplugMetric[] {
  return device.metrics.map((m) => {
    const last = lastValue(device.id, m.name)
    const value = last !== undefined && valueFits(m.datatype, last.value) ? last.value : null
    const metric: SparkplugMetric = {
      name: m.name,
      alias: aliases.aliasFor(m.name, device.id),
      // [tck-id-payloads-name-birth-data-requirement] every BIRTH/DATA metric has a timestamp.
      timestamp: last?.timestamp ?? timestamp,
      datatype: m.datatype,
      value,
    }
    const properties = birthProperties(m)
    if (properties !== undefined) metric.properties = properties
    return metric
  })
}

/** The metrics of a device as this session's DBIRTH announced them, by name, with their aliases. */
export function bornMetrics(device: DeviceDescriptor, aliases: AliasAllocator): Map<string, BornMetric> {
  return new Map(device.metrics.map((m) => [m.name, { name: m.name, datatype: m.datatype, typeCode: dataTypeCode(m.datatype), alias: aliases.aliasFor(m.name, device.id) }]))
}

/** One DDATA to send: the device, its readings and (parallel) the born metric each is sent as. */
export interface DataMessage {
  device: string
  readings: Reading[]
  metrics: BornMetric[]
  historical: boolean
}

/** Result of {@link buildDataMessages}: the messages, and the readings that could not be sent. */
export interface BuiltData {
  messages: DataMessage[]
  skipped: number
  /** The first skipped reading and why, for the log. */
  firstSkip?: { device: string; metric: string; reason: string }
}

/**
 * Groups a batch's readings per device into DDATA messages of up to {@link MAX_METRICS_PER_MESSAGE}
 * metrics, each to be sent by alias only [tck-id-payloads-alias-data-cmd-requirement], flagged
 * `is_historical` when replayed. `metricsOf(device)` is undefined for a device without a DBIRTH in
 * this session: its readings are skipped (a DDATA before DBIRTH or after DDEATH breaks the host's
 * session). No per-reading objects are made: a message holds references to the readings and to the
 * born metrics, and the sender writes the bytes (data-codec.ts).
 */
export function buildDataMessages(
  readings: readonly Reading[],
  historical: boolean,
  metricsOf: (device: string) => ReadonlyMap<string, BornMetric> | undefined,
): BuiltData {
  // Per device, its messages: devices in the order they first appear, each device's chunks together.
  const byDevice = new Map<string, DataMessage[]>()
  let skipped = 0
  let firstSkip: BuiltData['firstSkip']
  for (const r of readings) {
    const metrics = metricsOf(r.device)
    const born = metrics?.get(r.metric)
    if (born === undefined || !valueFits(born.datatype, r.value)) {
      skipped++
      firstSkip ??= {
        device: r.device,
        metric: r.metric,
        reason: metrics === undefined ? 'device has no DBIRTH in this session' : born === undefined ? 'metric not in the DBIRTH' : `value ${JSON.stringify(r.value)} does not fit ${born.datatype}`,
      }
      continue
    }
    let list = byDevice.get(r.device)
    if (list === undefined) byDevice.set(r.device, (list = []))
    let message = list.at(-1)
    if (message === undefined || message.readings.length === MAX_METRICS_PER_MESSAGE) list.push((message = { device: r.device, readings: [], metrics: [], historical }))
    message.readings.push(r)
    message.metrics.push(born)
  }
  const messages: DataMessage[] = []
  for (const list of byDevice.values()) for (const message of list) messages.push(message)
  return { messages, skipped, ...(firstSkip === undefined ? {} : { firstSkip }) }
}
