/**
 * The whole RHN system in one test process (issue 7 "The whole system"): simulated hospitals on a
 * manual clock ▸ one rhn-edge per hospital ▸ real Mosquitto ▸ a hospital aggregator per hospital
 * storing to real InfluxDB and publishing capacity snapshots to its own ledger node ▸ a consortium of
 * real ledger nodes (libp2p) ▸ the regional aggregator reading confirmed transactions from one node.
 * Every layer is the real component through its public API; `stop()` closes all of it.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aggregator, RegionAggregator } from '@rhn/aggregator'
import { EdgeAgent } from '@rhn/edge-agent'
import { edgeConfigFor, gatewaysOf, ManualClock, Simulation } from '@rhn/firmware-sim'
import { type CapacitySnapshotTx, parseAggregatorConfig, parseEdgeConfig, parseRegistry, parseScenario, type Registry } from '@rhn/protocols'
import { pino } from 'pino'
import { stringify } from 'yaml'
import { type ConsortiumNode, startConsortium } from './consortium.js'
import { type InfluxdServer, startInfluxd } from './influxd.js'
import { type MosquittoBroker, startMosquitto } from './mosquitto.js'
import { freePort } from './ports.js'

const REGISTRY_FILE = new URL('../../protocols/examples/region-north.yaml', import.meta.url).pathname
/** A token every aggregator of the system accepts (engineer role). */
export const SYSTEM_TOKEN = 'e2e-system-engineer-token-0123456789'

/** What `startSystem` needs. */
export interface SystemInit {
  /** Simulated hospitals (each gets an agent, an aggregator and a ledger node). */
  hospitals: string[]
  /** Extra consortium members without a simulated hospital (default none); the region reads the first member's node. */
  extraMembers?: string[]
  /** Members whose ledger node runs as an `rhn-ledger run` child process, so a test can kill -9 it. */
  childProcessNodes?: string[]
  /**
   * Scenario admissions per hour per hospital (default 240: a few per virtual minute). The test drives
   * a manual clock, and a virtual minute of a whole hospital's devices costs seconds of CPU to simulate,
   * so a high rate shows changes within few simulated minutes.
   */
  admissionsPerHour?: number
  /** Hospital aggregators' snapshot minimum interval, ms (default 200). */
  snapshotMinIntervalMs?: number
  /**
   * Run the ledger link as shipped: the config defaults for the hospitals' `snapshotPeriodS` and
   * `minIntervalMs` and the region's `pollMs` (60 s, 500 ms, 500 ms) instead of the test's faster
   * 5 s, `snapshotMinIntervalMs` and 200 ms (the region latency bench, issue 7 "Speed"). Default false.
   */
  configDefaults?: boolean
}

/** The running system and its parts. */
export interface RhnSystem {
  dir: string
  registry: Registry
  clock: ManualClock
  sim: Simulation
  broker: MosquittoBroker
  influxd: InfluxdServer
  ledger: Map<string, ConsortiumNode>
  /** Agents by gateway id. */
  agents: Map<string, EdgeAgent>
  aggregators: Map<string, Aggregator>
  region: RegionAggregator
  /** The ledger node the region reads (the last consortium member's). */
  regionNode: ConsortiumNode
  /** Occupied beds per layer for one hospital: simulator, hospital twin, last confirmed snapshot, region view. */
  bedsOccupied(hospital: string): Promise<{ simulator: number; twin: number | undefined; ledger: number | undefined; region: number | undefined }>
  stop(): Promise<void>
}

const quiet = () => pino({ level: process.env.RHN_TEST_LOG ?? 'silent' })

