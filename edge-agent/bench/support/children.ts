/**
 * The bench's child processes and their IPC (edge-agent/bench/throughput.ts): each phase, the simulated
 * hospital and the Sparkplug subscriber run in processes of their own, so the CPU and RSS a phase
 * reports are the agent side's alone.
 *
 * Run as a script with a role argument (`sub`, `sim`), this file serves that role: those children load
 * only what the role needs (the subscriber never loads node-opcua, the phases never load the simulator).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import { decodePayload, encodeState, parseRegistry, parseScenario } from '@rhn/protocols'

/** The primary host id the subscriber plays and the agents wait for. */
export const HOST_ID = 'bench-host'

/** A request or reply over IPC; replies carry the request's `id`. */
export type Msg = { id?: number } & Record<string, unknown>

/** A forked child: `ask` sends a message and resolves with the reply carrying its id. */
export interface Child {
  proc: ChildProcess
  ask: (msg: Msg) => Promise<Msg>
  exited: Promise<void>
}

const SELF = fileURLToPath(import.meta.url)

/** Forks `script` (default: this file) with argument `role`. */
export function child(role: string, script = SELF): Child {
  const proc = fork(script, [role], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, (m: Msg) => void>()
  proc.on('message', (m: Msg) => waiting.get(m.id ?? -1)?.(m))
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  let next = 0
  const ask = (msg: Msg): Promise<Msg> =>
    new Promise((resolve, reject) => {
      const id = ++next
      waiting.set(id, resolve)
      proc.send({ ...msg, id })
      void exited.then(() => reject(new Error(`${role} child exited before answering ${String(msg.cmd)}`)))
    })
  return { proc, ask, exited }
}

/** Serves `handler` over IPC in a child; `close` makes it answer and exit. */
export function serve(handler: (m: Msg) => Promise<Record<string, unknown>>): void {
  // A parent that dies (Ctrl-C, a timeout) must not leave simulators and brokers behind.
  process.once('disconnect', () => setTimeout(() => process.exit(0), 5_000).unref())
  process.on('message', (m: Msg) => {
    void handler(m)
      .then((reply) => process.send!({ ...reply, id: m.id }, () => m.cmd === 'close' && process.disconnect()))
      .catch((err: unknown) => {
        console.error(err)
        process.exit(1)
      })
  })
}

/** Role `sub`: a Sparkplug subscriber that plays the primary host; counts DDATA metrics and latencies. */
function subscriberRole(): void {
  let client: mqtt.MqttClient | undefined
  const s = { messages: 0, metrics: 0, historical: 0 }
  let latencies: number[] | undefined
  serve(async (m) => {
    if (m.cmd === 'connect') {
      const stateTopic = `spBv1.0/STATE/${HOST_ID}`
      client = await mqtt.connectAsync(String(m.url), { clientId: 'bench-sub', protocolVersion: 4, clean: true })
      client.on('message', (topic, payload) => {
        if (!topic.includes('/DDATA/')) return
        const now = Date.now()
        const p = decodePayload(payload)
        s.messages++
        s.metrics += p.metrics.length
        for (const metric of p.metrics) {
          if (metric.isHistorical === true) s.historical++
          else if (latencies !== undefined && metric.timestamp !== undefined) latencies.push(now - metric.timestamp)
        }
      })
      await client.subscribeAsync(String(m.topic), { qos: 1 })
      await client.publishAsync(stateTopic, Buffer.from(encodeState({ online: true, timestamp: Date.now() })), { qos: 1, retain: true })
      return {}
    }
    if (m.cmd === 'record') latencies = m.on === true ? [] : undefined
    if (m.cmd === 'stats') return { ...s, latencies: latencies?.splice(0) ?? [] }
    if (m.cmd === 'close') await client?.endAsync(true)
    return {}
  })
}

/**
 * Role `sim`: the 1,000-bed hospital at `speed`× real time; answers `start` with the agent's config
 * (firmware-sim's `edgeConfigFor` for `config`), so the agent's process never loads the simulator.
 */
function simulatorRole(): void {
  let sim: { stop(): Promise<void> } | undefined
  serve(async (m) => {
    if (m.cmd === 'start') {
      const { setWarningLogger } = await import('node-opcua')
      setWarningLogger(() => undefined) // a start-up warning for a policy the simulator does not offer
      const { Simulation, edgeConfigFor } = await import('@rhn/firmware-sim')
      const { largeHospitalRegistry, largeHospitalScenario } = await import('../../../firmware-sim/bench/large-hospital.js')
      const dataDir = mkdtempSync(join(tmpdir(), 'rhn-bench-sim-'))
      const s = new Simulation({ registry: parseRegistry(largeHospitalRegistry()), scenario: parseScenario(largeHospitalScenario(Number(m.speed))), basePort: 0, dataDir })
      sim = s
      await s.start()
      return { config: edgeConfigFor({ endpoints: s.endpoints(), components: s.components }, m.config as Parameters<typeof edgeConfigFor>[1]) }
    }
    if (m.cmd === 'close') await sim?.stop()
    return {}
  })
}

/** Runs `run` with a subscriber child connected to `url`, subscribed to `topic`. */
export async function withSubscriber<T>(url: string, topic: string, run: (ask: (m: Msg) => Promise<Msg>) => Promise<T>): Promise<T> {
  const sub = child('sub')
  try {
    await sub.ask({ cmd: 'connect', url, topic })
    return await run(sub.ask)
  } finally {
    await sub.ask({ cmd: 'close' }).catch(() => undefined)
    await sub.exited
  }
}

/** A free TCP port on loopback (the replay phase needs the broker's port before it starts). */
export { freePort } from '@rhn/test/harness'

if (process.argv[1] === SELF) {
  const role = process.argv[2]
  if (role === 'sub') subscriberRole()
  else if (role === 'sim') simulatorRole()
  else throw new Error(`bench child: unknown role ${String(role)} (expected sub or sim)`)
}
