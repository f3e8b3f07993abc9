/**
 * `@rhn/edge-agent` — `rhn-edge`, the hospital gateway agent: device drivers (OPC UA, Modbus TCP,
 * LLRP, HL7 MLLP), report by exception, a durable disk outbox and a Sparkplug B 3.0 edge node.
 */
export { EdgeAgent, type EdgeAgentInit } from './agent.js'
export { EdgeError, type EdgeErrorCode } from './errors.js'
export type { Reading, ReadingValue, DeviceDescriptor, MetricDescriptor } from './reading.js'
export type { Driver, DriverComponents, DriverFactory } from './drivers/types.js'
export { DRIVER_PLUGINS } from './drivers/plugins.js'
export { DiskOutbox, type Outbox, type OutboxBatch, type OutboxStats, type DiskOutboxInit } from './outbox/index.js'
export { ReportByException } from './rbe/index.js'
export { SparkplugEdgeNode, type SparkplugEdgeNodeInit, type EdgeNodeCounters } from './sparkplug/index.js'
