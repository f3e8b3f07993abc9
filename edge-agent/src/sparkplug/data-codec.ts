/**
 * DDATA payloads for the agent's hot path: the direct wire encoder lives in `@rhn/protocols`
 * (`DataPayloadEncoder`, the writing half of the codec whose reading half the aggregator's host
 * uses), fed the outbox readings as they are (a {@link Reading} is a `DataSample`).
 */
import type { MetricDataType } from '@rhn/protocols'

export { DataPayloadEncoder, dataTypeCode } from '@rhn/protocols'

/** One metric as this session's DBIRTH announced it: what DATA needs to send it by alias. */
export interface BornMetric {
  name: string
  datatype: MetricDataType
  /** The datatype's enum value, 1..21 (spec §6.4.16). */
  typeCode: number
  alias: number
}
