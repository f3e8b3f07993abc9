import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseEdgeConfig, parseRegistry, parseScenario } from '@rhn/protocols'
import { stringify } from 'yaml'
import { edgeConfigFor, gatewaysOf } from '../src/edge-config.js'
import { planSimulation, SimScenarioError } from '../src/plan.js'

const examples = new URL('../../protocols/examples/', import.meta.url)
const registry = parseRegistry(readFileSync(new URL('region-north.yaml', examples), 'utf8'))
const scenarioText = readFileSync(new URL('winter-surge.yaml', examples), 'utf8')
const scenario = parseScenario(scenarioText)

describe('simulation plan', () => {
  const plan = planSimulation(registry, scenario)

  it('gives every device of the scenario an endpoint on loopback, ports counting up from basePort', () => {
    const listening = plan.endpoints.filter((e) => e.protocol !== 'hl7-mllp')
    expect(listening.map((e) => e.port)).toEqual(listening.map((_, i) => scenario.basePort + i))
    expect(listening.every((e) => e.host === '127.0.0.1')).toBe(true)
    const served = new Set(plan.endpoints.flatMap((e) => e.components.map((c) => c.id)))
    for (const c of plan.components.values()) expect(served.has(c.id), c.id).toBe(true)
  })

  it('puts one OPC UA server per hospital, a Modbus gateway per section with a unit id per bed, a reader per cabinet', () => {
    const rxa = plan.endpoints.filter((e) => e.hospitalId === 'RXA')
    expect(rxa.filter((e) => e.protocol === 'opcua').map((e) => e.address)).toEqual([`opc.tcp://127.0.0.1:${scenario.basePort}/rhn/RXA`])
    const bay = rxa.find((e) => e.id === 'rxa-icu-bay-a/beds')!
    expect(bay.components.slice(0, 3)).toEqual([
      { id: 'rxa-icu-bay-a-bed-01', unitId: 1 },
      { id: 'rxa-icu-bay-a-bed-02', unitId: 2 },
      { id: 'rxa-icu-bay-a-bed-03', unitId: 3 },
    ])
    expect(rxa.filter((e) => e.protocol === 'llrp')).toHaveLength(3)
    expect(rxa.find((e) => e.protocol === 'hl7-mllp')?.address).toBe('mllp://127.0.0.1:2575')
  })

  it('is the same on every run', () => {
    expect(planSimulation(registry, scenario).endpoints).toEqual(plan.endpoints)
  })

  it('names every scenario reference the registry lacks', () => {
    const bad = parseScenario(
      scenarioText
        .replace('hospitals: [RXA, RXB, RXC]', 'hospitals: [RXA, RXB, RXC, RXZ]')
        .replace('device: rxa-icu-bay-a-vent-04', 'device: rxa-icu-bay-a-vent-99')
        .replace('cabinet: rxb-icu-bay-a-ppe-1', 'cabinet: rxb-icu-bay-a-bed-01'),
    )
    let err: unknown
    try {
      planSimulation(registry, bad)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SimScenarioError)
    const message = (err as SimScenarioError).message
    expect((err as SimScenarioError).code).toBe('RHN_SIM_SCENARIO_INVALID')
    expect(message).toContain('hospitals: "RXZ" is not in the registry')
    expect(message).toContain('faults[0].device: "rxa-icu-bay-a-vent-99" is not a component')
    expect(message).toContain('deliveries[2].cabinet: "rxb-icu-bay-a-bed-01" is not a PPE cabinet')
  })
})

describe('edge agent config for a simulated gateway', () => {
  const plan = planSimulation(registry, scenario)

  it('reads every device bound to the gateway and nothing else, and validates against the rhn-edge schema', () => {
    for (const gateway of gatewaysOf(plan)) {
      const config = parseEdgeConfig(stringify(edgeConfigFor(plan, { gateway, mqttUrl: 'mqtt://127.0.0.1:1883' })))
      const bound = [...plan.components.values()].filter((c) => c.binding.gateway === gateway).map((c) => c.id).sort()
      const read = config.devices.flatMap((d) => (d.driver === 'modbus' ? (d.deviceIds ?? [d.id]) : [d.id])).sort()
      expect(read, gateway).toEqual(bound)
      expect(config.gateway.edgeNodeId).toBe(gateway)
    }
  })
})
