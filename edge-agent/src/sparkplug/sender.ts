/**
 * Numbers and sends the edge node's messages on the current session, and ends sessions with NDEATH.
 * One sender per edge node: seq runs across every message of the node, NBIRTH to DDEATH.
 */
import { NDEATH_QOS, SeqCounter, encodePayload, type SparkplugPayload } from '@rhn/protocols'
import { EdgeError } from '../errors.js'
import { observeLatency } from './counters.js'
import { DataPayloadEncoder } from './data-codec.js'
import { nodeDeathPayload, type DataMessage } from './payloads.js'
import type { MqttSession } from './session.js'
import type { EdgeTopics } from './topics.js'
import type { EdgeNodeCounters } from './types.js'

/** How long an intentional disconnect waits for the NDEATH's PUBACK, ms. */
const NDEATH_WAIT_MS = 2_000

/** The message types an edge node numbers with seq. */
export type SequencedType = 'NBIRTH' | 'DBIRTH' | 'DDATA' | 'DDEATH'

/** Sends seq-numbered messages; see the file comment. */
export class MessageSender {
  readonly #seq = new SeqCounter()
  readonly #topics: EdgeTopics
  readonly #counters: EdgeNodeCounters
  readonly #qos: 0 | 1
  readonly #data = new DataPayloadEncoder()
  /** The session messages go to; undefined while disconnected. */
  session: MqttSession | undefined

  /** `strict`: QoS 0 as the spec's letter says [tck-id-payloads-nbirth-qos]; otherwise QoS 1 so PUBACK proves delivery. */
  constructor(topics: EdgeTopics, counters: EdgeNodeCounters, strict: boolean) {
    this.#topics = topics
    this.#counters = counters
    this.#qos = strict ? 0 : 1
  }

  /** Restarts seq for an NBIRTH, which always carries 0 [tck-id-payloads-nbirth-seq]. */
  resetSeq(): void {
    this.#seq.reset()
  }

  /**
   * Numbers and sends one message: seq = previous + 1, 0 after 255, across every message of the node
   * [tck-id-payloads-sequence-num-incrementing]. Encoded before the seq is taken, so a payload that
   * fails to encode leaves no gap; written synchronously, so seq order is wire order. Resolves on
   * PUBACK (or once written at QoS 0); rejects when the session ends first.
   */
  publish(type: SequencedType, device: string | undefined, payload: Omit<SparkplugPayload, 'seq'>): Promise<void> {
    const session = this.session
    if (session === undefined) return Promise.reject(new EdgeError('RHN_EDGE_BROKER', 'not connected'))
    const bytes = encodePayload({ ...payload, seq: this.#seq.peek() })
    const topic = type === 'NBIRTH' ? this.#topics.node(type) : this.#topics.device(type, device ?? '')
    return this.#send(session, topic, bytes)
  }

  /**
   * Numbers and sends one DDATA built by `buildDataMessages`, as {@link MessageSender.publish} does,
   * written by the DDATA codec (data-codec.ts) rather than the general one: the agent's hot path.
   */
  publishData(message: DataMessage, timestamp: number): Promise<void> {
    const session = this.session
    if (session === undefined) return Promise.reject(new EdgeError('RHN_EDGE_BROKER', 'not connected'))
    const bytes = this.#data.encode(timestamp, this.#seq.peek(), message.readings, message.metrics, message.historical)
    return this.#send(session, this.#topics.device('DDATA', message.device), bytes)
  }

  /** Takes the seq the payload was encoded with and writes it; resolves on PUBACK (or once written at QoS 0). */
  #send(session: MqttSession, topic: string, bytes: Uint8Array): Promise<void> {
    this.#seq.next()
    const sentAt = performance.now()
    return session.publish(topic, bytes, this.#qos).then(() => {
      this.#counters.publishedMessages++
      observeLatency(this.#counters, (performance.now() - sentAt) / 1_000)
    })
  }

  /**
   * Ends `session` intentionally: NDEATH with the session's bdSeq (QoS 1), then DISCONNECT
   * [tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath] [tck-id-operational-behavior-edge-node-intentional-disconnect-packet].
   */
  async terminate(session: MqttSession, bdSeq: number, timestamp: number): Promise<void> {
    const death = encodePayload(nodeDeathPayload(bdSeq, timestamp))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      session.publish(this.#topics.node('NDEATH'), death, NDEATH_QOS).catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, NDEATH_WAIT_MS))),
    ])
    clearTimeout(timer)
    await session.end()
  }
}
