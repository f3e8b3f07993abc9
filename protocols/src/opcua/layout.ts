import { VENTILATOR_ALARMS } from '../metrics/ventilator.js'
import { engineeringUnitsFor, type EngineeringUnits } from './units.js'

/**
 * The address space the ventilator simulator's OPC UA server exposes and the driver browses:
 *
 *   Objects/
 *     <deviceId>/                      (Object, browse name = device id)
 *       Identity/  Manufacturer, Model, SerialNumber
 *       Measurements/  one AnalogItem per measured metric (EngineeringUnits, EURange)
 *       Settings/  writable AnalogItems
 *       Status/    OperatingMode, PowerSource, BatteryLevel
 *       Alarms/<Name>/  Active, Acknowledged
 *
 * Alarms are plain Boolean variables, not Part 9 AlarmConditionType instances: the driver only needs
 * the two states to publish Sparkplug Booleans, and plain variables are read and subscribed the same
 * way by every client. Measurements use AnalogItemType (Part 8 §5.3.2.2), whose EURange and
 * EngineeringUnits properties are filled from here.
 */

/** Folders below the device object, in browse order. */
export const VENTILATOR_FOLDERS = ['Identity', 'Measurements', 'Settings', 'Status', 'Alarms'] as const
/** One of {@link VENTILATOR_FOLDERS}. */
export type VentilatorFolder = (typeof VENTILATOR_FOLDERS)[number]

/** OPC UA built-in data types used (Part 6 §5.1.2 ids: Boolean 1, Double 11, String 12). */
export type OpcUaDataType = 'Boolean' | 'Double' | 'String'

/** One variable in the layout. */
export interface OpcUaVariable {
  /** Browse path below the device object, e.g. `Measurements.RespiratoryRate`. */
  readonly path: string
  /** Folder it sits in. */
  readonly folder: VentilatorFolder
  /** Browse name (last path segment). */
  readonly browseName: string
  /** Catalogue metric the driver publishes it as. */
  readonly metric: string
  /** OPC UA data type. */
  readonly dataType: OpcUaDataType
  /** Whether clients may write it (AccessLevel CurrentWrite). */
  readonly writable: boolean
  /** EngineeringUnits property (AnalogItems). */
  readonly engineeringUnits?: EngineeringUnits
  /** EURange property: the instrument's range, used by clients for scaling and deadbands. */
  readonly euRange?: { readonly low: number; readonly high: number }
}

function analog(folder: 'Measurements' | 'Settings' | 'Status', name: string, metric: string, ucum: string, low: number, high: number): OpcUaVariable {
  const engineeringUnits = engineeringUnitsFor(ucum)
  if (engineeringUnits === undefined) throw new Error(`no EngineeringUnits for UCUM "${ucum}"`) // programming error, caught by tests
  return { path: `${folder}.${name}`, folder, browseName: name, metric, dataType: 'Double', writable: folder === 'Settings', engineeringUnits, euRange: { low, high } }
}

function plain(folder: VentilatorFolder, path: string, metric: string, dataType: OpcUaDataType, writable = false): OpcUaVariable {
  return { path: `${folder}.${path}`, folder, browseName: path.split('.').pop() ?? path, metric, dataType, writable }
}

/** Every variable of one ventilator, in browse order. Ranges cover adult and paediatric ventilators. */
export const VENTILATOR_OPCUA_VARIABLES: readonly OpcUaVariable[] = Object.freeze([
  plain('Identity', 'Manufacturer', 'Identity/Manufacturer', 'String'),
  plain('Identity', 'Model', 'Identity/Model', 'String'),
  plain('Identity', 'SerialNumber', 'Identity/SerialNumber', 'String'),
  analog('Measurements', 'RespiratoryRate', 'Ventilation/RespiratoryRate', '/min', 0, 150),
  analog('Measurements', 'TidalVolume', 'Ventilation/TidalVolume', 'mL', 0, 3000),
  analog('Measurements', 'PEEP', 'Ventilation/PEEP', 'cm[H2O]', 0, 50),
  analog('Measurements', 'FiO2', 'Ventilation/FiO2', '%', 21, 100),
  analog('Measurements', 'PeakPressure', 'Ventilation/PeakPressure', 'cm[H2O]', 0, 120),
  analog('Measurements', 'PlateauPressure', 'Ventilation/PlateauPressure', 'cm[H2O]', 0, 120),
  analog('Measurements', 'MinuteVolume', 'Ventilation/MinuteVolume', 'L/min', 0, 100),
  analog('Measurements', 'IERatio', 'Ventilation/IERatio', '1', 0, 10),
  analog('Settings', 'RespiratoryRate', 'Settings/RespiratoryRate', '/min', 0, 150),
  analog('Settings', 'TidalVolume', 'Settings/TidalVolume', 'mL', 20, 3000),
  analog('Settings', 'PEEP', 'Settings/PEEP', 'cm[H2O]', 0, 50),
  analog('Settings', 'FiO2', 'Settings/FiO2', '%', 21, 100),
  plain('Status', 'OperatingMode', 'Status/OperatingMode', 'String'),
  plain('Status', 'PowerSource', 'Status/PowerSource', 'String'),
  analog('Status', 'BatteryLevel', 'Status/BatteryLevel', '%', 0, 100),
  ...VENTILATOR_ALARMS.flatMap((alarm) => [
    plain('Alarms', `${alarm}.Active`, `Alarms/${alarm}/Active`, 'Boolean'),
    plain('Alarms', `${alarm}.Acknowledged`, `Alarms/${alarm}/Acknowledged`, 'Boolean', true),
  ]),
].map((v) => Object.freeze(v)))

const BY_PATH: ReadonlyMap<string, OpcUaVariable> = new Map(VENTILATOR_OPCUA_VARIABLES.map((v) => [v.path, v]))
const BY_METRIC: ReadonlyMap<string, OpcUaVariable> = new Map(VENTILATOR_OPCUA_VARIABLES.map((v) => [v.metric, v]))

/** The variable at a browse path such as `Measurements.PEEP`, if any. */
export function opcuaVariableAt(path: string): OpcUaVariable | undefined {
  return BY_PATH.get(path)
}

/** The variable that carries catalogue metric `metric`, if the ventilator exposes it. */
export function opcuaVariableForMetric(metric: string): OpcUaVariable | undefined {
  return BY_METRIC.get(metric)
}
