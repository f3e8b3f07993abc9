import type { MetricDataType } from '@rhn/protocols'

/** A value as drivers read it (catalogue datatypes: numbers, booleans, strings). */
export type ReadingValue = number | boolean | string

/** One measured value of one metric of one device: what flows from drivers to the outbox. */
export interface Reading {
  /** Sparkplug device id (= asset id in the registry). */
  device: string
  /** Catalogue metric name, e.g. `Ventilation/PEEP` or `PPE/Stock/05012345000015`. */
  metric: string
  value: ReadingValue
  /** When the device measured it (source timestamp), ms since 1970. */
  timestamp: number
}

/** What a device publishes: its metrics with datatype, unit and MDC code, for DBIRTH. */
export interface DeviceDescriptor {
  /** Sparkplug device id. */
  id: string
  metrics: readonly MetricDescriptor[]
}

/** One metric of a device as the BIRTH announces it. */
export interface MetricDescriptor {
  name: string
  datatype: MetricDataType
  /** UCUM unit. */
  unit?: string
  /** IEEE 11073-10101 context-free code and reference id. */
  mdcCode?: number
  mdcRefId?: string
}
