/**
 * mqtt.js options for one edge node CONNECT.
 *
 * MQTT 3.1.1, not 5: Sparkplug 3.0 needs nothing beyond 3.1.1 (Will, clean session, QoS 0/1 and
 * retained STATE all exist there; the spec's conformance section accepts 3.1.1 servers), most Edge
 * Nodes and Tahu's clients speak it, and embedded aedes (our test and lab broker) implements only 3.1.1.
 */
import { readFile } from 'node:fs/promises'
import type { IClientOptions } from 'mqtt'
import { NDEATH_QOS } from '@rhn/protocols'
import { EdgeError } from '../errors.js'
import type { EdgeNodeMqttInit } from './types.js'

/** PEM contents for TLS and mutual TLS. */
export interface TlsFiles {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
}

/** Reads `mqtt.tls` files; throws RHN_EDGE_BROKER naming the key and path that cannot be read. */
export async function readTlsFiles(tls: EdgeNodeMqttInit['tls']): Promise<TlsFiles> {
  const out: TlsFiles = {}
  for (const key of ['ca', 'cert', 'key'] as const) {
    const path = tls?.[key]
    if (path === undefined) continue
    try {
      out[key] = await readFile(path)
    } catch (err) {
      throw new EdgeError('RHN_EDGE_BROKER', `mqtt.tls.${key}: cannot read ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  return out
}

/** The CONNECT options: clean session, Will = NDEATH (QoS 1, not retained), no mqtt.js reconnects. */
export function connectOptions(mqtt: EdgeNodeMqttInit, defaultClientId: string, tls: TlsFiles, will: { topic: string; payload: Uint8Array }): IClientOptions {
  return {
    protocolVersion: 4,
    clean: true,
    clientId: mqtt.clientId ?? defaultClientId,
    username: mqtt.username,
    password: mqtt.password,
    keepalive: mqtt.keepaliveS ?? 30,
    connectTimeout: mqtt.connectTimeoutMs ?? 30_000,
    ...tls,
    rejectUnauthorized: true,
    // [tck-id-message-flow-edge-node-birth-publish-will-message] [tck-id-message-flow-edge-node-birth-publish-will-message-topic]
    // [tck-id-message-flow-edge-node-birth-publish-will-message-qos] [tck-id-message-flow-edge-node-birth-publish-will-message-will-retained]
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: NDEATH_QOS, retain: false },
    // Each CONNECT needs a new bdSeq in its Will: the edge node opens every session itself.
    reconnectPeriod: 0,
    // A PINGREQ every keepalive even while data flows, instead of re-arming the ping timer on every
    // PUBACK (a clearTimeout + setTimeout per message: ~9% of the agent's CPU while replaying).
    reschedulePings: false,
    // mqtt.js traces through \`debug\`, which builds an argument array for each of its ~15 calls per
    // publish even when disabled (~20% of the bytes allocated while replaying); DEBUG=mqttjs* keeps it.
    ...(mqttTraceEnabled() ? {} : { log: noTrace }),
  }
}

/** Whether the user asked for mqtt.js's own trace (the \`debug\` package's DEBUG variable). */
function mqttTraceEnabled(): boolean {
  return /mqttjs/.test(process.env.DEBUG ?? '')
}

/** Discards mqtt.js's trace calls without touching their arguments. */
function noTrace(): void {}
