/**
 * From a config entry to what the driver polls: the register map, the coalesced read requests, and the
 * Sparkplug device of each unit id. Pure: no I/O, so a bad map fails at start, naming the key.
 */
import {
  BED_MODBUS_MAP,
  coalesce,
  decodeEnumLabel,
  decodeRegisters,
  getMetric,
  orderFrom32,
  registerWidth,
  validateRegisterMap,
  ventilatorModbusMap,
  wordsFor,
  type ModbusDeviceConfig,
  type ReadRequest,
  type RegisterEntry,
  type RegisterMap,
} from '@rhn/protocols'
import { EdgeError } from '../../errors.js'
import type { DeviceDescriptor, MetricDescriptor, Reading, ReadingValue } from '../../reading.js'

/**
 * Unused addresses one request may span to join two entries: 0, only adjacent registers. Reading
 * across a gap makes many devices (and the simulator) answer exception 02 Illegal Data Address for
 * the whole request (AP §7), which would cost every value of that request.
 */
export const DEFAULT_MAX_GAP = 0

/** One unit id of a config entry: a Sparkplug device. */
export interface UnitPlan {
  readonly unitId: number
  /** Sparkplug device id. */
  readonly device: string
  readonly requests: readonly ReadRequest[]
}

/** Everything the driver needs to poll one config entry. */
export interface EntryPlan {
  readonly config: ModbusDeviceConfig
  readonly map: RegisterMap
  readonly units: readonly UnitPlan[]
  readonly descriptors: readonly DeviceDescriptor[]
}

/**
 * The register map of an entry: a named map from protocols (with `order32` applied to every 32-bit
 * value) or the inline one, validated.
 * @throws EdgeError `RHN_EDGE_CONFIG_INVALID` naming the entry when the inline map is invalid.
 */
export function resolveMap(config: ModbusDeviceConfig): RegisterMap {
  const map = config.map
  if (typeof map === 'string') {
    if (map === 'ventilator') return ventilatorModbusMap(config.order32 ?? 'default')
    const order = config.order32
    if (order === undefined) return BED_MODBUS_MAP
    return { ...BED_MODBUS_MAP, entries: BED_MODBUS_MAP.entries.map((e) => (registerWidth(e) === 2 ? { ...e, ...orderFrom32(order) } : e)) }
  }
  try {
    return validateRegisterMap({ name: map.name, description: `inline map of ${config.id}`, entries: map.registers })
  } catch (err) {
    throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `devices.${config.id}.map: ${(err as Error).message}`, { cause: err })
  }
}

/** The catalogue description of a metric, for DBIRTH. */
export function describeMetric(name: string): MetricDescriptor {
  const m = getMetric(name)
  return { name, datatype: m.datatype, ...(m.unit === undefined ? {} : { unit: m.unit }), ...(m.mdc === undefined ? {} : { mdcCode: m.mdc.code, mdcRefId: m.mdc.refId }) }
}

/** Plans one config entry. @throws EdgeError `RHN_EDGE_CONFIG_INVALID`. */
export function planEntry(config: ModbusDeviceConfig, maxGap = DEFAULT_MAX_GAP): EntryPlan {
  const map = resolveMap(config)
  const requests = coalesce(map.entries, maxGap, config.maxRegistersPerRequest)
  const metrics = map.entries.map((e) => describeMetric(e.metric))
  const units = config.unitIds.map((unitId, i) => ({ unitId, device: config.deviceIds?.[i] ?? config.id, requests }))
  return { config, map, units, descriptors: units.map((u) => ({ id: u.device, metrics })) }
}

/** A value that does not decode (an enum code without a label). */
export interface DecodeProblem {
  readonly metric: string
  readonly message: string
}

/** The readings one response carries, and the entries that did not decode. */
export function decodeResponse(device: string, request: ReadRequest, items: readonly number[], timestamp: number): { readings: Reading[]; problems: DecodeProblem[] } {
  const readings: Reading[] = []
  const problems: DecodeProblem[] = []
  for (const entry of request.entries) {
    const value = decodeEntry(entry, wordsFor(request, entry, items))
    if (typeof value === 'object') problems.push({ metric: entry.metric, message: value.error })
    else readings.push({ device, metric: entry.metric, value, timestamp })
  }
  return { readings, problems }
}

function decodeEntry(entry: RegisterEntry, words: readonly number[]): ReadingValue | { error: string } {
  const raw = decodeRegisters(entry, words)
  if (entry.enumLabels === undefined) return raw
  return decodeEnumLabel(entry, raw) ?? { error: `code ${String(raw)} has no label (${entry.enumLabels.length} known)` }
}
