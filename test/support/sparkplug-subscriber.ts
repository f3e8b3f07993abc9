/**
 * A Sparkplug subscriber for end-to-end tests that also plays the primary host application:
 * it publishes its STATE online after every (re)connect, so edge nodes that name it publish only
 * while it is subscribed — no message is lost to a subscriber that was not there yet.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { AliasTable, decodePayload, encodeState, parseTopic, type SparkplugMetric } from '@rhn/protocols'

/** One received DATA metric. */
export interface ReceivedMetric {
  device: string
  metric: string
  value: SparkplugMetric['value']
  timestamp: number
  historical: boolean
  /** Raw payload bytes of the message it came in, for privacy checks. */
  raw: Uint8Array
}

export class SparkplugSubscriber {
  readonly metrics: ReceivedMetric[] = []
  readonly births: { device: string; names: string[] }[] = []
  readonly raw: Uint8Array[] = []
  private readonly aliases = new Map<string, AliasTable>()
  private constructor(readonly client: MqttClient) {}

  /** Connects to `url`, subscribes to `spBv1.0/{group}/#` and publishes `STATE/{hostId}` online. */
  static async connect(url: string, group: string, hostId: string): Promise<SparkplugSubscriber> {
    const stateTopic = `spBv1.0/STATE/${hostId}`
    const client = mqtt.connect(url, {
      clientId: `e2e-${hostId}`,
      reconnectPeriod: 200,
      will: { topic: stateTopic, payload: Buffer.from(encodeState({ online: false, timestamp: Date.now() })), qos: 1, retain: true },
    })
    const sub = new SparkplugSubscriber(client)
    client.on('message', (topic, payload) => sub.onMessage(topic, payload))
    client.on('connect', () => {
      void client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 }).then(() => client.publishAsync(stateTopic, Buffer.from(encodeState({ online: true, timestamp: Date.now() })), { qos: 1, retain: true }))
    })
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    return sub
  }

  async close(): Promise<void> {
    await this.client.endAsync(true)
  }

  private onMessage(topic: string, payload: Buffer): void {
    let t
    try {
      t = parseTopic(topic)
    } catch {
      return
    }
    if (t.kind !== 'device') return
    this.raw.push(payload)
    const p = decodePayload(payload)
    const key = `${t.edgeNodeId}/${t.deviceId}`
    if (t.messageType === 'DBIRTH') {
      this.aliases.set(key, AliasTable.fromBirth(p.metrics))
      this.births.push({ device: t.deviceId, names: p.metrics.map((m) => m.name ?? '') })
    } else if (t.messageType === 'DDATA') {
      const table = this.aliases.get(key)
      for (const m of p.metrics) {
        const name = m.name ?? (table === undefined ? undefined : table.resolve(m).name)
        if (name === undefined) continue
        this.metrics.push({ device: t.deviceId, metric: name, value: m.value, timestamp: m.timestamp ?? p.timestamp ?? 0, historical: m.isHistorical === true, raw: payload })
      }
    }
  }
}
