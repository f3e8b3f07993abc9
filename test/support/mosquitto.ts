/**
 * Starts a real Mosquitto broker (Debian's /usr/sbin/mosquitto) on a free loopback port with its
 * own temporary config, for tests. Every broker started here is stopped by `stop()`, which leaves no
 * process and no temp files behind.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForPort } from './ports.js'
import { killWithParent, stopChild } from './process.js'

/** Path of the broker binary; Debian's `mosquitto` package installs it here. */
export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto'

/** Options of {@link startMosquitto}; every field is optional. */
export interface MosquittoInit {
  /**
   * Per-client queue of QoS 1/2 messages beyond the inflight window. Mosquitto's default (1000)
   * silently drops messages for a slow subscriber (STACK.md), so it is set explicitly: 10,000 lets
   * a test burst through without drops while still bounding memory.
   */
  maxQueuedMessages?: number
  /** QoS 1/2 messages in flight per client; 20 is Mosquitto's default, stated so it is a decision. */
  maxInflightMessages?: number
  /**
   * Listen on this port instead of a free one: a test restarts a stopped broker on the port its
   * clients know (an outage). No retry with another port when it is taken.
   */
  port?: number
  /**
   * Serve MQTT over TLS with these PEM files (readable by the `mosquitto` user, which the broker
   * drops to when started as root); `requireCertificate` makes it mutual TLS. `url` is then `mqtts://`.
   */
  tls?: { cafile: string; certfile: string; keyfile: string; requireCertificate?: boolean }
  /** Time to wait for the port to accept connections, ms. */
  startTimeoutMs?: number
  /** Time to wait after SIGTERM before SIGKILL, ms. */
  stopTimeoutMs?: number
}

/** A running broker. */
export interface MosquittoBroker {
  /** `mqtt://127.0.0.1:PORT` (`mqtts://` with `tls`) */
  url: string
  port: number
  /** Process id of the broker, so a test can prove it is gone after `stop()`. */
  pid: number
  /** Stops the broker (SIGTERM, then SIGKILL after the timeout) and removes its temp dir. */
  stop(): Promise<void>
}

async function startOnce(init: MosquittoInit, dir: string): Promise<MosquittoBroker> {
  const port = init.port ?? (await freePort())
  const config = join(dir, 'mosquitto.conf')
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      ...(init.tls === undefined
        ? []
        : [
            `cafile ${init.tls.cafile}`,
            `certfile ${init.tls.certfile}`,
            `keyfile ${init.tls.keyfile}`,
            `require_certificate ${init.tls.requireCertificate === true}`,
          ]),
      'allow_anonymous true',
      'persistence false',
      `max_queued_messages ${init.maxQueuedMessages ?? 10_000}`,
      `max_inflight_messages ${init.maxInflightMessages ?? 20}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  )
  const child = spawn(MOSQUITTO_BIN, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  killWithParent(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => reject(new Error(`mosquitto exited early (${code ?? signal}): ${stderr.trim()}`)))
  })
  spawnFailed.catch(() => undefined)
  try {
    await Promise.race([waitForPort(port, init.startTimeoutMs ?? 10_000), spawnFailed])
  } catch (err) {
    await stopChild(child, 1_000)
    throw err
  }
  const stopTimeoutMs = init.stopTimeoutMs ?? 5_000
  const scheme = init.tls === undefined ? 'mqtt' : 'mqtts'
  return { url: `${scheme}://127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop: () => stopChild(child, stopTimeoutMs) }
}

/**
 * Starts Mosquitto on a free 127.0.0.1 port and resolves once the port accepts connections.
 * Retries with another port when the chosen one was taken in between (up to 3 attempts), unless
 * `init.port` fixes it (one attempt: a restart after `stop()` keeps the port its clients know).
 */
export async function startMosquitto(init: MosquittoInit = {}): Promise<MosquittoBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-mosquitto-'))
  let lastError: unknown
  for (let attempt = 0; attempt < (init.port === undefined ? 3 : 1); attempt++) {
    try {
      const broker = await startOnce(init, dir)
      return {
        ...broker,
        stop: async () => {
          await broker.stop()
          await rm(dir, { recursive: true, force: true })
        },
      }
    } catch (err) {
      lastError = err
    }
  }
  await rm(dir, { recursive: true, force: true })
  throw lastError
}
