import { RhnError } from '@rhn/protocols'
import type { Clock, TimerHandle } from '../../clock.js'
import { type Rng, createRng } from '../../rng.js'
import type { Endpoint, NetworkState, SimServer } from '../types.js'
import { type AdtHeader, buildAdtMessage } from './adt-message.js'
import { MALFORMED_KINDS, buildMalformed } from './malformed.js'
import { MllpLink } from './link.js'
import { type ParsedAck, frameMllp, isAccept, parseAck } from './mllp.js'
import {
  type AdtEvent,
  type AdtFeedComponent,
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_MAX_RESENDS,
  DEFAULT_RECEIVING_APPLICATION,
  type Hl7AdtSenderCounters,
  type Hl7AdtSenderInit,
  type Hl7Logger,
  type MalformedKind,
} from './types.js'

/** 1 s: first reconnect delay, virtual ms (doubles per failure). */
const DEFAULT_RECONNECT_MIN_MS = 1_000
/** 30 s: reconnect delay cap, virtual ms (the edge agent's reconnect default for devices). */
const DEFAULT_RECONNECT_MAX_MS = 30_000
/** 1 s: how often power and reachability of the feed component are checked, virtual ms. */
const DEFAULT_STATUS_POLL_MS = 1_000
/**
 * 20 ms: the shortest real wait for an ACK or a reconnect. Waits are virtual, but at `--speed 1000`
 * a 10 s timeout would be 10 ms of real time, shorter than a busy real listener may need to answer.
 */
const MIN_REAL_WAIT_MS = 20
/** Control ids remembered after their message is done, so a late duplicate ACK is recognised. */
const RECENT_IDS = 64

const silent: Hl7Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** A message in the queue: an ADT event, or a malformed message of the `hl7-malformed` fault. */
type Outgoing = { controlId: string; wire?: Buffer; transmissions: number; timeouts: number } & (
  | { kind: 'adt'; event: AdtEvent }
  | { kind: 'malformed'; malformed: MalformedKind; expectsReply: boolean }
)

/**
 * The hospital's ADT feed, as an interface engine sends it: HL7 v2.5.1 ADT over MLLP to the
 * configured listener, one message at a time in event order, each waiting for its ACK.
 *
 * - No ACK within `ackTimeoutMs`: the same bytes (same MSH-10) are sent again, up to `maxResends`
 *   times; then the message is given up, logged and counted (`givenUp`).
 * - `AE`/`AR`: logged and counted (`rejected`), not resent, the next message follows.
 * - Listener down, connection dropped, or feed component powered off or unreachable: messages
 *   queue; the sender reconnects with exponential backoff and sends them all, in order. A message
 *   unanswered when its connection dropped is sent again (`resent`) without using up `maxResends`.
 */
export class Hl7AdtSender implements SimServer {
  readonly endpoint: Endpoint
  private readonly init: Required<Omit<Hl7AdtSenderInit, 'logger' | 'rng'>>
  private readonly log: Hl7Logger
  private readonly rng: Rng
  private readonly clock: Clock
  private readonly component: AdtFeedComponent
  private readonly queue: Outgoing[] = []
  private readonly link: MllpLink
  private readonly recent: string[] = []
  private readonly counts = { sent: 0, acked: 0, resent: 0, rejected: 0, givenUp: 0, malformedSent: 0, malformedRejected: 0 }
  private running = false
  private network: NetworkState = 'up'
  private inflight: Outgoing | undefined
  private ackTimer: TimerHandle | undefined
  private pollTimer: TimerHandle | undefined
  private unsubscribe: (() => void) | undefined
  private seq = 0
  private malformedNext: number | undefined

