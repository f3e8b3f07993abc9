import type { EdgeDeviceConfig } from '@rhn/protocols'
import type { DriverFactory } from './types.js'

type Factories = { readonly [K in EdgeDeviceConfig['driver']]: () => Promise<DriverFactory<Extract<EdgeDeviceConfig, { driver: K }>>> }

/**
 * The driver plugins by config `driver` name (house rule 3: the agent looks a plugin up here and
 * never branches on which one it holds). Loaded on first use: a gateway with no OPC UA device never
 * loads node-opcua (about 100 MB of RSS).
 */
export const DRIVER_PLUGINS: Factories = {
  opcua: async () => (await import('./opcua/index.js')).createOpcuaDriver,
  modbus: async () => (await import('./modbus/index.js')).createModbusDriver,
  llrp: async () => (await import('./llrp/index.js')).createLlrpDriver,
  'hl7-mllp': async () => (await import('./hl7-mllp/index.js')).createHl7MllpDriver,
}
