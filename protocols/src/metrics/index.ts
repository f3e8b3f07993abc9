// Public surface of the metric catalogue (DESIGN.md "Package contracts": name, UCUM unit, MDC code,
// data type, resource class).
export { METRICS, getMetric, isKnownMetric, metricsOfKind } from './catalogue.js'
export { UCUM_UNITS, isKnownUcumUnit } from './ucum.js'
export { MDC } from './mdc.js'
export type { MdcCode, MetricDefinition } from './types.js'
export { VENTILATOR_ALARMS, VENTILATOR_MODES, POWER_SOURCES } from './ventilator.js'
export {
  PPE_GTIN_COUNTERS,
  PATIENT_FLOW_MEASURES,
  ppeMetricName,
  parsePpeMetricName,
  patientFlowMetricName,
  type PpeGtinCounter,
  type PatientFlowMeasure,
} from './names.js'
