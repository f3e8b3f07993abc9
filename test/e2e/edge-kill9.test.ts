// issue 4 "It survives kill -9": the agent (the real `rhn-edge run` process) is killed with SIGKILL
// while the broker is down; a new agent process on the same outbox replays what the first had
// accepted, so every reading either process put on disk reaches the subscriber.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { parseRegistry, parseScenario } from '@rhn/protocols'
import { edgeConfigFor, Simulation } from '@rhn/firmware-sim'
import { freePort, type MosquittoBroker, SparkplugSubscriber, startMosquitto } from '@rhn/test/harness'

const cli = new URL('../../edge-agent/src/cli/rhn-edge.ts', import.meta.url).pathname
const registry = parseRegistry(readFileSync(new URL('../../protocols/examples/region-north.yaml', import.meta.url), 'utf8'))
const HOST_ID = 'rhn-aggregator-rxc'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A running `rhn-edge run`, with the readings it reported safely queued (logged after fsync). */
class AgentProcess {
  queued = 0
  readonly skips: string[] = []
  healthUrl: string | undefined
  private out = ''
  readonly exited: Promise<number | null>

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.out += d.toString()
      this.healthUrl ??= /health (http:\/\/\S+\/healthz)/.exec(this.out)?.[1]
    })
    let partial = ''
    child.stderr!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        if (line.includes('not publishable')) this.skips.push(line)
        if (!line.includes('"msg":"queued"')) continue
        this.queued += (JSON.parse(line) as { readings: number }).readings
      }
    })
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  static start(config: string): AgentProcess {
    return new AgentProcess(spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', cli, 'run', '--config', config, '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] }))
  }

  async health(): Promise<{ outbox: { pendingReadings: number }; broker: { connected: boolean } } | undefined> {
    if (this.healthUrl === undefined) return undefined
    try {
      return (await (await fetch(this.healthUrl)).json()) as never
    } catch {
      return undefined
    }
  }
}

describe('rhn-edge killed with SIGKILL during a broker outage', () => {
  let broker: MosquittoBroker
  let sim: Simulation
  let sub: SparkplugSubscriber
  const agents: AgentProcess[] = []
  const dir = mkdtempSync(join(tmpdir(), 'rhn-e2e-kill9-'))
  const configFile = join(dir, 'rhn-edge.yaml')

  beforeAll(async () => {
    broker = await startMosquitto()
    const scenario = parseScenario(`
name: e2e-kill9
registry: ./region-north.yaml
hospitals: [RXC]
seed: 5
speed: 60
opcua: { securityModes: [None], securityPolicies: [None] }
`)
    sim = new Simulation({ registry, scenario, basePort: 0, dataDir: dir })
    await sim.start()
    const config = edgeConfigFor({ endpoints: sim.endpoints(), components: sim.components }, { gateway: 'gw-rxc-crit', mqttUrl: broker.url, stateDir: join(dir, 'agent'), primaryHostId: HOST_ID, healthPort: await freePort() })
    mkdirSync(join(dir, 'agent'), { recursive: true })
    writeFileSync(join(dir, 'agent', 'adt-hmac.key'), randomBytes(32))
    writeFileSync(configFile, stringify({ ...config, rbe: { maxSilenceMs: 0 }, mqtt: { ...config.mqtt, reconnect: { minMs: 200, maxMs: 1_000 } } }))
    sub = await SparkplugSubscriber.connect(broker.url, 'RXC', HOST_ID)
  }, 60_000)

  afterAll(async () => {
    for (const a of agents) a.child.kill('SIGKILL')
    await sub?.close()
    await sim?.stop()
    await broker?.stop()
  }, 60_000)

  it('replays after restart everything the killed process had accepted', async () => {
    const first = AgentProcess.start(configFile)
    agents.push(first)
    const end = Date.now() + 60_000
    while (sub.metrics.length < 200 && Date.now() < end) await sleep(100)
    expect(sub.metrics.length).toBeGreaterThanOrEqual(200)

    const port = broker.port
    await broker.stop()
    const before = first.queued
    while (first.queued < before + 100 && Date.now() < end) await sleep(100) // readings pile up on disk
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe(null)

    const second = AgentProcess.start(configFile)
    agents.push(second)
    await sleep(1_000)
    broker = await startMosquitto({ port })
    const drainEnd = Date.now() + 60_000
    for (;;) {
      const h = await second.health()
      if (h !== undefined && h.broker.connected && h.outbox.pendingReadings === 0) break
      if (Date.now() > drainEnd) throw new Error('the restarted agent did not drain its outbox')
      await sleep(200)
    }
    // Live readings still flow through the outbox: wait (bounded) for the subscriber to catch up with
    // everything accepted so far, then assert it.
    const accepted = first.queued + second.queued
    const catchUp = Date.now() + 30_000
    while (sub.metrics.length < accepted && Date.now() < catchUp) await sleep(100)
    expect([...first.skips, ...second.skips]).toEqual([])
    expect(sub.metrics.length).toBeGreaterThanOrEqual(accepted)
    expect(sub.metrics.filter((m) => m.historical).length).toBeGreaterThan(0)

    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 150_000)
})
