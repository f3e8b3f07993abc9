/**
 * `/metrics` of the aggregator: the Prometheus text exposition (format 0.0.4) of the host, twin,
 * store and registry counters. Names end in their unit (`_points`, `_messages`, `_bytes`), counters
 * in `_total`. The API server appends `rhn_aggregator_api_stream_clients` (open SSE streams) itself.
 */
import type { HospitalEscalationView } from './escalation/index.js'
import type { HostStats } from './host/index.js'
import type { LedgerLinkStats } from './ledger-link/index.js'
import type { RegistryFileStatus } from './registry-watch.js'
import type { StoreStats } from './store/index.js'

/** One sample: labels (may be empty) and a value. */
export interface Sample {
  labels?: Readonly<Record<string, string>>
  value: number
}

/** One metric family. */
export interface MetricFamily {
  name: string
  help: string
  type: 'counter' | 'gauge'
  samples: readonly Sample[]
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

function labelText(labels: Sample['labels']): string {
  const entries = Object.entries(labels ?? {})
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`
}

/** Renders families as Prometheus text. */
export function renderFamilies(families: readonly MetricFamily[]): string {
  const lines: string[] = []
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`)
    for (const s of f.samples) lines.push(`${f.name}${labelText(s.labels)} ${s.value}`)
  }
  return `${lines.join('\n')}\n`
}

/** Counters the aggregator keeps itself (the host, store and twin keep theirs). */
export interface AggregatorCounters {
  /** Host events applied to the twin. */
  twinUpdates: number
  /** Metric values in those events. */
  twinValues: number
  /** Points handed to the store. */
  storePoints: number
  /** Host events whose handling threw (logged; ingest goes on). */
  ingestErrors: number
}

/** Everything `/metrics` reads at scrape time. */
export interface MetricsSnapshot {
  host: HostStats
  nodes: { online: number; offline: number }
  store: StoreStats
  counters: AggregatorCounters
  registry: RegistryFileStatus
  alarmsActive: number
  devices: { total: number; online: number; stale: number }
  rssBytes: number
  /** OPEL levels (issue 7), when evaluated. */
  escalation?: HospitalEscalationView
  /** Ledger link counters, when a link is configured. */
  ledgerLink?: LedgerLinkStats
}

/**
 * Store counters beyond the common {@link StoreStats}, rendered when the backend reports them (the
 * InfluxDB store's spill among others): read by name, so the core never asks which backend it holds.
 */
const OPTIONAL_STORE: readonly [key: string, name: string, type: MetricFamily['type'], help: string][] = [
  ['spilledPoints', 'rhn_aggregator_store_spilled_points_total', 'counter', 'Points written to the disk spill while the backend was down.'],
  ['replayedPoints', 'rhn_aggregator_store_replayed_points_total', 'counter', 'Points replayed from the disk spill into the backend.'],
  ['droppedPoints', 'rhn_aggregator_store_dropped_points_total', 'counter', 'Points lost because the disk spill was full.'],
  ['spillBytes', 'rhn_aggregator_store_spill_bytes', 'gauge', 'Bytes in the disk spill now.'],
  ['spillFiles', 'rhn_aggregator_store_spill_files', 'gauge', 'Files in the disk spill now.'],
  ['rejectedPoints', 'rhn_aggregator_store_rejected_points_total', 'counter', 'Points refused by the store (unbounded tag, bad timestamp, no storable value).'],
  ['rejectedValues', 'rhn_aggregator_store_rejected_values_total', 'counter', 'Single values refused by the store (bad metric name or type).'],
]

const one = (value: number): Sample[] => [{ value }]

