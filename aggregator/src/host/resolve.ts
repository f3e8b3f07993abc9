/**
 * Turns the metrics of a BIRTH or DATA payload into {@link ResolvedMetric}s: names from the alias
 * table, source timestamps, the historical flag, and engineering units from BIRTH properties.
 */
import { readMetricProperties, type AliasTable, type SparkplugMetric, type SparkplugPayload } from '@rhn/protocols'
import type { ResolvedMetric } from './types.js'

function resolved(metric: SparkplugMetric, name: string, payload: SparkplugPayload, now: number): ResolvedMetric {
  return {
    name,
    value: metric.value,
    // [tck-id-payloads-name-birth-data-requirement] metrics carry their own timestamp; fall back to
    // the payload's, then to the host's clock, so every stored point has a time.
    timestamp: metric.timestamp ?? payload.timestamp ?? now,
    // is_historical: replayed store-and-forward data; the twin stores it without letting it
    // overwrite newer live state (issue 5).
    historical: metric.isHistorical === true,
  }
}

/** The metrics of a BIRTH, which always carry names [tck-id-payloads-alias-birth-requirement]. */
export function resolveBirthMetrics(payload: SparkplugPayload, now: number): ResolvedMetric[] {
  const out: ResolvedMetric[] = []
  for (const m of payload.metrics) if (m.name !== undefined) out.push(resolved(m, m.name, payload, now))
  return out
}

/** Metric name → engineering unit (`engUnit` property) of a BIRTH; undefined when a metric has none. */
export function birthUnits(payload: SparkplugPayload): Record<string, string | undefined> {
  const units: Record<string, string | undefined> = {}
  for (const m of payload.metrics) if (m.name !== undefined) units[m.name] = readMetricProperties(m.properties).unit
  return units
}

/**
 * The metrics of a DATA message with names resolved through the session's alias table
 * [tck-id-payloads-alias-data-cmd-requirement]. Throws RHN_PROTO_ALIAS_UNKNOWN (from
 * {@link AliasTable.resolve}) when an alias was never born, so the caller can ask for a rebirth.
 */
export function resolveDataMetrics(payload: SparkplugPayload, aliases: AliasTable, deviceId: string | undefined, now: number): ResolvedMetric[] {
  return payload.metrics.map((m) => resolved(m, aliases.resolve(m, deviceId).name, payload, now))
}
