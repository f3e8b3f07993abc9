/**
 * `@rhn/firmware-sim` — simulated hospitals that speak the real device protocols on loopback,
 * driven by a scenario (layout from the registry, seed, surge curve, faults).
 */
export { Simulation, type SimulationInit } from './simulation.js'
export { planSimulation, SimScenarioError, type SimulationPlan, type PlanInit } from './plan.js'
export { formatEndpointTable } from './table.js'
export { edgeConfigFor, gatewaysOf, type EdgeConfigInit, type EdgeConfigSource } from './edge-config.js'
export { scheduleFaults, describeFault, type FaultEvent, type FaultTargets } from './faults.js'
export { type Clock, type TimerHandle, RealtimeClock, ManualClock } from './clock.js'
export { createRng, type Rng } from './rng.js'
export { freePort } from './ports.js'
export { routeOpcuaWarnings } from './opcua-warnings.js'
export type { Endpoint, SimServer, NetworkState } from './devices/types.js'
export {
  SimComponent,
  HospitalModel,
  CabinetInventory,
  VentilatorDynamics,
  decodeSgtin96,
  encodeSgtin96,
  isValidNhsNumber,
  type AdtEvent,
  type HospitalSnapshot,
  type UnitSnapshot,
  type MetricValue,
  type TimedValue,
} from './hospital/index.js'
export { OpcuaVentilatorServer, type OpcuaVentilatorServerInit } from './devices/opcua/index.js'
export { ModbusGatewayServer, bedControllerServer, ventilatorConverterServer, MISBEHAVIOURS, type Misbehaviour } from './devices/modbus/index.js'
export { LlrpReaderServer, type TagSource, type TagItem } from './devices/llrp/index.js'
export { Hl7AdtSender, buildAdtMessage, MALFORMED_KINDS, type Hl7AdtSenderCounters } from './devices/hl7/index.js'
