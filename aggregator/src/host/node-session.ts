/**
 * One edge node as the host sees it: its current session (bdSeq, alias table, born devices), its
 * seq order, and what each message means for the twin. No I/O: events, counters and rebirth
 * requests go to a {@link SessionSink}, so the rules can be exercised without a broker.
 */
import { AliasTable, ProtocolError, bdSeqMatches, readBdSeq, type SparkplugMessageType, type SparkplugPayload } from '@rhn/protocols'
import { SeqReorderBuffer } from './reorder.js'
import type { HostTimers } from './timers.js'
import { birthUnits, resolveBirthMetrics, resolveDataMetrics } from './resolve.js'
import type { HostEvent, HostStats } from './types.js'

/** The counters a session moves. */
export type SessionCounter = keyof Pick<HostStats, 'births' | 'deaths' | 'seqGaps' | 'unknownAliases' | 'badPayloads' | 'duplicates'>

/** The host logger: pino's object-first call shape, so a pino `Logger` fits. */
export interface HostLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Where a session reports what it found. */
export interface SessionSink {
  emit(event: HostEvent): void
  count(counter: SessionCounter): void
  /** Ask the edge node for a rebirth; the host rate-limits these per node. */
  rebirth(session: EdgeNodeSession, reason: string): void
  now(): number
  log: HostLogger
}

/** A decoded edge node message (NCMD/DCMD never reach a session). */
export interface EdgeMessage {
  topic: string
  type: Exclude<SparkplugMessageType, 'NCMD' | 'DCMD'>
  deviceId?: string
  payload: SparkplugPayload
  /** MQTT DUP flag: the broker is redelivering a QoS 1 message. */
  dup: boolean
}

/** Options of {@link EdgeNodeSession}. */
export interface EdgeNodeSessionInit {
  groupId: string
  edgeNodeId: string
  reorderTimeoutMs: number
  sink: SessionSink
  timers?: HostTimers
}

/** The Sparkplug state of one edge node, fed every message of that node in arrival order. */
export class EdgeNodeSession {
  readonly groupId: string
  readonly edgeNodeId: string
  /** bdSeq of the current (or last) NBIRTH. */
  bdSeq: number | undefined
  online = false
  /** Host time of the last message from this node, ms. */
  lastSeen: number | undefined
  /** Host time of the last rebirth request sent to this node, ms. */
  lastRebirthAt: number | undefined
  /** Devices born in the current session. */
  readonly devices = new Set<string>()
  // Until an NBIRTH, sequenced messages cannot be interpreted (no alias table, no seq origin).
  #awaitingBirth = true
  #aliases = new AliasTable()
  readonly #sink: SessionSink
  readonly #buffer: SeqReorderBuffer<EdgeMessage>

