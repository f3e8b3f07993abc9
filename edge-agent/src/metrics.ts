import type { EdgeAgent } from './agent.js'
import { Counter, ExternalHistogram, Gauge, MetricsRegistry, ObservedCounter } from './health/prometheus.js'

/** The agent's Prometheus metrics (names end in their unit, lodestar style). */
export class AgentMetrics {
  readonly readings = new Counter('rhn_edge_readings_total', 'Readings the drivers produced.')
  readonly queued = new Counter('rhn_edge_queued_readings_total', 'Readings accepted into the outbox (on disk) after report by exception.')
  readonly driverErrors = new Counter('rhn_edge_driver_errors_total', 'Driver errors by device and kind (exception, short-frame, timeout, garbage-frame, hl7-rejected, …).')
  readonly deviceOnline = new Map<string, boolean>()
  private registry: MetricsRegistry | undefined

  /** The text exposition for `/metrics`. */
  render(agent: EdgeAgent): string {
    this.registry ??= this.build(agent)
    return this.registry.render()
  }

  private build(agent: EdgeAgent): MetricsRegistry {
    const r = new MetricsRegistry()
    const node = () => agent.parts().node
    const outbox = () => agent.parts().outbox
    const gauge = (name: string, help: string, read: () => number) =>
      r.register(name.endsWith('_total') ? new ObservedCounter(name, help, read) : new Gauge(name, help, read))
    r.register(this.readings)
    gauge('rhn_edge_published_messages_total', 'Sparkplug messages the broker acknowledged.', () => node()?.publishedMessages ?? 0)
    gauge('rhn_edge_published_readings_total', 'Readings carried by acknowledged DDATA.', () => node()?.publishedReadings ?? 0)
    gauge('rhn_edge_historical_readings_total', 'Readings replayed from the outbox with is_historical.', () => node()?.historicalReadings ?? 0)
    gauge('rhn_edge_skipped_readings_total', 'Readings that could not be published (device not born, wrong type).', () => node()?.skippedReadings ?? 0)
    gauge('rhn_edge_outbox_bytes', 'Bytes the outbox occupies on disk.', () => outbox()?.bytes ?? 0)
    gauge('rhn_edge_outbox_pending_readings', 'Readings in the outbox not yet acknowledged by the broker.', () => outbox()?.pendingReadings ?? 0)
    gauge('rhn_edge_outbox_dropped_readings_total', 'Readings dropped by the full-outbox policy.', () => outbox()?.droppedReadings ?? 0)
    gauge('rhn_edge_outbox_truncated_records_total', 'Torn or corrupt outbox records truncated at start.', () => outbox()?.truncatedRecords ?? 0)
    r.register(this.queued)
    r.register(this.driverErrors)
    gauge('rhn_edge_mqtt_reconnects_total', 'MQTT sessions established after the first.', () => node()?.reconnects ?? 0)
    gauge('rhn_edge_mqtt_connected', '1 while connected to the broker.', () => node()?.connected ?? 0)
    gauge('rhn_edge_primary_host_online', '1 while the primary host application is online.', () => node()?.primaryHostOnline ?? 0)
    r.register(new Gauge('rhn_edge_device_online', '1 while the device answers.', () => [...this.deviceOnline].map(([device, on]) => ({ labels: { device }, value: on ? 1 : 0 }))))
    r.register(
      new ExternalHistogram('rhn_edge_publish_latency_seconds', 'Time from publish to PUBACK.', () => node()?.pubackLatencySeconds ?? { buckets: [], counts: [], sum: 0, count: 0 }),
    )
    return r
  }
}
