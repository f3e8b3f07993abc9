import { isAbsolute, resolve } from 'node:path'
import type { Registry, Scenario } from '@rhn/protocols'
import { indexRegistry, RhnError } from '@rhn/protocols'
import type { Logger } from 'pino'
import { type Clock, RealtimeClock } from './clock.js'
import { Hl7AdtSender } from './devices/hl7/index.js'
import { LlrpReaderServer } from './devices/llrp/index.js'
import { bedControllerServer, ventilatorConverterServer } from './devices/modbus/index.js'
import { OpcuaVentilatorServer } from './devices/opcua/index.js'
import type { Endpoint, SimServer } from './devices/types.js'
import { type FaultEvent, scheduleFaults } from './faults.js'
import { HospitalModel, type HospitalSnapshot, SimComponent } from './hospital/index.js'
import { planSimulation } from './plan.js'
import { freePort } from './ports.js'
import { createRng } from './rng.js'

/** What a simulation needs; everything else comes from the scenario. */
export interface SimulationInit {
  registry: Registry
  scenario: Scenario
  /** Overrides `scenario.seed` (`--seed`). */
  seed?: number
  /** Overrides `scenario.speed` (`--speed`), virtual seconds per real second. */
  speed?: number
  /** Overrides `scenario.basePort`; 0 = every listener on a free port (tests). */
  basePort?: number
  /** Folder relative paths in the scenario (OPC UA PKI) resolve against; default `.rhn/sim` under the working directory. */
  dataDir?: string
  /** Injected clock (tests pass a ManualClock); default a RealtimeClock at the scenario's start time and speed. */
  clock?: Clock
  logger?: Logger
}

/**
 * A running simulated region: per hospital a patient-flow model and the device servers that show its
 * state over OPC UA, Modbus TCP, LLRP and HL7 MLLP, with the scenario's faults on the virtual clock.
 */
export class Simulation {
  readonly scenario: Scenario
  readonly seed: number
  readonly clock: Clock
  readonly components = new Map<string, SimComponent>()
  readonly models = new Map<string, HospitalModel>()
  readonly servers: SimServer[] = []
  readonly adtSenders = new Map<string, Hl7AdtSender>()
  private readonly planned: Endpoint[]
  private readonly faultListeners = new Set<(e: FaultEvent) => void>()
  private cancelFaults: (() => void) | undefined
  private readonly extraClocks: Clock[] = []
  private state: 'new' | 'started' | 'stopped' = 'new'

  constructor(private readonly init: SimulationInit) {
    const { registry, scenario } = init
    this.scenario = scenario
    this.seed = init.seed ?? scenario.seed
    this.clock = init.clock ?? new RealtimeClock(Date.parse(scenario.startTime), init.speed ?? scenario.speed)
    const plan = planSimulation(registry, scenario, init.basePort === undefined ? {} : { basePort: init.basePort })
    this.planned = plan.endpoints
    for (const c of plan.components.values()) this.components.set(c.id, new SimComponent(c, this.clock))
    const index = indexRegistry(registry)
    for (const hospitalId of scenario.hospitals) {
      const hospital = index.hospital(hospitalId)!
      this.models.set(hospitalId, new HospitalModel({ hospital, scenario, clock: this.clock, seed: this.seed, components: this.components }))
    }
  }

  /** The endpoints, with the ports actually bound once started. */
  endpoints(): Endpoint[] {
    return this.servers.length > 0 ? this.servers.map((s) => s.endpoint) : this.planned
  }

  /** Hears faults as they start and end. */
  onFault(listener: (e: FaultEvent) => void): () => void {
    this.faultListeners.add(listener)
    return () => this.faultListeners.delete(listener)
  }

  /** Per-hospital counts: the truth the twin is compared against. */
  snapshots(): HospitalSnapshot[] {
    return [...this.models.values()].map((m) => m.snapshot())
  }

  /** Starts every device, then the patient flow and the faults. On a failure, stops what started and rethrows. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new RhnError('RHN_SIM_DEVICE_FAILED', `simulation already ${this.state}`)
    this.state = 'started'
    try {
      for (const endpoint of this.planned) this.servers.push(await this.createServer(endpoint))
      // Listeners start in parallel: a 1,000-bed hospital has dozens of them.
      await Promise.all(this.servers.map((s) => s.start()))
    } catch (err) {
      await this.stop()
      throw err
    }
    for (const model of this.models.values()) model.start()
    const ownServer = new Map<string, SimServer>()
    for (const s of this.servers) if (s.endpoint.components.length === 1 && s.endpoint.protocol !== 'modbus') ownServer.set(s.endpoint.components[0]!.id, s)
    this.cancelFaults = scheduleFaults(
      this.scenario.faults,
      { clock: this.clock, components: this.components, models: this.models, servers: this.servers, ownServer, adtSenders: this.adtSenders },
      (e) => {
        this.init.logger?.info({ fault: e.fault.type, phase: e.phase }, e.text)
        for (const l of this.faultListeners) l(e)
      },
    )
  }

  /** Stops faults, patient flow and every server; closes the clock. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return
    this.state = 'stopped'
    this.cancelFaults?.()
    for (const model of this.models.values()) model.stop()
    await Promise.allSettled(this.servers.map((s) => s.stop()))
    this.clock.close()
    for (const c of this.extraClocks) c.close()
  }

  /** A real-time clock (speed 1) at the same virtual "now", for device timing that follows the client's clock. */
  private realtime(): Clock {
    const c = new RealtimeClock(this.clock.now(), 1)
    this.extraClocks.push(c)
    return c
  }