  constructor(init: Hl7AdtSenderInit) {
    const hospitalId = init.hospitalId ?? init.endpoint.hospitalId
    this.init = {
      endpoint: init.endpoint,
      source: init.source,
      component: init.component,
      clock: init.clock,
      hospitalId,
      receivingApplication: init.receivingApplication ?? DEFAULT_RECEIVING_APPLICATION,
      receivingFacility: init.receivingFacility ?? hospitalId,
      ackTimeoutMs: init.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
      maxResends: init.maxResends ?? DEFAULT_MAX_RESENDS,
      reconnectMinMs: init.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS,
      reconnectMaxMs: init.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS,
      statusPollMs: init.statusPollMs ?? DEFAULT_STATUS_POLL_MS,
      controlIdPrefix: init.controlIdPrefix ?? hospitalId,
    }
    const { ackTimeoutMs, maxResends, reconnectMinMs, reconnectMaxMs, statusPollMs } = this.init
    const port = init.endpoint.port
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RhnError('RHN_SIM_DEVICE_CONFIG_INVALID', `hl7 endpoint.port must be 1..65535, got ${port}`)
    if (!(ackTimeoutMs > 0)) throw new RhnError('RHN_SIM_DEVICE_CONFIG_INVALID', `hl7.ackTimeoutMs must be > 0 ms, got ${ackTimeoutMs}`)
    if (!Number.isInteger(maxResends) || maxResends < 0) throw new RhnError('RHN_SIM_DEVICE_CONFIG_INVALID', `hl7.maxResends must be an integer >= 0, got ${maxResends}`)
    if (!(reconnectMinMs > 0) || !(reconnectMaxMs >= reconnectMinMs))
      throw new RhnError('RHN_SIM_DEVICE_CONFIG_INVALID', `hl7.reconnectMinMs must be > 0 and <= reconnectMaxMs, got ${reconnectMinMs}..${reconnectMaxMs}`)
    if (!(statusPollMs > 0)) throw new RhnError('RHN_SIM_DEVICE_CONFIG_INVALID', `hl7.statusPollMs must be > 0 ms, got ${statusPollMs}`)
    this.endpoint = init.endpoint
    this.clock = init.clock
    this.component = init.component
    this.log = init.logger ?? silent
    this.rng = init.rng ?? createRng(0, `${init.endpoint.id}/hl7`)
    this.link = new MllpLink({
      id: init.endpoint.id,
      host: init.endpoint.host,
      port,
      clock: this.clock,
      rng: this.rng.fork('reconnect'),
      log: this.log,
      reconnectMinMs,
      reconnectMaxMs,
      wait: (ms) => this.realFloor(ms),
      mayConnect: () => this.running && this.network !== 'refuse' && this.feedUp(),
      onUp: () => this.pump(),
      onFrame: (text) => this.onReply(text),
      onDown: () => this.onDown(),
    })
  }

  /** A snapshot of the counters. */
  get counters(): Hl7AdtSenderCounters {
    return { ...this.counts, queued: this.queue.length }
  }

