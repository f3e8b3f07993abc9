/**
 * The aggregator's Sparkplug B 3.0 Host Application (issue 5 "Sparkplug host"): STATE, sessions,
 * seq reordering and rebirth requests, emitting {@link HostEvent}s for the twin.
 */
export { SparkplugHost, type KnownEdgeNode } from './host.js'
export {
  DEFAULT_REBIRTH_INTERVAL_MS,
  DEFAULT_RECONNECT,
  DEFAULT_REORDER_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  type HostMqttInit,
  type MqttConnect,
  type SparkplugHostInit,
} from './options.js'
export { EdgeNodeSession, type EdgeMessage, type HostLogger, type SessionCounter, type SessionSink } from './node-session.js'
export { SEQ_AHEAD_WINDOW, SeqReorderBuffer, type OfferResult, type SeqReorderInit } from './reorder.js'
export { settleWithin, systemTimers, type HostTimers } from './timers.js'
export type { DeviceRef, HostEvent, HostStats, ResolvedMetric } from './types.js'
