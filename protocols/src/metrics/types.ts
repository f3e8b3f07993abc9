import type { ComponentKind, ResourceClass } from '../asset/model.js'
import type { MetricDataType } from '../sparkplug/types.js'


/**
 * An IEEE 11073-10101 nomenclature code. The 32-bit context-free code is
 * `partition * 65536 + term` (IEEE 11073-10101 §A.3: partition in the upper 16 bits).
 */
export interface MdcCode {
  /** Reference id, e.g. `MDC_VENT_RESP_RATE`. */
  readonly refId: string
  /** Context-free 32-bit code, e.g. 151586. */
  readonly code: number
  /** Nomenclature partition (2 = SCADA, 3 = events, 1 = object infrastructure, 8 = infrastructure). */
  readonly partition: number
  /** Term code within the partition. */
  readonly term: number
}

/** One entry of the metric catalogue. */
export interface MetricDefinition {
  /**
   * Sparkplug metric name: `Folder/Name`, PascalCase segments. A name holding `{gtin}` is a
   * template matched by {@link getMetric} for every valid GTIN.
   */
  readonly name: string
  /** Component kinds that carry this metric. */
  readonly kinds: readonly ComponentKind[]
  /** Sparkplug B data type (Sparkplug B 3.0 §6.4.16 names). */
  readonly datatype: MetricDataType
  /** Case-sensitive UCUM code; absent for Boolean and String metrics. */
  readonly unit?: string
  /** IEEE 11073-10101 code where one exists (checked against two sources, see `mdc.ts`). */
  readonly mdc?: MdcCode
  /** The seed's resource class where the metric measures a resource's availability. */
  readonly resourceClass?: ResourceClass
  /** Whether a device/driver may write it (settings, acknowledgements). Default: read-only. */
  readonly writable?: boolean
  /** One-line meaning. */
  readonly description: string
}
