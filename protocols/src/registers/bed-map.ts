import type { RegisterMap } from './types.js'
import { validateRegisterMap } from './validate.js'

/**
 * A bed-controller gateway: one Modbus unit id per bed (unit id = bed slot, 1..247 per
 * MODBUS over Serial Line V1.02 §2.2), every bed with this same map. Booleans are discrete inputs
 * (sensors) or a coil (the exit alarm, which staff reset by writing 0).
 */
export const BED_MODBUS_MAP: RegisterMap = validateRegisterMap({
  name: 'bed-gateway',
  description: 'Bed-controller gateway, one unit id per bed',
  entries: Object.freeze([
    { metric: 'Bed/Occupied', table: 'discrete', address: 0, type: 'bool', access: 'r' },
    { metric: 'Bed/SideRailsUp', table: 'discrete', address: 1, type: 'bool', access: 'r' },
    { metric: 'Bed/BrakeSet', table: 'discrete', address: 2, type: 'bool', access: 'r' },
    { metric: 'Bed/ExitAlarm', table: 'coil', address: 0, type: 'bool', access: 'rw' },
    { metric: 'Bed/PatientWeight', table: 'input', address: 0, type: 'uint16', scale: 0.1, access: 'r' },
    { metric: 'Bed/HeadAngle', table: 'input', address: 1, type: 'int16', scale: 0.1, access: 'r' },
  ] as const),
})
