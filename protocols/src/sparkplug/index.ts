/**
 * Sparkplug B 3.0 for RHN: topic namespace, payload codec (a direct wire decoder and DDATA encoder,
 * Eclipse Tahu's `sparkplug-payload` for the general encoder),
 * host STATE, seq/bdSeq, aliases, metric properties and control metric names.
 */
export {
  SPARKPLUG_DATA_TYPES,
  METRIC_DATA_TYPES,
  type SparkplugDataType,
  type MetricDataType,
  type SparkplugValue,
  type SparkplugPropertyValue,
  type SparkplugPropertySet,
  type SparkplugMetric,
  type SparkplugPayload,
} from './types.js'
export {
  SPARKPLUG_NAMESPACE,
  NODE_MESSAGE_TYPES,
  DEVICE_MESSAGE_TYPES,
  isNodeMessageType,
  isDeviceMessageType,
  sparkplugIdProblem,
  buildTopic,
  parseTopic,
  topicFilter,
  stateTopicFilter,
  type NodeMessageType,
  type DeviceMessageType,
  type SparkplugMessageType,
  type SparkplugTopic,
  type TopicFilterInit,
} from './topic.js'
export { encodePayload, decodePayload, type DecodePayloadInit } from './codec.js'
export { DataPayloadEncoder, dataTypeCode, type DataSample, type DataValue, type DataMetricRef } from './data-encoder.js'
export { validatePayload, readBdSeq } from './validate.js'
export { encodeState, decodeState, type HostState } from './state.js'
export { SEQ_MODULUS, assertSeq, nextSeq, checkSeq, SeqCounter, nextBdSeq, bdSeqMatches, type SeqCheck } from './sequence.js'
export { AliasTable, AliasAllocator, type AliasEntry } from './alias.js'
export { METRIC_PROPERTY_KEYS, metricProperties, readMetricProperties, type MetricPropertyInit } from './properties.js'
export {
  NODE_CONTROL_REBIRTH,
  NODE_CONTROL_NEXT_SERVER,
  NODE_CONTROL_REBOOT,
  NODE_CONTROL_SCAN_RATE,
  DEVICE_CONTROL_REBIRTH,
  BD_SEQ_METRIC,
  NDEATH_QOS,
  STATE_QOS,
  STATE_RETAIN,
  DATA_QOS,
  rebirthCommand,
} from './control.js'