/** The aggregator's metric families from one snapshot. */
export function aggregatorFamilies(s: MetricsSnapshot): MetricFamily[] {
  const h = s.host
  const families: MetricFamily[] = [
    { name: 'rhn_aggregator_mqtt_connected', help: 'Whether the Sparkplug host is connected with its STATE online (1) or not (0).', type: 'gauge', samples: one(h.connected ? 1 : 0) },
    { name: 'rhn_aggregator_mqtt_messages_total', help: 'MQTT messages received on the Sparkplug namespace.', type: 'counter', samples: one(h.messages) },
    { name: 'rhn_aggregator_sparkplug_births_total', help: 'NBIRTH and DBIRTH messages accepted.', type: 'counter', samples: one(h.births) },
    { name: 'rhn_aggregator_sparkplug_deaths_total', help: 'NDEATH (with the matching bdSeq) and DDEATH messages accepted.', type: 'counter', samples: one(h.deaths) },
    { name: 'rhn_aggregator_sparkplug_seq_gaps_total', help: 'Sequence gaps not filled within the reorder timeout.', type: 'counter', samples: one(h.seqGaps) },
    { name: 'rhn_aggregator_sparkplug_rebirth_requests_total', help: 'Node Control/Rebirth commands sent to edge nodes.', type: 'counter', samples: one(h.rebirthRequests) },
    { name: 'rhn_aggregator_sparkplug_bad_payloads_total', help: 'Messages whose payload did not decode (dropped).', type: 'counter', samples: one(h.badPayloads) },
    { name: 'rhn_aggregator_sparkplug_bad_topics_total', help: 'Messages on a malformed Sparkplug topic (dropped).', type: 'counter', samples: one(h.badTopics) },
    { name: 'rhn_aggregator_sparkplug_unknown_aliases_total', help: 'Messages with an alias no birth declared (dropped, rebirth requested).', type: 'counter', samples: one(h.unknownAliases) },
    { name: 'rhn_aggregator_sparkplug_duplicate_messages_total', help: 'Messages already seen (a seq delivered twice).', type: 'counter', samples: one(h.duplicates) },
    {
      name: 'rhn_aggregator_edge_nodes',
      help: 'Edge nodes (gateways) heard from, by state.',
      type: 'gauge',
      samples: [
        { labels: { state: 'online' }, value: s.nodes.online },
        { labels: { state: 'offline' }, value: s.nodes.offline },
      ],
    },
    { name: 'rhn_aggregator_twin_updates_total', help: 'Host events (births, data, deaths) applied to the twin.', type: 'counter', samples: one(s.counters.twinUpdates) },
    { name: 'rhn_aggregator_twin_values_total', help: 'Metric values applied to the twin.', type: 'counter', samples: one(s.counters.twinValues) },
    { name: 'rhn_aggregator_ingest_errors_total', help: 'Host events whose handling failed (logged; ingest goes on).', type: 'counter', samples: one(s.counters.ingestErrors) },
    {
      name: 'rhn_aggregator_devices',
      help: 'Components of the twin by state (registry and unassigned).',
      type: 'gauge',
      samples: [
        { labels: { state: 'total' }, value: s.devices.total },
        { labels: { state: 'online' }, value: s.devices.online },
        { labels: { state: 'stale' }, value: s.devices.stale },
      ],
    },
    { name: 'rhn_aggregator_alarms_active', help: 'Alarms not cleared (active or acknowledged), the aggregator\u2019s own included.', type: 'gauge', samples: one(s.alarmsActive) },
    { name: 'rhn_aggregator_store_submitted_points_total', help: 'Points handed to the store by the twin.', type: 'counter', samples: one(s.counters.storePoints) },
    { name: 'rhn_aggregator_store_written_points_total', help: 'Points the store backend accepted.', type: 'counter', samples: one(s.store.writtenPoints) },
    { name: 'rhn_aggregator_store_pending_points', help: 'Points waiting in memory or in the disk spill.', type: 'gauge', samples: one(s.store.pendingPoints) },
    { name: 'rhn_aggregator_store_failed_writes_total', help: 'Store write attempts that failed (and were retried).', type: 'counter', samples: one(s.store.failedWrites) },
    { name: 'rhn_aggregator_store_available', help: 'Whether the store backend accepts writes (1) or not (0).', type: 'gauge', samples: one(s.store.available ? 1 : 0) },
  ]
  const extra = s.store as unknown as Record<string, unknown>
  for (const [key, name, type, help] of OPTIONAL_STORE) {
    const v = extra[key]
    if (typeof v === 'number') families.push({ name, help, type, samples: one(v) })
  }
  families.push(...issueSevenFamilies(s))
  families.push(
    { name: 'rhn_aggregator_registry_reloads_total', help: 'Registry file reloads applied.', type: 'counter', samples: one(s.registry.reloads) },
    { name: 'rhn_aggregator_registry_reload_failures_total', help: 'Registry file reloads refused (the last good registry stayed in force).', type: 'counter', samples: one(s.registry.failures) },
    { name: 'rhn_aggregator_registry_file_valid', help: 'Whether the registry file on disk is the one in force (1) or is refused (0).', type: 'gauge', samples: one(s.registry.error === undefined ? 1 : 0) },
    { name: 'process_resident_memory_bytes', help: 'Resident set size of the aggregator process.', type: 'gauge', samples: one(s.rssBytes) },
  )
  return families
}

/** Escalation levels and the ledger link (issue 7). */
function issueSevenFamilies(s: MetricsSnapshot): MetricFamily[] {
  const out: MetricFamily[] = []
  const e = s.escalation
  if (e !== undefined) {
    const samples = [e.hospital, ...e.units].map((x) => ({ labels: { scope: x.scope, id: x.id }, value: x.level }))
    out.push({ name: 'rhn_aggregator_escalation_level', help: 'NHS OPEL level (1–4) of the hospital and of each unit.', type: 'gauge', samples })
  }
  const l = s.ledgerLink
  if (l !== undefined) {
    out.push(
      { name: 'rhn_aggregator_ledger_snapshots_published_total', help: 'Capacity snapshots the ledger node accepted.', type: 'counter', samples: one(l.snapshotsPublished) },
      { name: 'rhn_aggregator_ledger_snapshots_failed_total', help: 'Capacity snapshot attempts that failed (retried; the latest figures win).', type: 'counter', samples: one(l.snapshotsFailed) },
      { name: 'rhn_aggregator_ledger_last_published_timestamp_seconds', help: 'When the node last accepted a snapshot, seconds since 1970 (0: never).', type: 'gauge', samples: one((l.lastPublishedAt ?? 0) / 1000) },
      {
        name: 'rhn_aggregator_ledger_submissions_total',
        help: 'Ordered submissions (escalation changes, requests, offers, decisions, transfers) by outcome.',
        type: 'counter',
        samples: [
          { labels: { outcome: 'accepted' }, value: l.submissionsAccepted },
          { labels: { outcome: 'rejected' }, value: l.submissionsRejected },
          { labels: { outcome: 'failed_attempt' }, value: l.submissionsFailed },
        ],
      },
      { name: 'rhn_aggregator_ledger_queued_submissions', help: 'Ordered submissions waiting for the ledger node.', type: 'gauge', samples: one(l.queued) },
    )
  }
  return out
}
