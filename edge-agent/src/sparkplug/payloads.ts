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

/** Whether a reading's value can be sent as `datatype` (a mismatch would make the whole message unencodable). */
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
    default:
      // Integer types and DateTime.
      return typeof value === 'number' && Number.isSafeInteger(value)
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

/** One DDATA to send: the device, its metrics (aliases only), and how many readings it carries. */
export interface DataMessage {
  device: string
  metrics: SparkplugMetric[]
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
 * metrics, each metric by alias only [tck-id-payloads-alias-data-cmd-requirement], flagged
 * `is_historical` when replayed. `metricsOf(device)` is undefined for a device without a DBIRTH in
 * this session: its readings are skipped (a DDATA before DBIRTH or after DDEATH breaks the host's session).
 */
export function buildDataMessages(
  readings: readonly Reading[],
  historical: boolean,
  metricsOf: (device: string) => ReadonlyMap<string, MetricDescriptor> | undefined,
  aliases: AliasAllocator,
): BuiltData {
  const byDevice = new Map<string, SparkplugMetric[]>()
  let skipped = 0
  let firstSkip: BuiltData['firstSkip']
  for (const r of readings) {
    const metrics = metricsOf(r.device)
    const desc = metrics?.get(r.metric)
    if (desc === undefined || !valueFits(desc.datatype, r.value)) {
      skipped++
      firstSkip ??= {
        device: r.device,
        metric: r.metric,
        reason: metrics === undefined ? 'device has no DBIRTH in this session' : desc === undefined ? 'metric not in the DBIRTH' : `value ${JSON.stringify(r.value)} does not fit ${desc.datatype}`,
      }
      continue
    }
    const metric: SparkplugMetric = { alias: aliases.aliasFor(r.metric, r.device), timestamp: r.timestamp, datatype: desc.datatype, value: r.value }
    if (historical) metric.isHistorical = true
    let list = byDevice.get(r.device)
    if (list === undefined) byDevice.set(r.device, (list = []))
    list.push(metric)
  }
  const messages: DataMessage[] = []
  for (const [device, metrics] of byDevice) {
    for (let i = 0; i < metrics.length; i += MAX_METRICS_PER_MESSAGE) {
      messages.push({ device, metrics: metrics.slice(i, i + MAX_METRICS_PER_MESSAGE), historical })
    }
  }
  return { messages, skipped, ...(firstSkip === undefined ? {} : { firstSkip }) }
}