  /** Subscribes to the source and connects; resolves after the first attempt, connected or not (events queue). */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    this.unsubscribe = this.init.source.onAdt((event) => this.enqueue(event))
    this.pollTimer = this.clock.setInterval(() => this.checkFeed(), this.realFloor(this.init.statusPollMs))
    await this.link.open()
  }

  /** Closes the socket, timers and subscription; queued messages stay queued. Idempotent. */
  async stop(): Promise<void> {
    this.running = false
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.pollTimer?.cancel()
    this.pollTimer = undefined
    this.link.cancelReconnect()
    await this.link.close('stopped')
    this.onDown()
  }

  /** `reset` drops the connection (it comes back after backoff); `refuse` drops it and stays away until `up`. */
  async setNetwork(state: NetworkState): Promise<void> {
    this.network = state
    if (state === 'up') {
      this.link.resetBackoff()
      await this.link.open()
    } else await this.link.close(`network ${state}`)
  }

  /** Queues one ADT event (events from the source arrive here); control ids follow queue order. */
  enqueue(event: AdtEvent): void {
    this.queue.push({ kind: 'adt', event, controlId: this.nextControlId(), transmissions: 0, timeouts: 0 })
    this.pump()
  }

  /**
   * `hl7-malformed` fault: queues `count` malformed messages behind whatever is queued, cycling through
   * {@link MALFORMED_KINDS} from an rng-chosen start, so six in a row cover every kind.
   */
  sendMalformed(count: number): void {
    this.malformedNext ??= this.rng.int(MALFORMED_KINDS.length)
    for (let i = 0; i < count; i++) {
      const malformed = MALFORMED_KINDS[this.malformedNext++ % MALFORMED_KINDS.length]!
      const expectsReply = malformed !== 'unterminated-frame'
      this.queue.push({ kind: 'malformed', malformed, expectsReply, controlId: this.nextControlId(), transmissions: 0, timeouts: 0 })
    }
    this.pump()
  }

  private nextControlId(): string {
    return `${this.init.controlIdPrefix}${String(++this.seq).padStart(8, '0')}`
  }

  private feedUp(): boolean {
    return this.component.powered && this.component.reachability === 'up'
  }

  private realFloor(virtualMs: number): number {
    return Math.max(virtualMs, MIN_REAL_WAIT_MS * this.clock.speed)
  }

  /** Polled: a feed that lost power or its network drops its connection; back up, it reconnects. */
  private checkFeed(): void {
    if (!this.feedUp()) void this.link.close(this.component.powered ? 'feed unreachable' : 'feed powered off')
    else if (this.link.idle) void this.link.open()
  }

  /** The connection is gone: the unanswered ADT message stays at the head, to be sent again. */
  private onDown(): void {
    this.ackTimer?.cancel()
    this.ackTimer = undefined
    const m = this.inflight
    this.inflight = undefined
    if (m?.kind === 'malformed') this.finish(m) // a fault is injected once, never retransmitted
  }

  /** Sends the head of the queue when nothing awaits an ACK and the link is up. */
  private pump(): void {
    while (this.running && this.link.connected && this.inflight === undefined && this.feedUp()) {
      const m = this.queue[0]
      if (m === undefined) return
      m.wire ??= this.build(m) // built at first transmission: MSH-7 is the feed's clock at sending
      this.link.write(m.wire)
      if (m.transmissions++ > 0) this.counts.resent++
      else if (m.kind === 'adt') this.counts.sent++
      else this.counts.malformedSent++
      if (m.kind === 'malformed' && !m.expectsReply) {
        this.log.info({ endpoint: this.endpoint.id, kind: m.malformed }, 'hl7 malformed message sent')
        this.finish(m)
        continue
      }
      this.inflight = m
      this.ackTimer = this.clock.setTimeout(() => this.onAckTimeout(m), this.realFloor(this.init.ackTimeoutMs))
    }
  }

  private build(m: Outgoing): Buffer {
    const header: AdtHeader = {
      hospitalId: this.init.hospitalId,
      receivingApplication: this.init.receivingApplication,
      receivingFacility: this.init.receivingFacility,
      controlId: m.controlId,
      messageTime: this.component.deviceTime(),
      clockSkewMs: this.component.clockSkewMs,
    }
    return m.kind === 'adt' ? frameMllp(buildAdtMessage(m.event, header)) : buildMalformed(m.malformed, header, this.rng.fork(m.controlId)).wire
  }

  private onReply(text: string): void {
    const ack = parseAck(text)
    const m = this.inflight
    if (ack === undefined) {
      this.log.warn({ endpoint: this.endpoint.id, reply: text.slice(0, 200) }, 'hl7 reply without a valid MSA')
      return
    }
    // A malformed message may be answered without our control id (the listener could not read it).
    const ours = m !== undefined && (ack.controlId === m.controlId || (m.kind === 'malformed' && !this.recent.includes(ack.controlId)))
    if (!ours) {
      this.log.debug({ endpoint: this.endpoint.id, controlId: ack.controlId, code: ack.code }, 'hl7 late or unknown ACK ignored')
      return
    }
    this.complete(m, ack)
  }

  private complete(m: Outgoing, ack: ParsedAck): void {
    const ctx = { endpoint: this.endpoint.id, controlId: m.controlId, code: ack.code, text: ack.text }
    if (m.kind === 'adt') {
      if (isAccept(ack.code)) this.counts.acked++
      else {
        this.counts.rejected++
        this.log.warn({ ...ctx, type: m.event.type }, 'hl7 message rejected')
      }
    } else if (isAccept(ack.code)) this.log.warn({ ...ctx, kind: m.malformed }, 'hl7 listener accepted a malformed message')
    else {
      this.counts.malformedRejected++
      this.log.info({ ...ctx, kind: m.malformed }, 'hl7 malformed message rejected, as it should be')
    }
    this.finish(m)
    this.pump()
  }

  private onAckTimeout(m: Outgoing): void {
    if (this.inflight !== m) return
    this.ackTimer = undefined
    this.inflight = undefined
    const ctx = { endpoint: this.endpoint.id, controlId: m.controlId }
    if (m.kind === 'malformed') {
      this.log.info({ ...ctx, kind: m.malformed }, 'hl7 no reply to a malformed message')
      this.finish(m)
    } else if (++m.timeouts > this.init.maxResends) {
      this.counts.givenUp++
      this.log.error({ ...ctx, type: m.event.type, resends: this.init.maxResends }, 'hl7 no ACK after every resend: message given up')
      this.finish(m)
    } else this.log.warn({ ...ctx, attempt: m.timeouts }, 'hl7 no ACK in time: resending')
    this.pump()
  }

  /** Removes a message that is done: answered, given up, or a fault sent; the caller pumps the next. */
  private finish(m: Outgoing): void {
    this.ackTimer?.cancel()
    this.ackTimer = undefined
    if (this.inflight === m) this.inflight = undefined
    const i = this.queue.indexOf(m)
    if (i >= 0) this.queue.splice(i, 1)
    this.recent.push(m.controlId)
    if (this.recent.length > RECENT_IDS) this.recent.shift()
  }
}
