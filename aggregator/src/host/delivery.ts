/**
 * How the host takes QoS 1 deliveries from mqtt.js (issue 5 "Speed"). Two things, neither changing
 * what is acknowledged when (a PUBACK still leaves only after its message was handled):
 *
 * - Turns: mqtt.js handles the packets of a socket read one after another through `process.nextTick`,
 *   and libuv reads a socket up to 32 times per poll while the broker keeps sending, so a busy host
 *   handled messages for up to a second without once returning to the event loop; the store's
 *   InfluxDB writes, whose answers wait for the loop, crawled meanwhile (measured: a 5,000-line batch
 *   took 300–1,400 ms during ingest, 30 ms after it; event-loop delay p99 211 ms, max 910 ms). Through
 *   mqtt.js's `handleMessage` hook (its documented backpressure point: the next packet and the PUBACK
 *   wait for its callback) the host hands the loop back every {@link DELIVERY_SLICE_MS}.
 * - PUBACKs: mqtt.js writes each PUBACK to the socket on its own (a 4-byte write each: ~7 % of the
 *   host's CPU at thousands of messages a second). The socket stays corked while packets are handled,
 *   so up to {@link ACK_BATCH} PUBACKs leave in one write.
 */
import type { MqttClient } from 'mqtt'

/** Longest stretch of message handling before the event loop gets a turn, ms: timers and I/O wait at most this long. */
export const DELIVERY_SLICE_MS = 10

/**
 * Most PUBACKs held back at once: 8 writes become one. Small against the broker's window (Mosquitto's
 * default `max_inflight_messages` 20, as RHN's docker config keeps it), so the broker keeps refilling
 * it while a long read is being handled; the held acks cost a 20-message window at most 8 messages.
 */
export const ACK_BATCH = 8

/** Installs turn-taking and PUBACK coalescing on `client`, for as long as the client lives. */
export function pacedDelivery(client: MqttClient): void {
  const clock = (): number => performance.now()
  // A turn: the packets handled between two visits of the event loop's check phase.
  let inTurn = false
  let sliceStart = 0
  let held = 0
  let corked: MqttClient['stream'] | undefined
  const release = (): void => {
    const stream = corked
    corked = undefined
    held = 0
    stream?.uncork()
  }
  const endTurn = (): void => {
    inTurn = false
    release()
  }

  client.handleMessage = (_packet, callback) => {
    if (clock() - sliceStart < DELIVERY_SLICE_MS) return callback()
    // Timers and I/O (the store's writes, the API) run before the next packet is handled.
    setImmediate(() => {
      sliceStart = clock()
      callback()
    })
  }

  client.on('packetreceive', (packet) => {
    if (packet.cmd !== 'publish') return
    if (!inTurn) {
      inTurn = true
      sliceStart = clock()
      setImmediate(endTurn)
    }
    if (packet.qos === 0) return
    const stream = client.stream
    if (corked !== stream) {
      release()
      if (typeof stream?.cork !== 'function') return
      stream.cork()
      corked = stream
    } else if (++held >= ACK_BATCH) {
      // Send what is held and keep holding.
      stream.uncork()
      stream.cork()
      held = 0
    }
  })
}
