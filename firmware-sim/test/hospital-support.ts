/** Shared set-up of the hospital-model tests: the example registry and scenarios on a manual clock. */
import { readFileSync } from 'node:fs'
import { type Hospital, parseRegistry, parseScenario, type Registry, type Scenario, type ScenarioInput } from '@rhn/protocols'
import { ManualClock } from '../src/clock.js'
import { type AdtEvent, HospitalModel, type HospitalModelInit, SimComponent } from '../src/hospital/index.js'

const examples = new URL('../../protocols/examples/', import.meta.url)

/** The North region registry (RXA, RXB, RXC). */
export const registry: Registry = parseRegistry(readFileSync(new URL('region-north.yaml', examples), 'utf8'))

/** An example scenario by file name, e.g. `winter-surge`. */
export function exampleScenario(name: string): Scenario {
  return parseScenario(readFileSync(new URL(`${name}.yaml`, examples), 'utf8'))
}

/** The winter-surge scenario with some fields replaced (re-validated, so defaults still apply). */
export function scenarioWith(overrides: Partial<ScenarioInput>): Scenario {
  const base = exampleScenario('winter-surge')
  return parseScenario(JSON.stringify({ ...base, ...overrides }))
}

/** A hospital of the registry. */
export function hospital(id: string): Hospital {
  const h = registry.hospitals.find((x) => x.id === id)
  if (h === undefined) throw new Error(`no hospital ${id}`)
  return h
}

/** One simulated hospital with every registry component simulated, on a fresh manual clock. */
export interface Rig {
  clock: ManualClock
  model: HospitalModel
  components: Map<string, SimComponent>
  events: AdtEvent[]
}

/** Tests fast-forward whole days: one ventilator sample per virtual minute is plenty. */
const FAST: HospitalModelInit = { ventilatorSampleMs: 60_000 }

/** Builds (not starts) a model of `hospitalId` under `scenario`, recording its ADT events. */
export function rig(hospitalId: string, scenario: Scenario, seed = scenario.seed, init: HospitalModelInit = FAST): Rig {
  const clock = new ManualClock(Date.parse(scenario.startTime))
  const h = hospital(hospitalId)
  const components = new Map<string, SimComponent>()
  for (const u of h.units) for (const s of u.sections) for (const c of s.components) components.set(c.id, new SimComponent(c, clock))
  const model = new HospitalModel({ hospital: h, scenario, clock, seed, components }, init)
  const events: AdtEvent[] = []
  model.onAdt((e) => events.push(e))
  return { clock, model, components, events }
}

export const HOUR_MS = 3_600_000
