/**
 * OPEL escalation (issue 7): pure level functions shared by hospital and region mode, the admission
 * trend, and (hospital mode) the monitor that watches the twin and raises alarms on level changes.
 */
export {
  MAX_REASON_LENGTH,
  OPEL1_REASON,
  UNIT_TYPE_LABELS,
  escalationOf,
  formatFigure,
  hospitalEscalation,
  indicatorsOf,
  lowestPpe,
  percentOf,
  unitEscalation,
  type EscalationFinding,
  type EscalationIndicators,
  type EscalationResult,
  type ScopeEscalationOptions,
} from './escalation.js'
export { AdmissionTrend, trendPercent } from './trend.js'
export {
  DEFAULT_EVALUATE_DEBOUNCE_MS,
  DEFAULT_EVALUATE_PERIOD_MS,
  ESCALATION_ALARM_PRIORITY,
  EscalationMonitor,
  type EscalationChange,
  type EscalationMonitorComponents,
  type EscalationMonitorInit,
  type HospitalEscalationView,
  type ScopeEscalation,
} from './monitor.js'
export { registerEscalationRoutes } from './routes.js'
