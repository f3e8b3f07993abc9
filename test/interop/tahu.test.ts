// Interoperability of RHN's Sparkplug B codec with Eclipse Tahu's own Node.js client and codec,
// through a real Mosquitto broker on loopback: Tahu → RHN (NBIRTH, DBIRTH, DDATA) and
// RHN → Tahu (payloads decoded by Tahu's decodePayload, and an NCMD received by Tahu's client).
import {
  AliasTable,
  NODE_CONTROL_REBIRTH,
  buildTopic,
  decodePayload,
  encodePayload,
  metricProperties,
  parseTopic,
  readMetricProperties,
  rebirthCommand,
  topicFilter,
  type SparkplugMessageType,
  type SparkplugPayload,
} from '@rhn/protocols'
import mqtt, { type MqttClient } from 'mqtt'
import sparkplugClient from 'sparkplug-client'
import sparkplugPayload from 'sparkplug-payload'
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMosquitto, type MosquittoBroker } from '../support/index.js'

const GROUP = 'RHN-INTEROP'
const EDGE = 'tahu-gw'
const T = 1_717_171_717_000

/** Tahu returns 64-bit values as `Long` (long 4, not a dependency of this package). */
interface LongValue {
  toString(): string
}

interface Received {
  topic: string
  payload: Buffer
}

/** Collects the subscriber's messages and lets a test wait for the next one matching a topic. */
class Inbox {
  readonly #messages: Received[] = []
  readonly #waiters: { match: (t: string) => boolean; resolve: (m: Received) => void }[] = []

  push(message: Received): void {
    const i = this.#waiters.findIndex((w) => w.match(message.topic))
    if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(message)
    else this.#messages.push(message)
  }

  next(topic: string, timeoutMs = 5_000): Promise<Received> {
    const i = this.#messages.findIndex((m) => m.topic === topic)
    if (i >= 0) return Promise.resolve(this.#messages.splice(i, 1)[0]!)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs)
      this.#waiters.push({
        match: (t) => t === topic,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
      })
    })
  }
}

function decodeFrom(message: Received): SparkplugPayload {
  const topic = parseTopic(message.topic)
  const messageType: SparkplugMessageType | undefined = topic.kind === 'state' ? undefined : topic.messageType
  return decodePayload(message.payload, messageType === undefined ? {} : { messageType })
}

const tahuCodec = sparkplugPayload.get('spBv1.0')!

let broker: MosquittoBroker
let subscriber: MqttClient
let tahu: ReturnType<typeof sparkplugClient.newClient>
const inbox = new Inbox()

beforeAll(async () => {
  broker = await startMosquitto()
  subscriber = await mqtt.connectAsync(broker.url, { clientId: 'rhn-host', reconnectPeriod: 0 })
  subscriber.on('message', (topic, payload) => inbox.push({ topic, payload }))
  await subscriber.subscribeAsync([topicFilter({ groupId: GROUP }), 'rhn/out/#'], { qos: 0 })
  tahu = sparkplugClient.newClient({
    serverUrl: broker.url,
    username: 'tahu',
    password: 'tahu',
    groupId: GROUP,
    edgeNode: EDGE,
    clientId: 'tahu-edge',
    mqttOptions: { reconnectPeriod: 0 },
  })
  await new Promise<void>((resolve, reject) => {
    tahu.once('birth', resolve)
    tahu.once('error', reject)
  })
})

afterAll(async () => {
  if (tahu !== undefined) {
    const closed = new Promise<void>((resolve) => {
      tahu.once('close', resolve)
      setTimeout(resolve, 2_000)
    })
    tahu.stop()
    await closed
  }
  await subscriber?.endAsync()
  await broker?.stop()
  // No broker process is left behind.
  if (broker !== undefined) expect(() => process.kill(broker.pid, 0)).toThrow()
})

