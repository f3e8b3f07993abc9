import { VENTILATOR_ALARMS, VENTILATOR_MODES, POWER_SOURCES } from '../metrics/ventilator.js'
import { orderFrom32, registerWidth, type Order32, type RegisterEntry, type RegisterMap } from './types.js'
import { validateRegisterMap } from './validate.js'

/** Words swapped, bytes big-endian: what many serial-to-Modbus-TCP converters emit for floats. */
const CDAB = orderFrom32('CDAB')

/**
 * An older ICU ventilator behind a serial-to-Modbus-TCP protocol converter. Measurements are input
 * registers (FC04), settings holding registers (FC03/06/16), alarm states discrete inputs (FC02),
 * acknowledgements coils (FC05). Integer values are scaled; the converter sends floats word-swapped.
 */
const ENTRIES: readonly RegisterEntry[] = [
  // Input registers 0..13: measurements and status
  { metric: 'Ventilation/RespiratoryRate', table: 'input', address: 0, type: 'uint16', scale: 0.1, access: 'r' },
  { metric: 'Ventilation/TidalVolume', table: 'input', address: 1, type: 'uint16', access: 'r' },
  { metric: 'Ventilation/FiO2', table: 'input', address: 2, type: 'int16', scale: 0.1, access: 'r' },
  { metric: 'Ventilation/PEEP', table: 'input', address: 3, type: 'int16', scale: 0.1, access: 'r' },
  { metric: 'Ventilation/PeakPressure', table: 'input', address: 4, type: 'int32', scale: 0.01, access: 'r' },
  { metric: 'Ventilation/PlateauPressure', table: 'input', address: 6, type: 'int32', scale: 0.01, access: 'r' },
  { metric: 'Ventilation/MinuteVolume', table: 'input', address: 8, type: 'float32', ...CDAB, access: 'r' },
  { metric: 'Ventilation/IERatio', table: 'input', address: 10, type: 'float32', ...CDAB, access: 'r' },
  { metric: 'Status/BatteryLevel', table: 'input', address: 12, type: 'uint16', access: 'r' },
  { metric: 'Status/PowerSource', table: 'input', address: 13, type: 'uint16', enumLabels: POWER_SOURCES, access: 'r' },
  { metric: 'Status/OperatingMode', table: 'input', address: 14, type: 'uint16', enumLabels: VENTILATOR_MODES, access: 'r' },
  // Holding registers 100..103: settings, writable
  { metric: 'Settings/RespiratoryRate', table: 'holding', address: 100, type: 'uint16', scale: 0.1, access: 'rw' },
  { metric: 'Settings/TidalVolume', table: 'holding', address: 101, type: 'uint16', access: 'rw' },
  { metric: 'Settings/PEEP', table: 'holding', address: 102, type: 'int16', scale: 0.1, access: 'rw' },
  { metric: 'Settings/FiO2', table: 'holding', address: 103, type: 'int16', scale: 0.1, access: 'rw' },
  // Discrete inputs 0..3: alarm active; coils 0..3: alarm acknowledged (writing 1 acknowledges)
  ...VENTILATOR_ALARMS.map((alarm, i): RegisterEntry => ({ metric: `Alarms/${alarm}/Active`, table: 'discrete', address: i, type: 'bool', access: 'r' })),
  ...VENTILATOR_ALARMS.map((alarm, i): RegisterEntry => ({ metric: `Alarms/${alarm}/Acknowledged`, table: 'coil', address: i, type: 'bool', access: 'rw' })),
]

/** Variants of the ventilator map: `default` as shipped, or every 32-bit value in one named layout. */
export type VentilatorMapVariant = 'default' | Order32

/**
 * The ventilator register map, optionally with every 32-bit entry re-ordered (another converter
 * model or firmware). Validated on construction.
 */
export function ventilatorModbusMap(variant: VentilatorMapVariant = 'default'): RegisterMap {
  const entries =
    variant === 'default'
      ? ENTRIES
      : ENTRIES.map((e) => (registerWidth(e) === 2 ? { ...e, ...orderFrom32(variant) } : e))
  return validateRegisterMap({
    name: variant === 'default' ? 'ventilator-converter' : `ventilator-converter-${variant}`,
    description: 'ICU ventilator behind a serial-to-Modbus-TCP converter; one unit id per ventilator',
    entries: Object.freeze(entries.map((e) => Object.freeze(e))),
  })
}

/** The shipped ventilator map (int32 ABCD scaled 0.01, float32 CDAB). */
export const VENTILATOR_MODBUS_MAP: RegisterMap = ventilatorModbusMap()
