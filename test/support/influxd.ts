/**
 * Starts a real InfluxDB 1.x (Debian's /usr/bin/influxd) on free loopback ports with its own
 * temporary meta/data/wal folders, for tests. `stop()` and `restart()` simulate an outage on the same
 * ports and data (issue 5 "Faults"); `close()` stops it and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.js'
import { killWithParent, stopChild } from './process.js'

/** Path of the server binary; Debian's `influxdb` package installs it here. */
export const INFLUXD_BIN = process.env.INFLUXD_BIN ?? '/usr/bin/influxd'

/** Options of {@link startInfluxd}; every field is optional. */
export interface InfluxdInit {
  /** Time to wait for `/ping` to answer, ms (influxd answers in ~0.1 s here; a loaded CI box needs more). */
  startTimeoutMs?: number
  /** Time to wait after SIGTERM before SIGKILL, ms. */
  stopTimeoutMs?: number
  /** Continuous queries run by the server (default true: the store creates some and tests may inspect them). */
  continuousQueries?: boolean
}

/** A running (or stopped, between `stop()` and `restart()`) influxd. */
export interface InfluxdServer {
  /** `http://127.0.0.1:PORT` */
  url: string
  httpPort: number
  /** The RPC (backup/restore) port; bound on loopback so parallel instances never clash on 8088. */
  rpcPort: number
  /** Temp folder holding meta/, data/, wal/ and the config file. */
  dir: string
  /** Process id of the current server process (-1 while stopped). */
  readonly pid: number
  /** True between a successful start and `stop()`. */
  readonly running: boolean
  /** Stops the process (SIGTERM, then SIGKILL after the timeout) and waits for it to exit; keeps the data. */
  stop(): Promise<void>
  /** Starts it again on the same ports and data (stops it first when running); resolves once `/ping` answers. */
  restart(): Promise<void>
  /** Stops it and removes its folder. */
  close(): Promise<void>
}

function configText(dir: string, httpPort: number, rpcPort: number, cq: boolean): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '  logging-enabled = false',
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[subscriber]',
    '  enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '  pprof-enabled = false',
    '[continuous_queries]',
    `  enabled = ${cq}`,
    '  log-enabled = false',
    '[logging]',
    '  level = "warn"',
    '  suppress-logo = true',
    '',
  ].join('\n')
}

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) })
    await res.arrayBuffer()
    return res.status === 204
  } catch {
    return false
  }
}

function spawnInfluxd(config: string): { child: ChildProcess; exitedEarly: Promise<never> } {
  const child = spawn(INFLUXD_BIN, ['run', '-config', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  killWithParent(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const exitedEarly = new Promise<never>((_, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => reject(new Error(`influxd exited (${code ?? signal}): ${stderr.trim()}`)))
  })
  exitedEarly.catch(() => undefined)
  return { child, exitedEarly }
}

async function waitForPing(url: string, timeoutMs: number, exitedEarly: Promise<never>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const poll = (async () => {
    while (!(await ping(url))) {
      if (Date.now() > deadline) throw new Error(`influxd at ${url} did not answer /ping within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  await Promise.race([poll, exitedEarly])
}

/**
 * Starts influxd on two free 127.0.0.1 ports (HTTP and RPC) and resolves once `/ping` answers 204.
 * Retries with other ports when a chosen one was taken in between (up to 3 attempts).
 */
export async function startInfluxd(init: InfluxdInit = {}): Promise<InfluxdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-influxd-'))
  const config = join(dir, 'influxdb.conf')
  const startTimeoutMs = init.startTimeoutMs ?? 20_000
  const stopTimeoutMs = init.stopTimeoutMs ?? 10_000
  let child: ChildProcess | undefined
  let httpPort = 0
  let rpcPort = 0

  const launch = async (): Promise<void> => {
    const started = spawnInfluxd(config)
    child = started.child
    try {
      await waitForPing(`http://127.0.0.1:${httpPort}`, startTimeoutMs, started.exitedEarly)
    } catch (err) {
      await stopChild(started.child, 1_000)
      child = undefined
      throw err
    }
  }

  let lastError: unknown
  for (let attempt = 0; attempt < 3 && child === undefined; attempt++) {
    httpPort = await freePort()
    rpcPort = await freePort()
    await writeFile(config, configText(dir, httpPort, rpcPort, init.continuousQueries ?? true))
    try {
      await launch()
    } catch (err) {
      lastError = err
    }
  }
  if (child === undefined) {
    await rm(dir, { recursive: true, force: true })
    throw lastError
  }

  const stop = async (): Promise<void> => {
    const current = child
    child = undefined
    if (current !== undefined) await stopChild(current, stopTimeoutMs)
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    rpcPort,
    dir,
    get pid() {
      return child?.pid ?? -1
    },
    get running() {
      return child !== undefined
    },
    stop,
    restart: async () => {
      await stop()
      await launch()
    },
    close: async () => {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
