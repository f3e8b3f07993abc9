// Public surface of the Modbus TCP device simulators (bed-controller gateways, ventilator protocol converters).
export { ModbusGatewayServer, type ModbusGatewayInit, type ModbusUnit, type ModbusLogger } from './server.js'
export {
  bedControllerServer,
  ventilatorConverterServer,
  DEFAULT_MODBUS_HOST,
  type ModbusEndpointInit,
  type ModbusFactoryInit,
  type ModbusUnitBinding,
} from './factories.js'
export { MISBEHAVIOURS, type Misbehaviour } from './misbehave.js'
export type { GapPolicy } from './map-bank.js'
export { FunctionCode, ExceptionCode, QUANTITY_LIMIT } from './codes.js'
export { MbapDecoder, encodeMbap, type MbapFrame, type DecodeResult } from './mbap.js'
