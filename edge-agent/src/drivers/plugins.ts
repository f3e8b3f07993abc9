import type { EdgeDeviceConfig } from '@rhn/protocols'
import { createHl7MllpDriver } from './hl7-mllp/index.js'
import { createLlrpDriver } from './llrp/index.js'
import { createModbusDriver } from './modbus/index.js'
import { createOpcuaDriver } from './opcua/index.js'
import type { DriverFactory } from './types.js'

/**
 * The driver plugins by config `driver` name (house rule 3: the agent looks a plugin up here and
 * never branches on which one it holds).
 */
export const DRIVER_PLUGINS: { readonly [K in EdgeDeviceConfig['driver']]: DriverFactory<Extract<EdgeDeviceConfig, { driver: K }>> } = {
  opcua: createOpcuaDriver,
  modbus: createModbusDriver,
  llrp: createLlrpDriver,
  'hl7-mllp': createHl7MllpDriver,
}