  private component(id: string): SimComponent {
    return this.components.get(id)!
  }

  private async createServer(endpoint: Endpoint): Promise<SimServer> {
    const { scenario, clock } = this
    const logger = this.init.logger
    const model = this.models.get(endpoint.hospitalId)!
    switch (endpoint.protocol) {
      case 'opcua': {
        // node-opcua needs its port before it listens (the endpoint URL carries it).
        const port = endpoint.port === 0 ? await freePort(endpoint.host) : endpoint.port
        const dataDir = resolve(this.init.dataDir ?? '.rhn/sim')
        const pkiDir = isAbsolute(scenario.opcua.pkiDir) ? scenario.opcua.pkiDir : resolve(dataDir, scenario.opcua.pkiDir)
        return new OpcuaVentilatorServer({
          endpoint: { ...endpoint, port, address: `opc.tcp://${endpoint.host}:${port}/rhn/${endpoint.hospitalId}` },
          components: endpoint.components.map((c) => this.component(c.id)),
          security: {
            modes: scenario.opcua.securityModes,
            policies: simulatedPolicies(scenario.opcua.securityPolicies),
            pkiDir,
            ...(scenario.opcua.username === undefined ? {} : { username: scenario.opcua.username, password: scenario.opcua.password }),
          },
          clock,
          ...(logger === undefined ? {} : { logger: logger.child({ endpoint: endpoint.id }) }),
        })
      }
      case 'modbus': {
        const units = endpoint.components.map((c) => ({ unitId: c.unitId ?? 1, component: this.component(c.id) }))
        const init = { endpoint: { id: endpoint.id, hospitalId: endpoint.hospitalId, host: endpoint.host, port: endpoint.port }, ...(logger === undefined ? {} : { logger: logger.child({ endpoint: endpoint.id }) }) }
        return endpoint.id.endsWith('/beds') ? bedControllerServer({ ...init, beds: units }) : ventilatorConverterServer({ ...init, ventilators: units })
      }
      case 'llrp': {
        const id = endpoint.components[0]!.id
        const cabinet = model.cabinet(id)
        if (cabinet === undefined) throw new RhnError('RHN_SIM_DEVICE_FAILED', `no cabinet inventory for ${id}`)
        return new LlrpReaderServer({
          endpoint,
          component: this.component(id),
          tags: cabinet,
          // Inventory rounds follow the ROSpec the client installed, in the client's (real) time: at
          // --speed 60 a 1 s round on the virtual clock would inventory thousands of tags 60 times a
          // second. A manual clock (tests) keeps driving everything itself.
          clock: clock instanceof RealtimeClock && clock.speed !== 1 ? this.realtime() : clock,
          rng: createRng(this.seed, `${id}/reader`),
          missRate: scenario.rfid.missRate,
          ...(logger === undefined ? {} : { logger: logger.child({ endpoint: endpoint.id }) }),
        })
      }
      case 'hl7-mllp': {
        const sender = new Hl7AdtSender({
          endpoint,
          source: model,
          component: this.component(endpoint.components[0]!.id),
          clock,
          ackTimeoutMs: scenario.hl7.ackTimeoutMs,
          maxResends: scenario.hl7.maxResends,
          rng: createRng(this.seed, `${endpoint.hospitalId}/adt-feed`),
          ...(logger === undefined ? {} : { logger: logger.child({ endpoint: endpoint.id }) }),
        })
        this.adtSenders.set(endpoint.hospitalId, sender)
        return sender
      }
    }
  }
}

/** The OPC UA security policies the simulated ventilators offer (what real ventilators ship with). */
const SIMULATED_POLICIES = ['None', 'Basic256Sha256'] as const

function simulatedPolicies(policies: readonly string[]): (typeof SIMULATED_POLICIES)[number][] {
  const unsupported = policies.filter((p) => !(SIMULATED_POLICIES as readonly string[]).includes(p))
  if (unsupported.length > 0) {
    throw new RhnError('RHN_SIM_SCENARIO_INVALID', `opcua.securityPolicies: the simulator offers ${SIMULATED_POLICIES.join(' and ')}, not ${unsupported.join(', ')}`)
  }
  return policies as (typeof SIMULATED_POLICIES)[number][]
}
