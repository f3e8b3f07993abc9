/**
 * `/metrics` in the Prometheus text exposition format 0.0.4: the node's counters and gauges plus
 * the API's own. Names carry the `rhn_ledger_` prefix and end in their unit or `_total`
 * (Prometheus naming practice); a family whose name ends in `_total` is a counter, any other a
 * gauge. A key may carry its labels inline, Prometheus style: `blocks_rejected_total{reason="stale"}`.
 */

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

const PREFIX = 'rhn_ledger_'
const LABELS = /^\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)?\}$/

/** A metric family name made safe for Prometheus (`[a-zA-Z_:][a-zA-Z0-9_:]*`) and prefixed with `rhn_ledger_`. */
export function metricName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^(?=\d)/, '_')
  return safe.startsWith(PREFIX) ? safe : `${PREFIX}${safe}`
}

/** Splits `name{labels}` into the family name and the label set (kept only when well formed). */
function splitKey(key: string): { family: string; labels: string } {
  const brace = key.indexOf('{')
  if (brace < 0) return { family: metricName(key), labels: '' }
  const labels = key.slice(brace)
  return { family: metricName(key.slice(0, brace)), labels: LABELS.test(labels) ? labels : '' }
}

/** Prometheus's spelling of a sample value (`+Inf`, `-Inf`, `NaN` are part of the format). */
function sampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

/** Renders samples as Prometheus text: families sorted by name, one `# TYPE` line each, then their samples. */
export function prometheusText(samples: Record<string, number>): string {
  const families = new Map<string, Map<string, number>>()
  for (const [key, value] of Object.entries(samples)) {
    const { family, labels } = splitKey(key)
    const series = families.get(family) ?? new Map<string, number>()
    series.set(labels, value)
    families.set(family, series)
  }
  const lines: string[] = []
  for (const family of [...families.keys()].sort()) {
    lines.push(`# TYPE ${family} ${family.endsWith('_total') ? 'counter' : 'gauge'}`)
    for (const [labels, value] of [...families.get(family)!].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${family}${labels} ${sampleValue(value)}`)
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
