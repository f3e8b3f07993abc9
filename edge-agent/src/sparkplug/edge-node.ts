/**
 * RHN's Sparkplug B 3.0 Edge Node on mqtt.js (issue 4, "Sparkplug B Edge Node"); MQTT 3.1.1, see
 * connect-options.ts for why.
 *
 * Lifecycle of one MQTT session: bdSeq + 1 stored → CONNECT (clean session, Will = NDEATH with that
 * bdSeq) → SUBSCRIBE NCMD, DCMD (and the primary host's STATE) → wait for STATE online when a
 * primary host is configured → NBIRTH (seq 0) + DBIRTHs → outbox publisher (live + replay lanes).
 * On loss: backoff, new session, new bdSeq, births, replay.
 */
import { AliasAllocator, encodePayload, parseTopic, type SparkplugPayload } from '@rhn/protocols'
import { EdgeError } from '../errors.js'
import type { DeviceDescriptor } from '../reading.js'
import { Backoff } from './backoff.js'
import { BdSeqFile } from './bdseq-file.js'
import { connectOptions, readTlsFiles, type TlsFiles } from './connect-options.js'
import { newCounters, snapshot } from './counters.js'
import { PrimaryHostState, isRebirthRequest } from './host-state.js'
import type { BornMetric } from './data-codec.js'
import { bornMetrics, buildDataMessages, deviceBirthMetrics, nodeBirthMetrics, nodeDeathPayload, type DataMessage } from './payloads.js'
import { OutboxPublisher } from './publisher.js'
import { MessageSender, type SequencedType } from './sender.js'
import { MqttSession } from './session.js'
import { EdgeTopics } from './topics.js'
import { DEFAULT_MAX_INFLIGHT_MESSAGES, DEFAULT_POLL_INTERVAL_MS, type EdgeNodeCounters, type SparkplugEdgeNodeInit } from './types.js'

/** The Sparkplug B Edge Node of one gateway; see the file comment. Build one with `new`, then `start()`. */
export class SparkplugEdgeNode {
  readonly #init: SparkplugEdgeNodeInit
  readonly #counters = newCounters()
  readonly #aliases = new AliasAllocator()
  readonly #sender: MessageSender
  readonly #bdSeqFile: BdSeqFile
  readonly #backoff: Backoff
  readonly #publisher: OutboxPublisher
  /** Devices reported offline by their driver (every other device is born with the node). */
  readonly #offline = new Set<string>()
  /** Devices with a DBIRTH in the current session, with their metrics (and aliases) by name. */
  readonly #born = new Map<string, ReadonlyMap<string, BornMetric>>()
  readonly #topics: EdgeTopics
  readonly #host = new PrimaryHostState()
  #tls: TlsFiles = {}
  #session: MqttSession | undefined
  #bdSeq = 0
  #nodeBorn = false
  #sessionStart: number | undefined
  #everConnected = false
  #reconnectNow = false
  #started = false
  #stopping: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #connecting: Promise<void> | undefined
  #abort = new AbortController()