/** Starts every layer (bottom up) and resolves once each has started; the caller waits for data. */
export async function startSystem(init: SystemInit): Promise<RhnSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'rhn-e2e-system-'))
  const registry = parseRegistry(readFileSync(REGISTRY_FILE, 'utf8'), REGISTRY_FILE)
  const started: Array<[string, () => Promise<void>]> = []
  const stop = async (): Promise<void> => {
    for (const [name, close] of started.reverse()) {
      const t0 = Date.now()
      await close().catch(() => undefined)
      if (process.env.RHN_TEST_LOG !== undefined) console.log(`stopped ${name} in ${Date.now() - t0} ms`)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const broker = await startMosquitto()
    started.push(['broker', () => broker.stop()])
    const influxd = await startInfluxd()
    started.push(['influxd', () => influxd.stop()])
    const members = [...init.hospitals, ...(init.extraMembers ?? [])]
    const nodes = await startConsortium({ members, dir: join(dir, 'ledger'), childProcess: init.childProcessNodes ?? [] })
    started.push(['ledger nodes', async () => void (await Promise.all(nodes.map((n) => n.stop())))])
    const ledger = new Map(nodes.map((n) => [n.member, n]))

    // The simulator sends ADT to each agent's MLLP listener: the ports are the agents', chosen first.
    const adtPorts = new Map(await Promise.all(init.hospitals.map(async (h) => [h, await freePort()] as const)))
    const scenario = parseScenario(
      stringify({
        name: 'e2e-system',
        registry: './region-north.yaml',
        hospitals: init.hospitals,
        seed: 7,
        // Virtual time starts now, so device timestamps fall inside InfluxDB's retention.
        startTime: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
        speed: 60,
        surge: [{ atHours: 0, admissionsPerHour: init.admissionsPerHour ?? 240 }],
        hl7: { targets: Object.fromEntries(init.hospitals.map((h) => [h, { host: '127.0.0.1', port: adtPorts.get(h)! }])) },
        opcua: { securityModes: ['None'], securityPolicies: ['None'] },
      }),
    )
    const clock = new ManualClock(Date.parse(scenario.startTime), 1)
    const sim = new Simulation({ registry, scenario, basePort: 0, dataDir: join(dir, 'sim'), clock })
    await sim.start()
    started.push(['simulator', () => sim.stop()])

    const source = { endpoints: sim.endpoints(), components: sim.components }
    const agents = new Map<string, EdgeAgent>()
    const aggregators = new Map<string, Aggregator>()
    for (const h of init.hospitals) {
      const hostId = `rhn-aggregator-${h.toLowerCase()}`
      // One agent per gateway: the aggregator finds a device by (edge node, device id) in the registry.
      for (const gateway of gatewaysOf(source).filter((g) => [...sim.components.values()].some((c) => c.binding.gateway === g && c.hospitalId === h))) {
        const state = join(dir, 'agents', gateway)
        mkdirSync(state, { recursive: true })
        writeFileSync(join(state, 'adt-hmac.key'), randomBytes(32))
        const edge = parseEdgeConfig(stringify({ ...edgeConfigFor(source, { gateway, mqttUrl: broker.url, stateDir: state, primaryHostId: hostId }), rbe: { maxSilenceMs: 0 } }))
        const agent = new EdgeAgent({ config: edge, baseDir: state, logger: quiet() })
        await agent.start()
        agents.set(gateway, agent)
        started.push([`agent ${gateway}`, () => agent.stop()])
      }

      const aggDir = join(dir, 'aggregators', h)
      mkdirSync(aggDir, { recursive: true })
      writeFileSync(join(aggDir, 'patient.key'), randomBytes(32))
      const node = ledger.get(h)!
      const config = parseAggregatorConfig(
        stringify({
          mode: 'hospital',
          hospitalId: h,
          registry: REGISTRY_FILE,
          mqtt: { url: broker.url, clientId: hostId, reconnect: { minMs: 100, maxMs: 1_000 } },
          sparkplug: { hostId, groups: [h] },
          store: { type: 'influxdb', url: influxd.url, database: `rhn_${h.toLowerCase()}`, flushIntervalMs: 100 },
          api: { host: '127.0.0.1', port: 0, tokens: [{ name: 'E2E engineer', token: SYSTEM_TOKEN, role: 'engineer' }] },
          ledger: {
            nodeUrl: node.url,
            tokenFile: node.tokenFile,
            patientKeyFile: './patient.key',
            ...(init.configDefaults === true ? {} : { snapshotPeriodS: 5, minIntervalMs: init.snapshotMinIntervalMs ?? 200 }),
          },
        }),
      )
      const agg = new Aggregator({ config, baseDir: aggDir, logger: quiet(), ledger: { retryInitialMs: 100, retryMaxMs: 1_000 } })
      await agg.start()
      aggregators.set(h, agg)
      started.push([`aggregator ${h}`, () => agg.stop()])
    }

    const regionDir = join(dir, 'region')
    mkdirSync(regionDir, { recursive: true })
    const regionConfig = parseAggregatorConfig(
      stringify({
        mode: 'region',
        regionId: registry.region.id,
        registry: REGISTRY_FILE,
        store: { type: 'sqlite', path: './region.sqlite' },
        api: { host: '127.0.0.1', port: 0, tokens: [{ name: 'E2E operations', token: SYSTEM_TOKEN, role: 'engineer' }] },
        ledger: { nodeUrl: nodes[nodes.length - 1]!.url, ...(init.configDefaults === true ? {} : { pollMs: 200 }) },
      }),
    )
    const region = new RegionAggregator({ config: regionConfig, baseDir: regionDir, logger: quiet(), solveDebounceMs: 200 })
    await region.start()
    started.push(['region', () => region.stop()])

    const bedsOccupied: RhnSystem['bedsOccupied'] = async (hospital) => {
      const simulator = sim.snapshots().find((s) => s.hospitalId === hospital)!.units.reduce((n, u) => n + u.beds.occupied, 0)
      const twin = aggregators.get(hospital)?.twin?.capacity('hospital', hospital)?.beds.occupied
      const latest = await lastConfirmedSnapshot(nodes[nodes.length - 1]!, hospital)
      const ledgerBeds = latest?.units.reduce((n, u) => n + u.beds.occupied, 0)
      const regionBeds = region.twin?.hospital(hospital)?.beds.occupied
      return { simulator, twin, ledger: ledgerBeds, region: regionBeds }
    }
    return { dir, registry, clock, sim, broker, influxd, ledger, agents, aggregators, region, regionNode: nodes[nodes.length - 1]!, bedsOccupied, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** The newest confirmed capacity snapshot of `hospital` that `node` holds (paging its whole feed: tests only). */
export async function lastConfirmedSnapshot(node: ConsortiumNode, hospital: string): Promise<CapacitySnapshotTx | undefined> {
  let found: CapacitySnapshotTx | undefined
  for (let after = 0; ; ) {
    const page = await node.client.confirmed(after, 10_000)
    for (const item of page.items) if (item.tx.kind === 'capacity-snapshot' && item.tx.hospital === hospital && (found === undefined || item.tx.takenAt >= found.takenAt)) found = item.tx
    if (page.items.length === 0 || page.next === after) return found
    after = page.next
  }
}
