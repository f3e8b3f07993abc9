// Public surface of the OPC UA ventilator address-space layout (pure description, no node-opcua).
export {
  VENTILATOR_FOLDERS,
  VENTILATOR_OPCUA_VARIABLES,
  opcuaVariableAt,
  opcuaVariableForMetric,
  type VentilatorFolder,
  type OpcUaDataType,
  type OpcUaVariable,
} from './layout.js'
export {
  VENTILATOR_NAMESPACE_URI,
  VENTILATOR_NAMESPACE_INDEX,
  ventilatorNodeId,
  ventilatorExpandedNodeId,
  parseVentilatorNodeId,
} from './node-id.js'
export { UNECE_NAMESPACE_URI, ENGINEERING_UNITS, engineeringUnitsFor, uneceUnitId, type EngineeringUnits } from './units.js'