describe('Tahu sparkplug-client → RHN codec', () => {
  it('decodes Tahu NBIRTH, DBIRTH and DDATA to the same metrics', async () => {
    const nbirthTopic = buildTopic({ kind: 'node', groupId: GROUP, messageType: 'NBIRTH', edgeNodeId: EDGE })
    const dbirthTopic = buildTopic({ kind: 'device', groupId: GROUP, messageType: 'DBIRTH', edgeNodeId: EDGE, deviceId: 'vent-1' })
    const ddataTopic = buildTopic({ kind: 'device', groupId: GROUP, messageType: 'DDATA', edgeNodeId: EDGE, deviceId: 'vent-1' })

    tahu.publishNodeBirth({
      timestamp: T,
      metrics: [
        { name: NODE_CONTROL_REBIRTH, alias: 1, timestamp: T, type: 'Boolean', value: false },
        { name: 'Node/Uptime', alias: 2, timestamp: T, type: 'Int64', value: -1_234_567_890_123 },
      ],
    })
    const nbirth = decodeFrom(await inbox.next(nbirthTopic))
    expect(nbirth.seq).toBe(0)
    expect(nbirth.timestamp).toBe(T)
    expect(nbirth.metrics).toEqual([
      { name: NODE_CONTROL_REBIRTH, alias: 1, timestamp: T, datatype: 'Boolean', value: false },
      { name: 'Node/Uptime', alias: 2, timestamp: T, datatype: 'Int64', value: -1_234_567_890_123 },
      { name: 'bdSeq', datatype: 'UInt64', value: 0 },
    ])

    tahu.publishDeviceBirth('vent-1', {
      timestamp: T + 1,
      metrics: [
        { name: 'pressure', alias: 10, timestamp: T + 1, type: 'Float', value: 12.5, properties: { engUnit: { type: 'String', value: 'cm[H2O]' } } },
        { name: 'rate', alias: 11, timestamp: T + 1, type: 'Int8', value: -5 },
        { name: 'volume', alias: 12, timestamp: T + 1, type: 'Double', value: 0.1 },
        { name: 'mode', alias: 13, timestamp: T + 1, type: 'String', value: 'PC-AC' },
        { name: 'hours', alias: 14, timestamp: T + 1, type: 'UInt64', value: 2 ** 40 },
        { name: 'serviced', alias: 15, timestamp: T + 1, type: 'DateTime', value: T - 86_400_000 },
        { name: 'level', alias: 16, timestamp: T + 1, type: 'Int32', value: -70_000 },
        { name: 'count', alias: 17, timestamp: T + 1, type: 'UInt32', value: 70_000 },
      ],
    })
    const dbirthMessage = await inbox.next(dbirthTopic)
    const dbirth = decodeFrom(dbirthMessage)
    expect(dbirth.seq).toBe(1)
    expect(dbirth.metrics.map((m) => [m.name, m.datatype, m.value])).toEqual([
      ['pressure', 'Float', 12.5],
      ['rate', 'Int8', -5],
      ['volume', 'Double', 0.1],
      ['mode', 'String', 'PC-AC'],
      ['hours', 'UInt64', 2 ** 40],
      ['serviced', 'DateTime', T - 86_400_000],
      ['level', 'Int32', -70_000],
      ['count', 'UInt32', 70_000],
    ])
    expect(readMetricProperties(dbirth.metrics[0]?.properties)).toEqual({ unit: 'cm[H2O]' })
    // Tahu's own decoder reads the same bytes to the same names and values.
    const tahuView = tahuCodec.decodePayload(dbirthMessage.payload)
    expect(tahuView.metrics?.map((m) => [m.name, m.type])).toEqual(dbirth.metrics.map((m) => [m.name, m.datatype]))

    const aliases = AliasTable.fromBirth(nbirth.metrics)
    aliases.addBirth(dbirth.metrics, 'vent-1')
    tahu.publishDeviceData('vent-1', {
      timestamp: T + 2,
      metrics: [
        { alias: 10, timestamp: T + 2, type: 'Float', value: 13.25 },
        { alias: 13, timestamp: T + 1, type: 'String', value: 'PS', isHistorical: true },
      ],
    })
    const ddata = decodeFrom(await inbox.next(ddataTopic))
    expect(ddata.seq).toBe(2)
    expect(ddata.metrics.map((m) => aliases.resolve(m, 'vent-1'))).toEqual([
      { name: 'pressure', alias: 10, timestamp: T + 2, datatype: 'Float', value: 13.25 },
      { name: 'mode', alias: 13, timestamp: T + 1, datatype: 'String', value: 'PS', isHistorical: true },
    ])
  })
})

