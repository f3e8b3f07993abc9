// Public surface of the Modbus register maps: one model and codec for simulators and drivers.
export {
  REGISTER_TABLES,
  REGISTER_TYPES,
  MAX_ADDRESS,
  registerWidth,
  order32Of,
  orderFrom32,
  type RegisterTable,
  type RegisterType,
  type Endianness,
  type Order32,
  type RegisterEntry,
  type RegisterMap,
} from './types.js'
export { encodeRegisters, decodeRegisters, encodeEnumLabel, decodeEnumLabel } from './codec.js'
export { validateRegisterMap } from './validate.js'
export { coalesce, wordsFor, MAX_READ_COUNT, type ReadRequest } from './coalesce.js'
export { VENTILATOR_MODBUS_MAP, ventilatorModbusMap, type VentilatorMapVariant } from './ventilator-map.js'
export { BED_MODBUS_MAP } from './bed-map.js'
