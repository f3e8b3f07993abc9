/**
 * The Sparkplug B 3.0 Host Application of the aggregator (issue 5 "Sparkplug host"): STATE birth and
 * Will, subscriptions, per-node sessions (node-session.ts) and rebirth requests, on mqtt.js.
 */
import { DATA_QOS, SPARKPLUG_NAMESPACE, STATE_QOS, STATE_RETAIN, buildTopic, decodePayload, decodeState, encodePayload, parseTopic, rebirthCommand, topicFilter, type SparkplugTopic } from '@rhn/protocols'
import type { IPublishPacket, MqttClient } from 'mqtt'
import { pacedDelivery } from './delivery.js'
import { EdgeNodeSession, type HostLogger, type SessionCounter, type SessionSink } from './node-session.js'
import {
  DEFAULT_REBIRTH_INTERVAL_MS,
  DEFAULT_REORDER_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  connectOptions,
  defaultConnect,
  reconnectDelay,
  silentLogger,
  statePayload,
  type SparkplugHostInit,
} from './options.js'
import { settleWithin, systemTimers, type HostTimers } from './timers.js'
import type { HostEvent, HostStats } from './types.js'

/** An edge node the host has heard from, for `/healthz`. */
export interface KnownEdgeNode {
  groupId: string
  edgeNodeId: string
  online: boolean
  /** bdSeq of its current (or last) NBIRTH; undefined before any. */
  bdSeq: number | undefined
  /** Host time of its last message, ms. */
  lastSeen: number | undefined
  /** Devices born in its current session. */
  devices: string[]
}

type Counters = Omit<HostStats, 'connected'>

/**
 * Most parsed topics the host remembers (65,536: a few per device of a large hospital's gateways);
 * beyond it topics are still parsed, only not cached, so a flood of made-up topics costs no memory.
 */
const TOPIC_CACHE_LIMIT = 65_536

/** A Sparkplug B 3.0 Host Application. One instance per host id; several may run in one process. */
export class SparkplugHost {
  readonly #init: SparkplugHostInit
  readonly #log: HostLogger
  readonly #now: () => number
  readonly #timers: HostTimers
  readonly #stateTopic: string
  readonly #filters: string[]
  readonly #sessions = new Map<string, EdgeNodeSession>()
  /** Topic → its parse: a gateway sends on a few topics per device, again and again (issue 5 "Speed"). */
  readonly #topics = new Map<string, SparkplugTopic>()
  readonly #listeners = new Set<(e: HostEvent) => void>()
  readonly #counters: Counters = { messages: 0, births: 0, deaths: 0, rebirthRequests: 0, seqGaps: 0, unknownAliases: 0, badPayloads: 0, badTopics: 0, duplicates: 0 }
  readonly #sink: SessionSink
  #client: MqttClient | undefined
  #sessionTimestamp = 0
  #connected = false
  #stateOnline = false
  #everOnline = false
  #attempt = 0
  #reconnectTimer: unknown
  #started: Promise<void> | undefined
  #ready: { resolve: () => void; reject: (err: Error) => void } | undefined
  #stopping: Promise<void> | undefined

