import type { EdgeConfigInput } from '@rhn/protocols'
import type { Endpoint } from './devices/types.js'

/** Options for {@link edgeConfigFor}. */
export interface EdgeConfigInit {
  /** Sparkplug edge node id = the registry gateway the agent serves, e.g. `gw-rxa-crit`. */
  gateway: string
  /** Broker the agent publishes to. */
  mqttUrl: string
  /** Folder for the agent's outbox, bdSeq and keys (relative paths in the config resolve against the config file). */
  stateDir?: string
  /** Primary host application id to honour (the hospital aggregator's STATE). */
  primaryHostId?: string
  /** Health/metrics port (0 = any free port). */
  healthPort?: number
}

/**
 * An `rhn-edge` config that reads every simulated device bound to one gateway: what a facilities
 * team would write for the real devices, generated from the simulation plan so demos and end-to-end
 * tests need no hand-written configs. The ADT listener is the scenario's HL7 target for the hospital.
 */
/** The parts of a plan the config needs: endpoints (with bound ports once started) and component bindings. */
export interface EdgeConfigSource {
  endpoints: readonly Endpoint[]
  components: ReadonlyMap<string, { binding: { gateway: string }; hospitalId: string; unitId: string }>
}

export function edgeConfigFor(plan: EdgeConfigSource, init: EdgeConfigInit): EdgeConfigInput {
  const mine = (id: string): boolean => plan.components.get(id)?.binding.gateway === init.gateway
  const hospitalId = [...plan.components.values()].find((c) => c.binding.gateway === init.gateway)?.hospitalId
  if (hospitalId === undefined) throw new Error(`no simulated component is bound to gateway "${init.gateway}"`)
  const state = init.stateDir ?? `./state/${init.gateway}`
  const devices: NonNullable<EdgeConfigInput['devices']> = []
  const served = (e: Endpoint) => e.components.filter((c) => mine(c.id))
  for (const e of plan.endpoints) {
    const comps = served(e)
    if (comps.length === 0) continue
    switch (e.protocol) {
      case 'opcua':
        for (const c of comps) devices.push({ id: c.id, driver: 'opcua', endpointUrl: e.address, securityMode: 'None', securityPolicy: 'None', pkiDir: `${state}/pki`, layout: 'ventilator' })
        break
      case 'modbus':
        devices.push({
          id: e.id.replace('/', '-'),
          driver: 'modbus',
          host: e.host,
          port: e.port,
          unitIds: comps.map((c) => c.unitId ?? 1),
          deviceIds: comps.map((c) => c.id),
          map: e.id.endsWith('/beds') ? 'bed' : 'ventilator',
        })
        break
      case 'llrp':
        devices.push({ id: comps[0]!.id, driver: 'llrp', host: e.host, port: e.port })
        break
      case 'hl7-mllp': {
        const units = [...new Set([...plan.components.values()].filter((c) => c.hospitalId === e.hospitalId).map((c) => c.unitId))]
        devices.push({
          id: comps[0]!.id,
          driver: 'hl7-mllp',
          listen: { host: e.host, port: e.port },
          hmacKeyFile: `${state}/adt-hmac.key`,
          // The simulated interface engine puts the registry unit id in PV1-3.1.
          unitMap: Object.fromEntries(units.map((u) => [u, u])),
        })
        break
      }
    }
  }
  return {
    gateway: { groupId: hospitalId, edgeNodeId: init.gateway },
    mqtt: { url: init.mqttUrl, clientId: `rhn-edge-${init.gateway}` },
    sparkplug: { bdSeqFile: `${state}/bdseq`, ...(init.primaryHostId === undefined ? {} : { primaryHostId: init.primaryHostId }) },
    outbox: { dir: `${state}/outbox` },
    health: { host: '127.0.0.1', port: init.healthPort ?? 0 },
    devices,
  }
}

/** Every gateway the simulated hospitals' components are bound to, in registry order. */
export function gatewaysOf(plan: EdgeConfigSource): string[] {
  return [...new Set([...plan.components.values()].map((c) => c.binding.gateway))]
}
