/**
 * Starts a real VictoriaMetrics (Debian's /usr/bin/victoria-metrics) on a free loopback port with its
 * own temporary storage folder: a server that speaks the InfluxDB v2 write protocol (`/api/v2/write`),
 * so the store's optional v2 write path is tested against a real peer, not a mock (issue 5 "Storage").
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.js'
import { killWithParent, stopChild } from './process.js'

/** Path of the server binary; Debian's `victoria-metrics` package installs it here. */
export const VICTORIA_METRICS_BIN = process.env.VICTORIA_METRICS_BIN ?? '/usr/bin/victoria-metrics'

/** Options of {@link startVictoriaMetrics}; every field is optional. */
export interface VictoriaMetricsInit {
  /** Time to wait for `/health` to answer, ms. */
  startTimeoutMs?: number
  /** Time to wait after SIGTERM before SIGKILL, ms. */
  stopTimeoutMs?: number
}

/** A running VictoriaMetrics. */
export interface VictoriaMetricsServer {
  /** `http://127.0.0.1:PORT` */
  url: string
  port: number
  pid: number
  /**
   * Makes every sample written so far visible to queries (`/internal/force_flush`); without it
   * VictoriaMetrics shows fresh samples after ~10 s.
   */
  flush(): Promise<void>
  /** Stops it (SIGTERM, then SIGKILL) and removes its storage folder. */
  stop(): Promise<void>
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

/** Starts VictoriaMetrics on a free 127.0.0.1 port and resolves once `/health` answers. */
export async function startVictoriaMetrics(init: VictoriaMetricsInit = {}): Promise<VictoriaMetricsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-victoria-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(
    VICTORIA_METRICS_BIN,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}`,
      // Points written by a test are queried a moment later: make them visible at once (default 30 s).
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
      // Tests write points near "now" but may reach back days: keep everything the default month.
      '-retentionPeriod=1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  killWithParent(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const exitedEarly = new Promise<never>((_, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => reject(new Error(`victoria-metrics exited (${code ?? signal}): ${stderr.trim()}`)))
  })
  exitedEarly.catch(() => undefined)
  const deadline = Date.now() + (init.startTimeoutMs ?? 20_000)
  try {
    await Promise.race([
      exitedEarly,
      (async () => {
        while (!(await healthy(url))) {
          if (Date.now() > deadline) throw new Error(`victoria-metrics at ${url} did not become healthy`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      })(),
    ])
  } catch (err) {
    await stopChild(child, 1_000)
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  const stopTimeoutMs = init.stopTimeoutMs ?? 10_000
  return {
    url,
    port,
    pid: child.pid ?? -1,
    flush: async () => {
      const res = await fetch(`${url}/internal/force_flush`)
      await res.arrayBuffer()
      if (!res.ok) throw new Error(`victoria-metrics force_flush answered HTTP ${res.status}`)
    },
    stop: async () => {
      await stopChild(child, stopTimeoutMs)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