  constructor(init: EdgeNodeSessionInit) {
    this.groupId = init.groupId
    this.edgeNodeId = init.edgeNodeId
    this.#sink = init.sink
    this.#buffer = new SeqReorderBuffer<EdgeMessage>({
      timeoutMs: init.reorderTimeoutMs,
      timers: init.timers,
      onTimeout: (expected) => this.#gap(expected),
    })
  }

  /** Handles one message of this node. */
  handle(msg: EdgeMessage): void {
    this.lastSeen = this.#sink.now()
    if (msg.type === 'NBIRTH') this.#nbirth(msg)
    else if (msg.type === 'NDEATH') this.#ndeath(msg)
    else this.#sequenced(msg)
  }

  /** Stops the reorder timer and drops held messages (host stop). */
  close(): void {
    this.#buffer.clear()
  }

  #ids(): { groupId: string; edgeNodeId: string } {
    return { groupId: this.groupId, edgeNodeId: this.edgeNodeId }
  }

  #nbirth(msg: EdgeMessage): void {
    const bdSeq = readBdSeq(msg.payload) ?? 0 // decodePayload checked NBIRTH has one [tck-id-payloads-nbirth-bdseq]
    if (msg.dup && this.online && bdSeq === this.bdSeq) return this.#sink.count('duplicates')
    let aliases: AliasTable
    try {
      aliases = AliasTable.fromBirth(msg.payload.metrics)
    } catch (err) {
      return this.#rejectBirth(msg, err)
    }
    // A new session: new alias table, seq restarts at 0 [tck-id-payloads-nbirth-seq], devices rebirth.
    this.#aliases = aliases
    this.bdSeq = bdSeq
    this.online = true
    this.#awaitingBirth = false
    this.devices.clear()
    this.#buffer.reset(1)
    this.#sink.count('births')
    this.#sink.emit({ type: 'node-online', ...this.#ids(), bdSeq, at: this.#sink.now() })
  }

  #ndeath(msg: EdgeMessage): void {
    const bdSeq = readBdSeq(msg.payload) ?? -1
    // An NDEATH ends the session only when its bdSeq is the current NBIRTH's: the Will of an older
    // connection, delivered late, must not take a live node offline [tck-id-payloads-ndeath-bdseq].
    if (!this.online || this.bdSeq === undefined || bdSeq < 0 || !bdSeqMatches(this.bdSeq, bdSeq)) {
      if (msg.dup) this.#sink.count('duplicates')
      this.#sink.log.info({ ...this.#ids(), bdSeq, current: this.bdSeq, online: this.online }, 'stale NDEATH ignored')
      return
    }
    this.online = false
    this.#awaitingBirth = true
    this.#buffer.clear()
    this.#sink.count('deaths')
    const at = this.#sink.now()
    // [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-offline] and
    // [...-ndeath-devices-offline]: the node and every device of it go offline at host time.
    this.#sink.emit({ type: 'node-offline', ...this.#ids(), at, reason: `NDEATH bdSeq ${bdSeq}` })
    for (const deviceId of this.devices) this.#sink.emit({ type: 'device-death', device: { ...this.#ids(), deviceId }, at })
    this.devices.clear()
  }

  #sequenced(msg: EdgeMessage): void {
    if (this.#awaitingBirth) return this.#sink.rebirth(this, `${msg.type} without a current NBIRTH`)
    const seq = msg.payload.seq ?? 0 // decodePayload checked sequenced messages carry one
    const result = this.#buffer.offer(seq, msg)
    if (result.verdict === 'duplicate') {
      this.#sink.count('duplicates')
      this.#sink.log.debug({ topic: msg.topic, seq, expected: this.#buffer.expected }, 'duplicate seq dropped')
      return
    }
    for (const ready of result.ready) {
      if (this.#awaitingBirth) return
      this.#apply(ready)
    }
  }

  #gap(expected: number): void {
    // [tck-id-operational-behavior-host-reordering-rebirth] the missing seq never came: this
    // session's state is unknown, so discard everything until the NBIRTH the rebirth brings.
    this.#awaitingBirth = true
    this.#sink.count('seqGaps')
    this.#sink.log.warn({ ...this.#ids(), expected }, 'seq gap: reorder timeout elapsed, requesting rebirth')
    this.#sink.rebirth(this, `seq ${expected} missing`)
  }

  #apply(msg: EdgeMessage): void {
    const now = this.#sink.now()
    const deviceId = msg.deviceId
    if (msg.type === 'NDATA') {
      // Node-level metrics are not part of the twin; resolving still catches unknown aliases.
      this.#resolve(msg, undefined, now)
      return
    }
    if (deviceId === undefined) return
    const device = { ...this.#ids(), deviceId }
    if (msg.type === 'DBIRTH') {
      try {
        this.#aliases.addBirth(msg.payload.metrics, deviceId)
      } catch (err) {
        return this.#rejectBirth(msg, err)
      }
      this.devices.add(deviceId)
      this.#sink.count('births')
      this.#sink.emit({ type: 'device-birth', device, metrics: resolveBirthMetrics(msg.payload, now), units: birthUnits(msg.payload), at: now })
    } else if (msg.type === 'DDEATH') {
      if (!this.devices.delete(deviceId)) return
      this.#sink.count('deaths')
      // [tck-id-operational-behavior-edge-node-termination-host-action-ddeath-devices-offline]
      // offline at the DDEATH's own timestamp (an NDEATH, sent by the broker, uses host time).
      this.#sink.emit({ type: 'device-death', device, at: msg.payload.timestamp ?? now })
    } else {
      if (!this.devices.has(deviceId)) return this.#sink.rebirth(this, `DDATA for device "${deviceId}" before its DBIRTH`)
      const metrics = this.#resolve(msg, deviceId, now)
      if (metrics !== undefined) this.#sink.emit({ type: 'device-data', device, metrics, at: now })
    }
  }

  #resolve(msg: EdgeMessage, deviceId: string | undefined, now: number): ReturnType<typeof resolveDataMetrics> | undefined {
    try {
      return resolveDataMetrics(msg.payload, this.#aliases, deviceId, now)
    } catch (err) {
      if (!(err instanceof ProtocolError) || err.code !== 'RHN_PROTO_ALIAS_UNKNOWN') throw err
      this.#sink.count('unknownAliases')
      this.#sink.log.warn({ topic: msg.topic, err: err.message }, 'unknown alias: message dropped, requesting rebirth')
      this.#sink.rebirth(this, 'unknown alias')
      return undefined
    }
  }

  #rejectBirth(msg: EdgeMessage, err: unknown): void {
    this.#sink.count('badPayloads')
    this.#sink.log.warn({ topic: msg.topic, err: err instanceof Error ? err.message : String(err) }, 'BIRTH rejected, requesting rebirth')
    this.#sink.rebirth(this, `bad ${msg.type}`)
  }
}
