import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../src/errors/protocol-error.js'
import {
  DEVICE_MESSAGE_TYPES,
  NODE_MESSAGE_TYPES,
  buildTopic,
  parseTopic,
  stateTopicFilter,
  topicFilter,
  type SparkplugTopic,
} from '../src/sparkplug/index.js'

function topicError(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('RHN_PROTO_TOPIC_INVALID')
    return err as ProtocolError
  }
  throw new Error('expected a ProtocolError')
}

describe('Sparkplug topics', () => {
  it.each(NODE_MESSAGE_TYPES)('builds and parses %s for an edge node', (messageType) => {
    const topic: SparkplugTopic = { kind: 'node', groupId: 'RQM', messageType, edgeNodeId: 'gw-1' }
    const text = buildTopic(topic)
    expect(text).toBe(`spBv1.0/RQM/${messageType}/gw-1`)
    expect(parseTopic(text)).toEqual(topic)
  })

  it.each(DEVICE_MESSAGE_TYPES)('builds and parses %s for a device', (messageType) => {
    const topic: SparkplugTopic = { kind: 'device', groupId: 'RQM', messageType, edgeNodeId: 'gw-1', deviceId: 'vent-07' }
    const text = buildTopic(topic)
    expect(text).toBe(`spBv1.0/RQM/${messageType}/gw-1/vent-07`)
    expect(parseTopic(text)).toEqual(topic)
  })

  it('builds and parses a host STATE topic', () => {
    expect(buildTopic({ kind: 'state', hostId: 'agg-1' })).toBe('spBv1.0/STATE/agg-1')
    expect(parseTopic('spBv1.0/STATE/agg-1')).toEqual({ kind: 'state', hostId: 'agg-1' })
  })

  it('accepts non-ASCII UTF-8 ids', () => {
    expect(parseTopic('spBv1.0/Hôpital-Zürich/DDATA/passerelle/débitmètre')).toMatchObject({ groupId: 'Hôpital-Zürich', deviceId: 'débitmètre' })
  })

  it.each([
    ['spBv1.0/RQM/DDATA/gw-1', 'device id missing for DDATA'],
    ['spBv1.0/RQM/DBIRTH/gw-1', 'device id missing for DBIRTH'],
    ['spBv1.0/RQM/NDATA/gw-1/vent', 'NDATA takes no device id, got "vent"'],
    ['spBv1.0/RQM/NBIRTH', 'edge node id missing for NBIRTH'],
    ['spBv1.0/RQM', 'message type missing'],
    ['spBv1.0/RQM/FOO/gw-1', 'message type "FOO" is not one of NBIRTH, NDATA, NDEATH, NCMD, DBIRTH, DDATA, DDEATH, DCMD'],
    ['spAv1.0/RQM/NDATA/gw-1', 'namespace must be spBv1.0, got "spAv1.0"'],
    ['', 'namespace must be spBv1.0, got ""'],
    ['spBv1.0//NDATA/gw-1', 'group id is empty'],
    ['spBv1.0/RQM/NDATA/', 'edge node id is empty'],
    ['spBv1.0/RQM/DDATA/gw-1/', 'device id is empty'],
    ['spBv1.0/R+M/NDATA/gw-1', `group id "R+M" contains '+'`],
    ['spBv1.0/RQM/NDATA/gw#1', `edge node id "gw#1" contains '#'`],
    ['spBv1.0/RQM/DDATA/gw-1/a/b', 'too many levels after device id "a"'],
    ['spBv1.0/STATE', 'host id missing for STATE'],
    ['spBv1.0/STATE/', 'host id is empty'],
    ['spBv1.0/RQM/NDATA/gw\u0000', 'edge node id contains U+0000'],
    ['spBv1.0/RQM/NDATA/gw\uD800', 'edge node id is not valid UTF-8 (lone surrogate)'],
  ])('rejects %j: %s', (topic, reason) => {
    const err = topicError(() => parseTopic(topic))
    expect(err.message).toBe(`invalid Sparkplug topic "${topic}": ${reason}`)
  })

  it('rejects building a topic with a bad id or a mismatched message type', () => {
    expect(topicError(() => buildTopic({ kind: 'device', groupId: 'g', messageType: 'DDATA', edgeNodeId: 'e', deviceId: 'a/b' })).message).toContain(
      `device id "a/b" contains '/'`,
    )
    const wrong = { kind: 'node', groupId: 'g', messageType: 'DDATA', edgeNodeId: 'e' } as unknown as SparkplugTopic
    expect(topicError(() => buildTopic(wrong)).message).toContain('message type DDATA is not a node message type')
  })

  it('builds subscription filters', () => {
    expect(topicFilter()).toBe('spBv1.0/+/+/+/#')
    expect(topicFilter({ groupId: 'RQM' })).toBe('spBv1.0/RQM/+/+/#')
    expect(topicFilter({ groupId: 'RQM', edgeNodeId: 'gw-1' })).toBe('spBv1.0/RQM/+/gw-1/#')
    expect(topicFilter({ groupId: 'RQM', messageType: 'NCMD', edgeNodeId: 'gw-1' })).toBe('spBv1.0/RQM/NCMD/gw-1')
    expect(topicFilter({ groupId: 'RQM', messageType: 'DDATA' })).toBe('spBv1.0/RQM/DDATA/+/+')
    expect(topicFilter({ messageType: 'DCMD', edgeNodeId: 'gw-1', deviceId: 'v1' })).toBe('spBv1.0/+/DCMD/gw-1/v1')
    expect(stateTopicFilter()).toBe('spBv1.0/STATE/+')
    expect(stateTopicFilter('agg-1')).toBe('spBv1.0/STATE/agg-1')
    expect(topicError(() => topicFilter({ messageType: 'NDATA', deviceId: 'v1' })).message).toBe('invalid Sparkplug filter: NDATA takes no device id')
    expect(topicError(() => topicFilter({ groupId: '#' })).message).toBe(`invalid Sparkplug filter: group id "#" contains '#'`)
  })
})
