// Public surface of the OPC UA ventilator simulator (README.md beside this file).
export { OpcuaVentilatorServer } from './server.js'
export {
  OpcuaSimError,
  type OpcuaSimErrorCode,
  type OpcuaSecurityInit,
  type OpcuaSecurityMode,
  type OpcuaSecurityPolicy,
  type OpcuaVentilatorServerInit,
} from './config.js'
export { STATUS_NOT_ANSWERING, STATUS_NO_VALUE_YET } from './values.js'
