/**
 * The Sparkplug B 3.0 topic namespace (spec §4.1 "Topic Namespace Elements"):
 * `spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]` and `spBv1.0/STATE/{host_id}`.
 */
import { ProtocolError } from '../errors/protocol-error.js'

/** The namespace element of every Sparkplug B topic [tck-id-topic-structure-namespace-a]. */
export const SPARKPLUG_NAMESPACE = 'spBv1.0'

/** Edge-node-level message types: no device id in the topic. */
export const NODE_MESSAGE_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'NCMD'] as const
/** Device-level message types: the topic ends in a device id. */
export const DEVICE_MESSAGE_TYPES = ['DBIRTH', 'DDATA', 'DDEATH', 'DCMD'] as const

/** An edge-node-level message type. */
export type NodeMessageType = (typeof NODE_MESSAGE_TYPES)[number]
/** A device-level message type. */
export type DeviceMessageType = (typeof DEVICE_MESSAGE_TYPES)[number]
/** Any message type that appears in a group topic (everything but STATE). */
export type SparkplugMessageType = NodeMessageType | DeviceMessageType

/** A parsed (or to-be-built) Sparkplug topic. */
export type SparkplugTopic =
  | { kind: 'node'; groupId: string; messageType: NodeMessageType; edgeNodeId: string }
  | { kind: 'device'; groupId: string; messageType: DeviceMessageType; edgeNodeId: string; deviceId: string }
  | { kind: 'state'; hostId: string }

const NODE_TYPES: ReadonlySet<string> = new Set(NODE_MESSAGE_TYPES)
const DEVICE_TYPES: ReadonlySet<string> = new Set(DEVICE_MESSAGE_TYPES)
// A surrogate half without its partner cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// An MQTT topic is at most 65,535 UTF-8 bytes [MQTT-1.5.4]; a UTF-16 code unit takes 1..3 bytes.
const MAX_TOPIC_BYTES = 65_535
const utf8 = new TextEncoder()

/** True for a node-level message type. */
export function isNodeMessageType(value: string): value is NodeMessageType {
  return NODE_TYPES.has(value)
}

/** True for a device-level message type. */
export function isDeviceMessageType(value: string): value is DeviceMessageType {
  return DEVICE_TYPES.has(value)
}

/**
 * Why `id` is not a valid Sparkplug id, or undefined when it is. Ids are non-empty UTF-8 strings
 * that avoid the MQTT topic separators and wildcards `/`, `+`, `#` [tck-id-intro-group-id-chars]
 * [tck-id-intro-edge-node-id-chars] [tck-id-intro-device-id-chars], and U+0000 [MQTT-4.7.3-2].
 */
export function sparkplugIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty'
  for (const ch of ['/', '+', '#']) if (id.includes(ch)) return `"${id}" contains '${ch}'`
  if (id.includes('\u0000')) return 'contains U+0000'
  if (LONE_SURROGATE.test(id)) return 'is not valid UTF-8 (lone surrogate)'
  return undefined
}

function topicError(topic: string, reason: string): ProtocolError {
  const shown = topic.length > 200 ? `${topic.slice(0, 200)}…` : topic
  return new ProtocolError('RHN_PROTO_TOPIC_INVALID', `invalid Sparkplug topic "${shown}": ${reason}`)
}

function checkId(topic: string, what: string, id: string): void {
  const problem = sparkplugIdProblem(id)
  if (problem !== undefined) throw topicError(topic, `${what} ${problem}`)
}

/** Builds the topic string; throws RHN_PROTO_TOPIC_INVALID naming the bad id. */
export function buildTopic(topic: SparkplugTopic): string {
  if (topic.kind === 'state') {
    const built = `${SPARKPLUG_NAMESPACE}/STATE/${topic.hostId}`
    checkId(built, 'host id', topic.hostId)
    return built
  }
  const base = `${SPARKPLUG_NAMESPACE}/${topic.groupId}/${topic.messageType}/${topic.edgeNodeId}`
  const built = topic.kind === 'device' ? `${base}/${topic.deviceId}` : base
  const wanted = topic.kind === 'device' ? isDeviceMessageType(topic.messageType) : isNodeMessageType(topic.messageType)
  if (!wanted) throw topicError(built, `message type ${String(topic.messageType)} is not a ${topic.kind} message type`)
  checkId(built, 'group id', topic.groupId)
  checkId(built, 'edge node id', topic.edgeNodeId)
  if (topic.kind === 'device') checkId(built, 'device id', topic.deviceId)
  return built
}

