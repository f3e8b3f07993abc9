import type { Component, Registry, Scenario } from '@rhn/protocols'
import { indexRegistry, RhnError } from '@rhn/protocols'
import type { Endpoint } from './devices/types.js'

/** Where the simulation listens and what each endpoint serves; what `rhn-sim list` prints. */
export interface SimulationPlan {
  endpoints: Endpoint[]
  /** Every simulated component, by id. */
  components: Map<string, Component>
}

/** Options for {@link planSimulation}. */
export interface PlanInit {
  /** First port; endpoints count up from it (scenario `basePort` by default). 0 = every listener takes a free port. */
  basePort?: number
  /** Loopback address devices listen on (default 127.0.0.1: the simulator never listens beyond this machine). */
  host?: string
}

/** An error in a scenario that only shows against the registry (unknown hospital or device). */
export class SimScenarioError extends RhnError {
  constructor(message: string) {
    super('RHN_SIM_SCENARIO_INVALID', message)
  }
}

/**
 * Lays out the endpoints of a scenario, in a stable order so ports are the same on every run:
 * per hospital an OPC UA server for its OPC UA ventilators, per ward section a Modbus TCP bed
 * controller and a Modbus TCP ventilator converter, an LLRP reader per PPE cabinet, and the ADT
 * feed's MLLP target. Throws {@link SimScenarioError} naming every reference the registry lacks.
 */
export function planSimulation(registry: Registry, scenario: Scenario, init: PlanInit = {}): SimulationPlan {
  const host = init.host ?? '127.0.0.1'
  const index = indexRegistry(registry)
  checkReferences(scenario, index)
  let next = init.basePort ?? scenario.basePort
  const takePort = (): number => (next === 0 ? 0 : next++)
  const endpoints: Endpoint[] = []
  const components = new Map<string, Component>()

  for (const hospitalId of scenario.hospitals) {
    const hospital = index.hospital(hospitalId)!
    const all = hospital.units.flatMap((u) => u.sections.flatMap((s) => s.components))
    for (const c of all) components.set(c.id, c)

    const opcua = all.filter((c) => c.kind === 'ventilator' && c.binding.protocol === 'opcua')
    if (opcua.length > 0) {
      const port = takePort()
      endpoints.push({ id: `${hospitalId}/opcua`, hospitalId, protocol: 'opcua', kind: 'OPC UA ventilator server', host, port, address: `opc.tcp://${host}:${port}/rhn/${hospitalId}`, components: opcua.map((c) => ({ id: c.id })) })
    }
    for (const unit of hospital.units) {
      for (const section of unit.sections) {
        const modbus = (kind: Component['kind']): Component[] => section.components.filter((c) => c.kind === kind && c.binding.protocol === 'modbus')
        const beds = modbus('bed')
        if (beds.length > 0) {
          const port = takePort()
          endpoints.push({ id: `${section.id}/beds`, hospitalId, protocol: 'modbus', kind: 'Modbus TCP bed controller', host, port, address: `modbus://${host}:${port}`, components: beds.map((c, i) => ({ id: c.id, unitId: c.binding.unitId ?? i + 1 })) })
        }
        const vents = modbus('ventilator')
        if (vents.length > 0) {
          const port = takePort()
          endpoints.push({ id: `${section.id}/ventilators`, hospitalId, protocol: 'modbus', kind: 'Modbus TCP ventilator converter', host, port, address: `modbus://${host}:${port}`, components: vents.map((c, i) => ({ id: c.id, unitId: c.binding.unitId ?? i + 1 })) })
        }
        for (const cabinet of section.components.filter((c) => c.kind === 'ppe-cabinet')) {
          const port = takePort()
          endpoints.push({ id: cabinet.id, hospitalId, protocol: 'llrp', kind: 'LLRP RFID PPE cabinet reader', host, port, address: `llrp://${host}:${port}`, components: [{ id: cabinet.id }] })
        }
      }
    }
    const feed = all.find((c) => c.kind === 'patient-flow')
    const target = scenario.hl7.targets[hospitalId]
    if (feed !== undefined && target !== undefined) {
      endpoints.push({ id: `${hospitalId}/adt`, hospitalId, protocol: 'hl7-mllp', kind: 'HL7 v2 ADT feed (sends to)', host: target.host, port: target.port, address: `mllp://${target.host}:${target.port}`, components: [{ id: feed.id }] })
    }
  }
  return { endpoints, components }
}

function checkReferences(scenario: Scenario, index: ReturnType<typeof indexRegistry>): void {
  const problems: string[] = []
  for (const h of scenario.hospitals) if (index.hospital(h) === undefined) problems.push(`hospitals: "${h}" is not in the registry (it has ${index.registry.hospitals.map((x) => x.id).join(', ')})`)
  const inScenario = (id: string): boolean => {
    const c = index.component(id)
    return c !== undefined && scenario.hospitals.includes(c.hospitalId)
  }
  scenario.faults.forEach((f, i) => {
    const device = 'device' in f ? f.device : undefined
    if (device !== undefined && !inScenario(device)) problems.push(`faults[${i}].device: "${device}" is not a component of the simulated hospitals`)
    if (f.type === 'sensor-stuck' || f.type === 'alarm-burst') {
      const kind = index.component(f.device)?.kind
      if (f.type === 'alarm-burst' && kind !== undefined && kind !== 'ventilator') problems.push(`faults[${i}].device: alarm-burst needs a ventilator, "${f.device}" is a ${kind}`)
    }
  })
  scenario.deliveries.forEach((d, i) => {
    if (d.cabinet !== undefined && index.component(d.cabinet)?.kind !== 'ppe-cabinet') problems.push(`deliveries[${i}].cabinet: "${d.cabinet}" is not a PPE cabinet of the registry`)
  })
  if (problems.length > 0) throw new SimScenarioError(`scenario ${scenario.name} does not match the registry:\n  ${problems.join('\n  ')}`)
}
