/**
 * One MQTT session of the edge node: one mqtt.js client, never reconnected by mqtt.js
 * (`reconnectPeriod: 0`): each CONNECT needs a new Will with a new bdSeq, so the edge node opens a
 * new session instead. Every publish resolves on its PUBACK (QoS 1) or once written (QoS 0), and
 * rejects when the session ends first, so the outbox never frees what the broker did not take.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { EdgeError } from '../errors.js'

/** Publish options, shared by every message (mqtt.js copies them). */
const QOS0 = { qos: 0, retain: false } as const
const QOS1 = { qos: 1, retain: false } as const

/** What a session is opened with. */
export interface MqttSessionInit {
  url: string
  /** mqtt.js options; `reconnectPeriod` is forced to 0. */
  options: IClientOptions
  /** Aborting it gives up a connection attempt at once (`stop()` during a slow connect). */
  signal?: AbortSignal
  onMessage(topic: string, payload: Buffer): void
  /** Called once when the session ends (broker gone, socket error, `end()` or `destroy()`). */
  onClose(): void
}

/** An open MQTT session. */
export class MqttSession {
  readonly #client: MqttClient
  readonly #pending = new Set<(err: Error) => void>()
  #closed = false

  private constructor(client: MqttClient) {
    this.#client = client
  }

  /** Connects; resolves on CONNACK, rejects with RHN_EDGE_BROKER when the attempt fails. */
  static open(init: MqttSessionInit): Promise<MqttSession> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(init.url, { ...init.options, reconnectPeriod: 0 })
      const session = new MqttSession(client)
      const abort = (): void => void client.end(true)
      init.signal?.addEventListener('abort', abort, { once: true })
      let lastError: Error | undefined
      let up = false
      client.on('error', (err) => {
        lastError = err
      })
      client.on('message', (topic, payload) => init.onMessage(topic, payload))
      client.once('connect', () => {
        init.signal?.removeEventListener('abort', abort)
        up = true
        resolve(session)
      })
      client.once('close', () => {
        init.signal?.removeEventListener('abort', abort)
        session.#markClosed()
        // Release the socket and mqtt.js's stores; nothing is left behind a closed session.
        client.end(true)
        if (up) init.onClose()
        else reject(new EdgeError('RHN_EDGE_BROKER', `cannot connect to ${init.url}: ${lastError?.message ?? 'connection closed'}`, { cause: lastError }))
      })
    })
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.#closed
  }

  #markClosed(): void {
    if (this.#closed) return
    this.#closed = true
    const err = new EdgeError('RHN_EDGE_BROKER', 'MQTT session closed before the broker acknowledged the message')
    for (const fail of this.#pending) fail(err)
    this.#pending.clear()
  }

  /** Publishes (not retained); resolves on PUBACK (QoS 1) or once written (QoS 0). */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    if (this.#closed) return Promise.reject(new EdgeError('RHN_EDGE_BROKER', 'MQTT session is closed'))
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => reject(err)
      this.#pending.add(fail)
      this.#client.publish(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), qos === 1 ? QOS1 : QOS0, (err) => {
        if (!this.#pending.delete(fail)) return
        if (err) reject(err)
        else resolve()
      })
    })
  }

  /** Subscribes at QoS 1 [tck-id-message-flow-edge-node-ncmd-subscribe]. */
  subscribe(filters: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.subscribe(filters, { qos: 1 }, (err) => (err ? reject(err) : resolve()))
    })
  }

  /** Sends DISCONNECT and closes (the broker then discards the Will); waits at most `timeoutMs`. */
  async end(timeoutMs = 2_000): Promise<void> {
    if (this.#closed) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise<void>((resolve) => this.#client.end(false, {}, () => resolve())),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      }),
    ])
    clearTimeout(timer)
    this.destroy()
  }

  /** Drops the connection at once, without DISCONNECT. */
  destroy(): void {
    this.#markClosed()
    this.#client.end(true)
  }
}
