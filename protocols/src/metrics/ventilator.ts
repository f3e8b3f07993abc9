import { MDC } from './mdc.js'
import type { MetricDefinition } from './types.js'

const V = ['ventilator'] as const

/** Ventilator measurements (folder `Ventilation/`), units as the MII ICU profiles use them. */
const MEASUREMENTS: readonly MetricDefinition[] = [
  { name: 'Ventilation/RespiratoryRate', kinds: V, datatype: 'Float', unit: '/min', mdc: MDC.MDC_VENT_RESP_RATE, description: 'Measured rate of mechanical ventilation.' },
  { name: 'Ventilation/TidalVolume', kinds: V, datatype: 'Float', unit: 'mL', mdc: MDC.MDC_VENT_VOL_TIDAL, description: 'Volume delivered through the patient connection per breath.' },
  { name: 'Ventilation/PEEP', kinds: V, datatype: 'Float', unit: 'cm[H2O]', mdc: MDC.MDC_VENT_PRESS_AWAY_END_EXP_POS, description: 'Positive end-expiratory pressure applied to the airway.' },
  { name: 'Ventilation/FiO2', kinds: V, datatype: 'Float', unit: '%', mdc: MDC.MDC_VENT_CONC_AWAY_O2_INSP, description: 'Inspired oxygen concentration.' },
  { name: 'Ventilation/PeakPressure', kinds: V, datatype: 'Float', unit: 'cm[H2O]', mdc: MDC.MDC_PRESS_AWAY_INSP_MAX, description: 'Peak inspiratory airway pressure.' },
  { name: 'Ventilation/PlateauPressure', kinds: V, datatype: 'Float', unit: 'cm[H2O]', mdc: MDC.MDC_PRESS_RESP_PLAT, description: 'Airway pressure in the inspiratory plateau.' },
  { name: 'Ventilation/MinuteVolume', kinds: V, datatype: 'Float', unit: 'L/min', mdc: MDC.MDC_VOL_MINUTE_AWAY, description: 'Volume of gas moved per minute.' },
  { name: 'Ventilation/IERatio', kinds: V, datatype: 'Float', unit: '1', mdc: MDC.MDC_RATIO_IE, description: 'Ratio of inspiratory to expiratory time (0.5 = 1:2).' },
]

/**
 * Operator settings (folder `Settings/`). Only the tidal-volume setting has a code confirmed by two
 * sources (MDC_VENT_VOL_TIDAL_SETTING); the others carry none rather than a guessed one.
 */
const SETTINGS: readonly MetricDefinition[] = [
  { name: 'Settings/RespiratoryRate', kinds: V, datatype: 'Float', unit: '/min', writable: true, description: 'Set mandatory breath rate.' },
  { name: 'Settings/TidalVolume', kinds: V, datatype: 'Float', unit: 'mL', mdc: MDC.MDC_VENT_VOL_TIDAL_SETTING, writable: true, description: 'Set tidal volume.' },
  { name: 'Settings/PEEP', kinds: V, datatype: 'Float', unit: 'cm[H2O]', writable: true, description: 'Set positive end-expiratory pressure.' },
  { name: 'Settings/FiO2', kinds: V, datatype: 'Float', unit: '%', writable: true, description: 'Set inspired oxygen concentration.' },
]

/** Values of `Status/OperatingMode`; `standby` means the ventilator is free (capacity, seed H2). */
export const VENTILATOR_MODES = ['standby', 'VC-CMV', 'PC-CMV', 'PSV', 'SIMV'] as const
/** Values of `Status/PowerSource`. */
export const POWER_SOURCES = ['mains', 'battery'] as const

const STATUS: readonly MetricDefinition[] = [
  { name: 'Status/OperatingMode', kinds: V, datatype: 'String', resourceClass: 'renewable', description: `Ventilation mode, one of ${VENTILATOR_MODES.join(', ')}; anything but standby counts as in use.` },
  { name: 'Status/PowerSource', kinds: V, datatype: 'String', description: `Power source, one of ${POWER_SOURCES.join(', ')}.` },
  { name: 'Status/BatteryLevel', kinds: V, datatype: 'Float', unit: '%', mdc: MDC.MDC_ATTR_VAL_BATT_CHARGE, description: 'Remaining internal battery charge.' },
]

/** The ventilator alarms RHN carries; each has `Alarms/{Name}/Active` and `.../Acknowledged`. */
export const VENTILATOR_ALARMS = ['HighPressure', 'LowTidalVolume', 'Disconnection', 'LowBattery'] as const

const ALARM_TEXT: Readonly<Record<(typeof VENTILATOR_ALARMS)[number], string>> = {
  HighPressure: 'airway pressure above the high limit',
  LowTidalVolume: 'tidal volume below the low limit',
  Disconnection: 'patient circuit disconnected',
  LowBattery: 'internal battery low',
}

const ALARMS: readonly MetricDefinition[] = VENTILATOR_ALARMS.flatMap((alarm): MetricDefinition[] => [
  {
    name: `Alarms/${alarm}/Active`,
    kinds: V,
    datatype: 'Boolean',
    ...(alarm === 'LowBattery' ? { mdc: MDC.MDC_EVT_BATT_LO } : {}),
    description: `Alarm active: ${ALARM_TEXT[alarm]}.`,
  },
  { name: `Alarms/${alarm}/Acknowledged`, kinds: V, datatype: 'Boolean', writable: true, description: `Alarm acknowledged by staff: ${ALARM_TEXT[alarm]}.` },
])

const IDENTITY: readonly MetricDefinition[] = [
  { name: 'Identity/Manufacturer', kinds: V, datatype: 'String', mdc: MDC.MDC_ID_MODEL_MANUFACTURER, description: 'Device manufacturer.' },
  { name: 'Identity/Model', kinds: V, datatype: 'String', mdc: MDC.MDC_ID_MODEL_NUMBER, description: 'Device model.' },
  { name: 'Identity/SerialNumber', kinds: V, datatype: 'String', description: 'Device serial number.' },
]

/** Every ventilator metric. */
export const VENTILATOR_METRICS: readonly MetricDefinition[] = [...MEASUREMENTS, ...SETTINGS, ...STATUS, ...ALARMS, ...IDENTITY]
