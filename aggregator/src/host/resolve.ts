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
  const metrics = payload.metrics
  const out = new Array<ResolvedMetric>(metrics.length)
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!
    out[i] = resolved(m, nameOf(m, aliases, deviceId), payload, now)
  }
  return out
}

/**
 * The metric's name: a look-up of its alias in the common case (an alias this device was born
 * with), else {@link AliasTable.resolve}, which names the metric or throws why it cannot. The
 * look-up spares a copy of every metric (`resolve` returns the metric with its name filled in):
 * at ~50 metrics a message that copy was a tenth of the host's CPU (issue 5 "Speed").
 */
function nameOf(m: SparkplugMetric, aliases: AliasTable, deviceId: string | undefined): string {
  if (m.alias !== undefined) {
    const entry = aliases.lookup(m.alias)
    if (entry !== undefined && entry.deviceId === deviceId) return entry.name
  }
  return aliases.resolve(m, deviceId).name
}
