// Public surface of the Modbus TCP driver plugin (README.md beside this file).
export { createModbusDriver, type ModbusDriverComponents } from './driver.js'
export { probeModbus, type ModbusProbeOptions } from './probe.js'
export { ModbusTcpClient, parseModbusUrl } from './client.js'
export { ModbusFault, type ModbusFaultKind } from './frame.js'
export { planEntry, resolveMap, DEFAULT_MAX_GAP, type EntryPlan, type UnitPlan } from './plan.js'