describe('RHN codec → Tahu', () => {
  it('Tahu decodePayload reads what RHN encodes', async () => {
    const payload: SparkplugPayload = {
      timestamp: T,
      seq: 7,
      metrics: [
        { name: 'pressure', alias: 10, timestamp: T, datatype: 'Float', value: 12.5, properties: metricProperties({ unit: 'cm[H2O]', mdcCode: 151_784 }) },
        { name: 'big', alias: 11, timestamp: T, datatype: 'UInt64', value: 2n ** 64n - 1n },
        { name: 'neg', alias: 12, timestamp: T, datatype: 'Int64', value: -(2n ** 62n) },
        { name: 'count', alias: 13, timestamp: T, datatype: 'UInt32', value: 4_000_000_000 },
        { name: 'tiny', alias: 14, timestamp: T, datatype: 'Int16', value: -300 },
        { name: 'on', alias: 15, timestamp: T, datatype: 'Boolean', value: true, isHistorical: true },
        { name: 'gone', alias: 16, timestamp: T, datatype: 'Double', value: null },
      ],
    }
    await subscriber.publishAsync('rhn/out/1', Buffer.from(encodePayload(payload)), { qos: 1 })
    const message = await inbox.next('rhn/out/1')
    const decoded = tahuCodec.decodePayload(message.payload)
    expect(Number(decoded.seq)).toBe(7)
    expect(Number(decoded.timestamp)).toBe(T)
    const metrics = decoded.metrics ?? []
    expect(metrics.map((m) => [m.name, m.type, Number(m.alias), Number(m.timestamp)])).toEqual(
      payload.metrics.map((m) => [m.name, m.datatype, m.alias, T]),
    )
    expect(metrics[0]!.value).toBe(12.5)
    expect(metrics[0]!.properties).toMatchObject({ engUnit: { type: 'String', value: 'cm[H2O]' }, mdcCode: { type: 'UInt32', value: 151_784 } })
    expect((metrics[1]!.value as LongValue).toString()).toBe('18446744073709551615')
    expect((metrics[2]!.value as LongValue).toString()).toBe((-(2n ** 62n)).toString())
    // Tahu reads UInt32 with Long.toInt() (signed); the bits are RHN's 4,000,000,000.
    expect((metrics[3]!.value as number) >>> 0).toBe(4_000_000_000)
    expect(metrics[4]!.value).toBe(-300)
    expect(metrics[5]).toMatchObject({ value: true, isHistorical: true })
    expect(metrics[6]!.value).toBeNull()
  })

  it("Tahu's client receives and decodes an NCMD that RHN encodes", async () => {
    // Tahu subscribes to NCMD on connect; once a later publish of its own (NDATA) reaches us, the
    // broker has processed that SUBSCRIBE (packets of one connection are handled in order).
    const ndataTopic = buildTopic({ kind: 'node', groupId: GROUP, messageType: 'NDATA', edgeNodeId: EDGE })
    tahu.publishNodeData({ timestamp: T, metrics: [{ alias: 2, timestamp: T, type: 'Int64', value: 1 }] })
    expect(decodeFrom(await inbox.next(ndataTopic)).metrics[0]?.value).toBe(1)
    const received = new Promise<UPayload>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Tahu client got no NCMD')), 5_000)
      tahu.once('ncmd', (payload: UPayload) => {
        clearTimeout(timer)
        resolve(payload)
      })
    })
    const topic = buildTopic({ kind: 'node', groupId: GROUP, messageType: 'NCMD', edgeNodeId: EDGE })
    await subscriber.publishAsync(topic, Buffer.from(encodePayload(rebirthCommand(T))), { qos: 0 })
    const ncmd = await received
    expect(Number(ncmd.timestamp)).toBe(T)
    expect(ncmd.metrics).toEqual([expect.objectContaining({ name: NODE_CONTROL_REBIRTH, type: 'Boolean', value: true })])
  })
})
