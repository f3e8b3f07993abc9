/**
 * The hospital model and device dynamics: the ground truth every simulated device serves.
 * Protocol servers read {@link SimComponent}s; the HL7 sender listens to {@link HospitalModel.onAdt};
 * the LLRP reader reads {@link CabinetInventory.items}; fault injection drives {@link VentilatorDynamics}.
 */
export { SimComponent, type MetricValue, type TimedValue, type ChangeListener, type Reachability } from './component.js'
export { HospitalModel } from './model.js'
export type {
  AdtEvent,
  AdtEventType,
  AdtListener,
  AdministrativeSex,
  Condition,
  HospitalModelComponents,
  HospitalModelInit,
  HospitalSnapshot,
  PatientClass,
  SyntheticAddress,
  SyntheticPatient,
  UnitSnapshot,
} from './types.js'
export {
  CabinetInventory,
  DEFAULT_CABINET_ANTENNAS,
  type CabinetChange,
  type CabinetInventoryComponents,
  type CabinetInventoryInit,
  type CabinetItem,
  type CabinetListener,
} from './cabinet.js'
export { encodeSgtin96, decodeSgtin96, sgtinPartition, SGTIN96_MAX_SERIAL, type DecodedSgtin96, type EncodeSgtin96Init } from './epc.js'
export {
  VentilatorDynamics,
  DEFAULT_HIGH_PRESSURE_LIMIT,
  LOW_TIDAL_VOLUME_FRACTION,
  LOW_BATTERY_PERCENT,
  type VentilatorAlarm,
  type VentilatorDynamicsComponents,
  type VentilatorDynamicsInit,
} from './ventilator.js'
export { drawVentilation, airwayPressures, DEFAULT_SETTINGS, type VentilatorMode, type VentilatorSettings, type RespiratoryMechanics } from './ventilation.js'
export { nhsCheckDigit, isValidNhsNumber, syntheticNhsNumber, createPatient, idealBodyWeightKg } from './identity.js'
export { PLACEMENT_FALLBACK, placementChain } from './placement.js'
export { DEFAULT_PPE_STEP_MS, INITIAL_FILL } from './ppe.js'