  /** Checks the ids (throws RHN_PROTO_TOPIC_INVALID naming a bad one); no I/O until {@link start}. */
  constructor(init: SparkplugHostInit) {
    this.#init = init
    this.#log = init.logger ?? silentLogger
    this.#now = init.now ?? Date.now
    this.#timers = init.timers ?? systemTimers
    this.#stateTopic = buildTopic({ kind: 'state', hostId: init.hostId })
    this.#filters = init.groups.map((group) => {
      topicFilter({ groupId: group }) // throws RHN_PROTO_TOPIC_INVALID naming a bad group id
      // The whole group, not just well-formed levels, so malformed topics are seen and counted.
      return `${SPARKPLUG_NAMESPACE}/${group}/#`
    })
    const count = (c: SessionCounter): void => void this.#counters[c]++
    this.#sink = { emit: (e) => this.#emit(e), count, rebirth: (s, reason) => this.#autoRebirth(s, reason), now: this.#now, log: this.#log }
  }

  /** Subscribes `listener` to host events (in order); returns the unsubscribe function. */
  onEvent(listener: (e: HostEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Connects, subscribes and publishes the online STATE; resolves once that STATE is published.
   * Until then it keeps retrying with backoff; rejects only if {@link stop} comes first. One-shot:
   * a stopped host does not start again (make a new one).
   */
  start(): Promise<void> {
    if (this.#stopping !== undefined && this.#started === undefined) return Promise.reject(new Error('Sparkplug host was stopped'))
    this.#started ??= new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject }
      this.#connect()
    })
    return this.#started
  }

  /** Publishes the offline STATE, disconnects, clears every timer. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  /**
   * Sends `Node Control/Rebirth = true` to the edge node in an NCMD
   * [tck-id-operational-behavior-data-commands-rebirth-name]. False when not connected.
   */
  requestRebirth(groupId: string, edgeNodeId: string): boolean {
    const client = this.#client
    if (client === undefined || !this.#connected) return false
    const session = this.#sessions.get(`${groupId}/${edgeNodeId}`)
    if (session !== undefined) session.lastRebirthAt = this.#now()
    const topic = buildTopic({ kind: 'node', groupId, messageType: 'NCMD', edgeNodeId })
    // [tck-id-topics-ncmd-mqtt] NCMD at QoS 0, not retained; [tck-id-topics-ncmd-timestamp].
    client.publish(topic, Buffer.from(encodePayload(rebirthCommand(this.#now()))), { qos: DATA_QOS, retain: false })
    this.#counters.rebirthRequests++
    return true
  }

  /** Counters, and whether the host is connected with its STATE online. */
  stats(): HostStats {
    return { connected: this.#connected && this.#stateOnline, ...this.#counters }
  }

  /** Every edge node heard from, with online state, bdSeq and last seen. */
  nodes(): KnownEdgeNode[] {
    return [...this.#sessions.values()].map((s) => ({
      groupId: s.groupId,
      edgeNodeId: s.edgeNodeId,
      online: s.online,
      bdSeq: s.bdSeq,
      lastSeen: s.lastSeen,
      devices: [...s.devices],
    }))
  }

  #emit(event: HostEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (err) {
        this.#log.error({ err: err instanceof Error ? err.message : String(err), event: event.type }, 'host event listener threw')
      }
    }
  }

  #autoRebirth(session: EdgeNodeSession, reason: string): void {
    const last = session.lastRebirthAt
    if (last !== undefined && this.#now() - last < (this.#init.rebirthIntervalMs ?? DEFAULT_REBIRTH_INTERVAL_MS)) return
    const sent = this.requestRebirth(session.groupId, session.edgeNodeId)
    this.#log.info({ groupId: session.groupId, edgeNodeId: session.edgeNodeId, reason, sent }, 'rebirth requested')
  }

  #connect(): void {
    this.#reconnectTimer = undefined
    const timestamp = this.#now()
    const client = (this.#init.connect ?? defaultConnect)(this.#init.mqtt.url, connectOptions(this.#init, this.#stateTopic, timestamp))
    this.#client = client
    pacedDelivery(client)
    client.on('connect', () => void this.#online(client, timestamp))
    client.on('message', (topic, payload, packet) => this.#message(topic, payload, packet))
    client.on('error', (err) => this.#log.warn({ err: err.message, url: this.#init.mqtt.url }, 'MQTT error'))
    client.on('close', () => this.#closed(client))
  }

  async #online(client: MqttClient, timestamp: number): Promise<void> {
    try {
      // [tck-id-host-topic-phid-birth-sub-required] [tck-id-message-flow-phid-sparkplug-subscription]
      // own STATE and the namespace first, then [tck-id-host-topic-phid-birth-required] the STATE birth.
      await client.subscribeAsync([this.#stateTopic, ...this.#filters], { qos: 1 })
      await this.#publishState(client, true, timestamp)
    } catch (err) {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'host session setup failed; reconnecting')
      client.end(true)
      return
    }
    if (client !== this.#client || this.#stopping !== undefined) return
    this.#sessionTimestamp = timestamp
    this.#connected = true
    this.#stateOnline = true
    this.#attempt = 0
    this.#log.info({ hostId: this.#init.hostId, url: this.#init.mqtt.url }, 'Sparkplug host online')
    if (!this.#everOnline) {
      this.#everOnline = true
      this.#ready?.resolve()
      this.#ready = undefined
      return
    }
    // After a reconnect (a broker restart among others) births and deaths may have been missed:
    // ask every known node for a fresh session. Events are idempotent facts, so a repeat is harmless.
    for (const s of this.#sessions.values()) this.requestRebirth(s.groupId, s.edgeNodeId)
  }

  #publishState(client: MqttClient, online: boolean, timestamp: number): Promise<unknown> {
    // [tck-id-host-topic-phid-birth-qos] [tck-id-host-topic-phid-birth-retain] [tck-id-host-topic-phid-birth-payload]
    return client.publishAsync(this.#stateTopic, statePayload(online, timestamp), { qos: STATE_QOS, retain: STATE_RETAIN })
  }

  #closed(client: MqttClient): void {
    if (client !== this.#client) return
    client.end(true)
    this.#client = undefined
    if (this.#connected) this.#log.warn({ url: this.#init.mqtt.url }, 'MQTT connection lost')
    this.#connected = false
    this.#stateOnline = false
    if (this.#stopping !== undefined) return
    const delay = reconnectDelay(this.#init, this.#attempt++, this.#init.random ?? Math.random)
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#connect(), delay)
  }

  #message(topic: string, bytes: Buffer, packet: IPublishPacket): void {
    this.#counters.messages++
    try {
      this.#dispatch(topic, bytes, packet.dup === true)
    } catch (err) {
      // A bug in handling one message must not take the host down: log it with the topic.
      this.#log.error({ topic, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'message handling failed')
    }
  }

  #dispatch(topic: string, bytes: Buffer, dup: boolean): void {
    let parsed = this.#topics.get(topic)
    try {
      if (parsed === undefined) {
        parsed = parseTopic(topic)
        if (this.#topics.size < TOPIC_CACHE_LIMIT) this.#topics.set(topic, parsed)
      }
    } catch (err) {
      this.#counters.badTopics++
      this.#log.warn({ topic, err: (err as Error).message }, 'bad Sparkplug topic')
      return
    }
    if (parsed.kind === 'state') return this.#state(parsed.hostId, bytes)
    // Commands come from host applications (this one included), not from edge nodes.
    if (parsed.messageType === 'NCMD' || parsed.messageType === 'DCMD') return
    let payload
    try {
      payload = decodePayload(bytes, { messageType: parsed.messageType })
    } catch (err) {
      this.#counters.badPayloads++
      this.#log.warn({ topic, err: (err as Error).message }, 'bad Sparkplug payload')
      return
    }
    const key = `${parsed.groupId}/${parsed.edgeNodeId}`
    let session = this.#sessions.get(key)
    if (session === undefined) {
      session = new EdgeNodeSession({
        groupId: parsed.groupId,
        edgeNodeId: parsed.edgeNodeId,
        reorderTimeoutMs: this.#init.reorderTimeoutMs ?? DEFAULT_REORDER_TIMEOUT_MS,
        sink: this.#sink,
        timers: this.#timers,
      })
      this.#sessions.set(key, session)
    }
    const deviceId = parsed.kind === 'device' ? parsed.deviceId : undefined
    session.handle({ topic, type: parsed.messageType, payload, dup, ...(deviceId === undefined ? {} : { deviceId }) })
  }

  #state(hostId: string, bytes: Buffer): void {
    if (hostId !== this.#init.hostId || !this.#stateOnline || this.#stopping !== undefined) return
    let online: boolean
    try {
      online = decodeState(bytes).online
    } catch {
      online = false // whatever replaced our retained STATE, it does not say we are online
    }
    if (online) return
    // [tck-id-message-flow-hid-sparkplug-state-message-delivered] someone marked us offline while we
    // are connected: republish online. Same timestamp as this session's Will, so the pair still matches.
    const client = this.#client
    if (client === undefined) return
    this.#log.warn({ topic: this.#stateTopic }, 'own STATE turned offline by another client; republishing online')
    this.#publishState(client, true, this.#sessionTimestamp).catch((err: Error) => this.#log.warn({ err: err.message }, 'STATE republish failed'))
  }

  async #stop(): Promise<void> {
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
    for (const s of this.#sessions.values()) s.close()
    this.#ready?.reject(new Error('Sparkplug host stopped before it came online'))
    const client = this.#client
    this.#client = undefined
    const wasOnline = this.#connected
    this.#connected = false
    this.#stateOnline = false
    if (client === undefined) return
    const timeoutMs = this.#init.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS
    // [tck-id-operational-behavior-host-application-disconnect-intentional] offline STATE, then DISCONNECT
    // (a DISCONNECT discards the Will, so the offline STATE has to be published explicitly).
    if (wasOnline) await this.#bounded(this.#publishState(client, false, this.#sessionTimestamp), timeoutMs, 'offline STATE')
    await this.#bounded(client.endAsync(), timeoutMs, 'disconnect')
    client.end(true)
  }

  async #bounded(work: Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
    const outcome = await settleWithin(work, timeoutMs, this.#timers)
    if (outcome !== 'done') this.#log.warn({ timeoutMs, outcome }, `${what} did not complete at stop`)
  }
}
