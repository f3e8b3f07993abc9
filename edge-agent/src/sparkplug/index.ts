/**
 * The Sparkplug B 3.0 Edge Node of `rhn-edge`: births, deaths, data from the durable outbox with
 * replay, rebirth, primary host STATE (issue 4).
 */
export { SparkplugEdgeNode } from './edge-node.js'
export {
  DEFAULT_MAX_INFLIGHT_MESSAGES,
  DEFAULT_POLL_INTERVAL_MS,
  MAX_METRICS_PER_MESSAGE,
  PUBACK_LATENCY_BUCKETS_S,
  type EdgeNodeCounters,
  type EdgeNodeMqttInit,
  type SparkplugEdgeNodeInit,
} from './types.js'
export { Backoff, type BackoffInit } from './backoff.js'
export { BdSeqFile } from './bdseq-file.js'