/**
 * Parses a Sparkplug B topic. Throws RHN_PROTO_TOPIC_INVALID naming what is wrong, e.g.
 * "device id missing for DDATA" or "NDATA takes no device id".
 */
export function parseTopic(topic: string): SparkplugTopic {
  if (topic.length * 3 > MAX_TOPIC_BYTES && utf8.encode(topic).length > MAX_TOPIC_BYTES) throw topicError(topic, 'longer than 65535 bytes')
  const levels = topic.split('/')
  const [ns, group, type, edge, device, ...extra] = levels
  if (ns !== SPARKPLUG_NAMESPACE) throw topicError(topic, `namespace must be ${SPARKPLUG_NAMESPACE}, got "${ns ?? ''}"`)
  if (group === undefined) throw topicError(topic, 'group id missing')
  if (group === 'STATE' && levels.length <= 3) {
    // [tck-id-host-topic-phid-required] spBv1.0/STATE/{host_id}
    if (type === undefined) throw topicError(topic, 'host id missing for STATE')
    checkId(topic, 'host id', type)
    return { kind: 'state', hostId: type }
  }
  checkId(topic, 'group id', group)
  if (type === undefined) throw topicError(topic, 'message type missing')
  const nodeLevel = isNodeMessageType(type)
  if (!nodeLevel && !isDeviceMessageType(type)) {
    throw topicError(topic, `message type "${type}" is not one of ${[...NODE_MESSAGE_TYPES, ...DEVICE_MESSAGE_TYPES].join(', ')}`)
  }
  if (edge === undefined) throw topicError(topic, `edge node id missing for ${type}`)
  checkId(topic, 'edge node id', edge)
  if (nodeLevel) {
    if (device !== undefined) throw topicError(topic, `${type} takes no device id, got "${levels.slice(4).join('/')}"`)
    return { kind: 'node', groupId: group, messageType: type, edgeNodeId: edge }
  }
  if (device === undefined) throw topicError(topic, `device id missing for ${type}`)
  checkId(topic, 'device id', device)
  if (extra.length > 0) throw topicError(topic, `too many levels after device id "${device}"`)
  return { kind: 'device', groupId: group, messageType: type, edgeNodeId: edge, deviceId: device }
}

/** What a subscription filter selects; an omitted field is a wildcard. */
export interface TopicFilterInit {
  groupId?: string
  messageType?: SparkplugMessageType
  edgeNodeId?: string
  deviceId?: string
}

/**
 * An MQTT subscription filter for Sparkplug messages, e.g. `{ groupId: 'h1' }` →
 * `spBv1.0/h1/+/+/#` (every message of the group, node and device level, not STATE).
 */
export function topicFilter(init: TopicFilterInit = {}): string {
  const part = (what: string, id: string | undefined): string => {
    if (id === undefined) return '+'
    const problem = sparkplugIdProblem(id)
    if (problem !== undefined) throw new ProtocolError('RHN_PROTO_TOPIC_INVALID', `invalid Sparkplug filter: ${what} ${problem}`)
    return id
  }
  const { messageType, deviceId } = init
  if (messageType !== undefined && isNodeMessageType(messageType) && deviceId !== undefined) {
    throw new ProtocolError('RHN_PROTO_TOPIC_INVALID', `invalid Sparkplug filter: ${messageType} takes no device id`)
  }
  const base = `${SPARKPLUG_NAMESPACE}/${part('group id', init.groupId)}/${messageType ?? '+'}/${part('edge node id', init.edgeNodeId)}`
  if (deviceId !== undefined) return `${base}/${part('device id', deviceId)}`
  if (messageType === undefined) return `${base}/#`
  return isNodeMessageType(messageType) ? base : `${base}/+`
}

/** The filter for host STATE messages: one host, or every host with `+`. */
export function stateTopicFilter(hostId?: string): string {
  return hostId === undefined ? `${SPARKPLUG_NAMESPACE}/STATE/+` : buildTopic({ kind: 'state', hostId })
}
