/** The live twin of a hospital (issue 5 "The twin"). */
export type { Alarm, AlarmPriority, AlarmState, AssetView, CurrentValue, Rollup, TwinEvent, TwinNode, TwinView } from './types.js'
export {
  Twin,
  DEFAULT_STALE_AFTER_INTERVALS,
  DEFAULT_STALE_CHECK_MS,
  UNASSIGNED_PRIORITY,
  type TwinInit,
  type TwinLogger,
  type TwinTimers,
} from './twin.js'
export { DEFAULT_MAX_CLEARED_ALARMS, type AlarmFilter } from './alarms.js'
export { DAY_MS, DEFAULT_BURN_WINDOW_MS, BURN_BUCKET_MS, MIN_BURN_SPAN_MS, BurnTracker } from './burn.js'
export { DEVICE_ALARM_PRIORITY, DEFAULT_DEVICE_ALARM_PRIORITY, BED_EXIT_PRIORITY, PPE_REORDER_PRIORITY, type AlarmRule } from './signals.js'
export { OFFLINE_PRIORITY, VENTILATOR_OFFLINE_PRIORITY } from './liveness.js'
export { UNASSIGNED } from './state.js'
export { UNASSIGNED_EXPECTED_INTERVAL_S, unassignedId } from './model.js'