  constructor(init: SparkplugEdgeNodeInit) {
    this.#init = init
    this.#topics = new EdgeTopics(init.gateway.groupId, init.gateway.edgeNodeId)
    this.#sender = new MessageSender(this.#topics, this.#counters, init.sparkplug.strict === true)
    this.#bdSeqFile = new BdSeqFile(init.sparkplug.bdSeqFile)
    this.#backoff = new Backoff(init.mqtt.reconnect, init.random)
    this.#publisher = new OutboxPublisher({
      outbox: init.outbox,
      logger: init.logger,
      replayRateMsgsPerS: init.replayRateMsgsPerS,
      maxInflightMessages: init.maxInflightMessages ?? DEFAULT_MAX_INFLIGHT_MESSAGES,
      pollIntervalMs: init.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      prepare: (batch, historical) => this.#prepare(batch.readings, historical),
      send: (message) => this.#sendData(message),
      onAcked: () => void this.#counters.ackedBatches++,
    })
    this.#counters.primaryHostOnline = init.sparkplug.primaryHostId === undefined ? 1 : 0
  }

  /** Reads the TLS files and starts connecting; resolves at once (a broker that is down is retried, not an error). */
  async start(): Promise<void> {
    if (this.#started) return
    await this.#stopping
    this.#tls = await readTlsFiles(this.#init.mqtt.tls)
    this.#started = true
    this.#stopping = undefined
    this.#abort = new AbortController()
    this.#connecting = this.#connect()
  }

  /** Publishes NDEATH, disconnects and stops every timer and loop [tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath]; idempotent. */
  stop(): Promise<void> {
    if (!this.#started) return this.#stopping ?? Promise.resolve()
    this.#started = false
    this.#stopping = (async () => {
      clearTimeout(this.#timer)
      this.#timer = undefined
      this.#abort.abort()
      await this.#connecting
      const paused = this.#publisher.pause()
      const session = this.#session
      if (session !== undefined) await this.#terminate(session)
      await paused
      this.#counters.connected = 0
    })()
    return this.#stopping
  }

  /** A device answers again: DBIRTH with its current values [tck-id-message-flow-device-birth-publish-nbirth-wait]. */
  deviceOnline(id: string): void {
    this.#offline.delete(id)
    const device = this.#init.devices().find((d) => d.id === id)
    if (this.#nodeBorn && !this.#born.has(id) && device !== undefined) this.#deviceBirth(device)
  }

  /**
   * A device's metric set grew (e.g. an RFID cabinet saw a new GTIN): publish a fresh DBIRTH with every
   * metric so the new ones get aliases before their data [tck-id-operational-behavior-data-publish-dbirth].
   */
  deviceRebirth(id: string): void {
    const device = this.#init.devices().find((d) => d.id === id)
    if (this.#nodeBorn && this.#born.has(id) && device !== undefined) this.#deviceBirth(device)
  }

  /** A device stopped answering: DDEATH on its behalf [tck-id-operational-behavior-device-ddeath]. */
  deviceOffline(id: string, reason?: string): void {
    this.#offline.add(id)
    if (!this.#nodeBorn || !this.#born.delete(id)) return
    const timestamp = this.#init.now()
    void this.#publish('DDEATH', id, { timestamp, metrics: [] })
    this.#counters.deviceDeaths++
    this.#init.logger.info({ device: id, reason }, 'device offline: DDEATH')
  }

  /** New batches are in the outbox: publish them now rather than at the next poll. */
  notify(): void {
    this.#publisher.notify()
  }

  /** A snapshot of the counters for `/metrics` and `/healthz`. */
  metrics(): EdgeNodeCounters {
    return snapshot(this.#counters)
  }

  #schedule(ms: number): void {
    if (!this.#started) return
    this.#timer = setTimeout(() => void (this.#connecting = this.#connect()), ms)
  }

  async #connect(): Promise<void> {
    const { mqtt, gateway, logger } = this.#init
    let bdSeq: number
    try {
      // [tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq] +1 per CONNECT, stored first.
      bdSeq = await this.#bdSeqFile.next()
    } catch (err) {
      logger.error({ err, file: this.#init.sparkplug.bdSeqFile }, 'cannot store bdSeq; not connecting until it can')
      this.#schedule(this.#backoff.next())
      return
    }
    const ref: { session?: MqttSession } = {}
    let session: MqttSession
    try {
      const will = { topic: this.#topics.node('NDEATH'), payload: encodePayload(nodeDeathPayload(bdSeq, this.#init.now())) }
      session = await MqttSession.open({
        url: mqtt.url,
        signal: this.#abort.signal,
        options: connectOptions(mqtt, `rhn-edge-${gateway.groupId}-${gateway.edgeNodeId}`, this.#tls, will),
        onMessage: (topic, payload) => {
          if (ref.session === this.#session) this.#onMessage(topic, payload)
        },
        onClose: () => this.#onClose(ref.session),
      })
    } catch (err) {
      this.#counters.connectFailures++
      logger.warn({ err, url: mqtt.url }, 'MQTT connect failed')
      this.#schedule(this.#backoff.next())
      return
    }
    ref.session = session
    if (!this.#started) return this.#terminate(session)
    this.#backoff.reset()
    if (this.#everConnected) this.#counters.reconnects++
    this.#everConnected = true
    this.#session = this.#sender.session = session
    this.#bdSeq = bdSeq
    this.#sessionStart = undefined
    this.#host.reset()
    this.#counters.connected = 1
    logger.info({ url: mqtt.url, bdSeq }, 'MQTT session established')
    const primary = this.#init.sparkplug.primaryHostId
    try {
      await session.subscribe(this.#topics.subscriptions(primary))
    } catch (err) {
      logger.warn({ err }, 'MQTT subscribe failed; reconnecting')
      session.destroy()
      return
    }
    if (primary === undefined) this.#birth()
  }

  #onClose(session: MqttSession | undefined): void {
    if (session === undefined || session !== this.#session) return
    this.#session = this.#sender.session = undefined
    this.#nodeBorn = false
    this.#born.clear()
    this.#counters.connected = 0
    void this.#publisher.pause()
    if (!this.#started) return
    this.#init.logger.warn('MQTT session lost; reconnecting')
    const delay = this.#reconnectNow ? 0 : this.#backoff.next()
    this.#reconnectNow = false
    this.#schedule(delay)
  }

  #terminate(session: MqttSession): Promise<void> {
    this.#nodeBorn = false
    return this.#sender.terminate(session, this.#bdSeq, this.#init.now())
  }

  /**
   * NBIRTH then every online device's DBIRTH, synchronously so no DATA slips in between. Used for a
   * new session and for a rebirth, which keeps the session's bdSeq, as the Will still registered
   * carries it [tck-id-operational-behavior-data-commands-rebirth-action-1/2/3].
   */
  #birth(): void {
    if (this.#session === undefined) return
    // [tck-id-message-flow-edge-node-birth-publish-phid-wait] nothing before the primary host is online.
    if (this.#init.sparkplug.primaryHostId !== undefined && !this.#host.online) return
    const timestamp = this.#init.now()
    this.#sender.resetSeq()
    this.#born.clear()
    void this.#publish('NBIRTH', undefined, { timestamp, metrics: nodeBirthMetrics(this.#bdSeq, timestamp) })
    this.#nodeBorn = true
    this.#counters.nodeBirths++
    for (const device of this.#init.devices()) if (!this.#offline.has(device.id)) this.#deviceBirth(device)
    this.#sessionStart ??= timestamp
    this.#publisher.resume(this.#sessionStart)
  }

  #deviceBirth(device: DeviceDescriptor): void {
    const timestamp = this.#init.now()
    const metrics = deviceBirthMetrics(device, this.#aliases, (d, m) => this.#init.lastValue(d, m), timestamp)
    void this.#publish('DBIRTH', device.id, { timestamp, metrics })
    this.#born.set(device.id, bornMetrics(device, this.#aliases))
    this.#counters.deviceBirths++
  }

  #publish(type: SequencedType, device: string | undefined, payload: Omit<SparkplugPayload, 'seq'>): Promise<void> {
    const done = this.#sender.publish(type, device, payload)
    if (type !== 'DDATA') done.catch(() => undefined) // births and deaths: nothing waits on them
    return done
  }

  #prepare(readings: Parameters<typeof buildDataMessages>[0], historical: boolean): DataMessage[] {
    // A reading of a metric the DBIRTH did not announce (e.g. replayed after a restart, before the
    // driver saw that GTIN again): let the agent declare it, then re-birth the device first.
    let grown: Set<string> | undefined
    let asked: Set<string> | undefined
    for (const r of readings) {
      const born = this.#born.get(r.device)
      if (born === undefined || born.has(r.metric)) continue
      const key = `${r.device}\u0000${r.metric}`
      if (asked?.has(key) === true) continue
      ;(asked ??= new Set()).add(key)
      if (this.#init.declareMetric?.(r.device, r.metric) === true) (grown ??= new Set()).add(r.device)
    }
    for (const id of grown ?? []) this.deviceRebirth(id)
    const built = buildDataMessages(readings, historical, (device) => this.#born.get(device))
    if (built.skipped > 0) {
      this.#counters.skippedReadings += built.skipped
      this.#init.logger.warn({ skipped: built.skipped, first: built.firstSkip }, 'readings not publishable, skipped (counted)')
    }
    return built.messages
  }

  /** Sends one DDATA; only its counts wait for the PUBACK (the readings can be collected once encoded). */
  #sendData(message: DataMessage): Promise<void> {
    if (!this.#nodeBorn) return Promise.reject(new EdgeError('RHN_EDGE_BROKER', 'edge node is not born'))
    const readings = message.readings.length
    if (!this.#born.has(message.device)) {
      // The device died between prepare and send: no DDATA after DDEATH.
      this.#counters.skippedReadings += readings
      return Promise.resolve()
    }
    const historical = message.historical
    return this.#sender.publishData(message, this.#init.now()).then(() => {
      this.#counters.publishedReadings += readings
      if (historical) this.#counters.historicalReadings += readings
    })
  }

  #onMessage(topic: string, payload: Buffer): void {
    try {
      const t = parseTopic(topic)
      if (t.kind === 'state') this.#onState(payload)
      else if (t.messageType === 'NCMD' || t.messageType === 'DCMD') this.#onCommand(payload, t.kind === 'device' ? t.deviceId : undefined)
    } catch (err) {
      this.#init.logger.warn({ err, topic }, 'ignored a malformed message')
    }
  }

  /** Primary host STATE: births on online; on offline, NDEATH and a new session (see host-state.ts). */
  #onState(payload: Buffer): void {
    const transition = this.#host.update(payload)
    this.#counters.primaryHostOnline = this.#host.online ? 1 : 0
    if (transition === 'online' && !this.#nodeBorn) this.#birth()
    const session = this.#session
    if (transition !== 'offline' || session === undefined) return
    // [tck-id-message-flow-edge-node-birth-publish-phid-offline] NDEATH, disconnect, start over at once
    // [tck-id-operational-behavior-edge-node-termination-host-offline] [...-host-offline-reconnect]; the outbox keeps everything.
    this.#init.logger.warn('primary host offline: NDEATH and reconnect')
    this.#reconnectNow = true
    void this.#publisher.pause()
    void this.#terminate(session)
  }

  /** A rebirth request (NCMD or DCMD); other writes are not supported here and are logged. */
  #onCommand(payload: Buffer, deviceId: string | undefined): void {
    if (!isRebirthRequest(payload, deviceId !== undefined)) {
      this.#init.logger.info({ device: deviceId }, 'unsupported command ignored')
      return
    }
    this.#counters.rebirthRequests++
    if (!this.#nodeBorn) return
    this.#init.logger.info({ device: deviceId }, 'rebirth requested')
    if (deviceId === undefined) return this.#birth()
    const device = this.#init.devices().find((d) => d.id === deviceId)
    if (device !== undefined && !this.#offline.has(deviceId)) this.#deviceBirth(device)
  }
}
