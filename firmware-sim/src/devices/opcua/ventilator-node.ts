import { VENTILATOR_OPCUA_VARIABLES, ventilatorNodeId, type OpcUaVariable } from '@rhn/protocols'
import { StatusCodes, type DataValue, type Namespace, type StatusCode, type UAObject, type UAVariable } from 'node-opcua'
import type { Clock } from '../../clock.js'
import type { SimComponent, TimedValue } from '../../hospital/component.js'
import { STATUS_NOT_ANSWERING, STATUS_NO_VALUE_YET, badValue, coerce, goodValue } from './values.js'

/**
 * MinimumSamplingInterval of every variable, ms: 0 = exception-based (OPC 10000-3 §5.6.2), because
 * values are pushed with `setValueFromSource` on every change of the SimComponent rather than read
 * by a getter, so a subscription that asks for 0 sees every breath and nothing needs polling.
 */
const MINIMUM_SAMPLING_INTERVAL_MS = 0

/** One variable bound to one catalogue metric. */
interface Cell {
  readonly spec: OpcUaVariable
  readonly variable: UAVariable
  /** What reads return (writable variables read it through their getter). */
  current: DataValue
}

/**
 * One ventilator object in the address space, laid out per `VENTILATOR_OPCUA_VARIABLES` and bound to
 * its SimComponent: changes are pushed to the variables as they happen, writes to Settings and
 * Alarms acknowledgement go to the component, and a device that does not answer (power-off, network
 * drop on that device) shows Bad_NoCommunication on all its variables until it answers again.
 */
export class VentilatorNode {
  readonly deviceId: string
  private readonly cells = new Map<string, Cell>()
  private answering: boolean
  private readonly unsubscribe: () => void
  private readonly unsubscribeState: () => void

  constructor(
    namespace: Namespace,
    objectsFolder: UAObject,
    private readonly component: SimComponent,
    private readonly clock: Clock,
  ) {
    this.deviceId = component.binding.device
    this.answering = component.answers()
    const parents = new Map<string, UAObject>()
    parents.set('', namespace.addObject({ organizedBy: objectsFolder, browseName: this.deviceId, nodeId: ventilatorNodeId(this.deviceId, '') }))
    const parentOf = (path: string): UAObject => {
      let node = parents.get(path)
      if (node !== undefined) return node
      const cut = path.lastIndexOf('.')
      const above = parentOf(cut < 0 ? '' : path.slice(0, cut))
      const name = path.slice(cut + 1)
      // Top-level groups are Folders (FolderType), alarm groups plain objects, both components of their parent.
      node = namespace.addObject({ componentOf: above, browseName: name, nodeId: ventilatorNodeId(this.deviceId, path), ...(cut < 0 ? { typeDefinition: 'FolderType' } : {}) })
      parents.set(path, node)
      return node
    }
    for (const spec of VENTILATOR_OPCUA_VARIABLES) {
      const cut = spec.path.lastIndexOf('.')
      const variable = this.addVariable(namespace, parentOf(spec.path.slice(0, cut)), spec)
      const cell: Cell = { spec, variable, current: this.valueNow(spec) }
      this.cells.set(spec.metric, cell)
      variable.setValueFromSource(cell.current.value, cell.current.statusCode, cell.current.sourceTimestamp ?? undefined)
      if (spec.writable) {
        variable.bindVariable(
          {
            timestamped_get: () => cell.current,
            timestamped_set: (dataValue, callback) => callback(null, this.write(spec, dataValue)),
          },
          true,
        )
      }
    }
    this.unsubscribe = this.component.onChange((metric, timed) => this.changed(metric, timed))
    // Power and reachability faults arrive as events, so Bad status shows without polling.
    this.unsubscribeState = this.component.onStateChange(() => this.syncFaults())
  }

  /** Samples the component's fault flags; on a change every variable turns Bad or back to its value. */
  syncFaults(): boolean {
    const answers = this.component.answers()
    if (answers !== this.answering) {
      this.answering = answers
      for (const cell of this.cells.values()) this.push(cell, this.valueNow(cell.spec))
    }
    return answers
  }

  /** Stops listening to the component (the address space goes with the server). */
  dispose(): void {
    this.unsubscribe()
    this.unsubscribeState()
  }

  private addVariable(namespace: Namespace, parent: UAObject, spec: OpcUaVariable): UAVariable {
    const common = {
      componentOf: parent,
      browseName: spec.browseName,
      nodeId: ventilatorNodeId(this.deviceId, spec.path),
      accessLevel: spec.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: spec.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      minimumSamplingInterval: MINIMUM_SAMPLING_INTERVAL_MS,
    }
    const eu = spec.engineeringUnits
    if (spec.euRange === undefined || eu === undefined) return namespace.addVariable({ ...common, dataType: spec.dataType })
    // AnalogItemType (OPC 10000-8 §5.3.2.2) with its EURange and EngineeringUnits (EUInformation, §5.6.3) properties.
    return namespace.addAnalogDataItem({
      ...common,
      dataType: spec.dataType,
      engineeringUnitsRange: { low: spec.euRange.low, high: spec.euRange.high },
      engineeringUnits: { namespaceUri: eu.namespaceUri, unitId: eu.unitId, displayName: { text: eu.displayName }, description: { text: eu.description } },
    })
  }

  /** What the variable shows now: Bad while the device does not answer, else the component's value. */
  private valueNow(spec: OpcUaVariable): DataValue {
    if (!this.answering) return badValue(STATUS_NOT_ANSWERING, this.clock.now())
    const timed = this.component.read(spec.metric)
    return timed === undefined ? badValue(STATUS_NO_VALUE_YET, this.clock.now()) : goodValue(spec.dataType, timed)
  }

  private changed(metric: string, timed: TimedValue): void {
    const cell = this.cells.get(metric)
    // A device that is off sends nothing; what it would have measured shows once it answers again.
    if (cell === undefined || !this.syncFaults()) return
    this.push(cell, goodValue(cell.spec.dataType, timed))
  }

  private push(cell: Cell, dataValue: DataValue): void {
    cell.current = dataValue
    // setValueFromSource notifies monitored items at once (exception-based, no polling of a getter).
    cell.variable.setValueFromSource(dataValue.value, dataValue.statusCode, dataValue.sourceTimestamp ?? undefined)
  }

  /**
   * A client write to a Settings value or an alarm acknowledgement: the device takes it if it answers.
   * node-opcua stores the written DataValue after this setter returns, whatever the status, so it is
   * overwritten here with the device's own answer: subscribers never see a value the device refused,
   * and an accepted one carries the device's source timestamp, not the client's.
   */
  private write(spec: OpcUaVariable, dataValue: DataValue): StatusCode {
    const status = this.apply(spec, dataValue.value.value as unknown)
    const answer = this.cells.get(spec.metric)?.current
    if (answer !== undefined) {
      dataValue.value = answer.value
      dataValue.statusCode = answer.statusCode
      dataValue.sourceTimestamp = answer.sourceTimestamp
      dataValue.sourcePicoseconds = 0
      dataValue.serverTimestamp = answer.sourceTimestamp
      dataValue.serverPicoseconds = 0
    }
    return status
  }

  private apply(spec: OpcUaVariable, raw: unknown): StatusCode {
    if (!this.syncFaults()) return STATUS_NOT_ANSWERING
    if (spec.dataType === 'Double' && (typeof raw !== 'number' || !Number.isFinite(raw))) return StatusCodes.BadTypeMismatch
    if (spec.dataType === 'Boolean' && typeof raw !== 'boolean') return StatusCodes.BadTypeMismatch
    const value = coerce(raw as number | boolean, spec.dataType)
    // A ventilator refuses a setting outside what it can deliver (Bad_OutOfRange, OPC 10000-4 common StatusCodes).
    if (typeof value === 'number' && spec.euRange !== undefined && (value < spec.euRange.low || value > spec.euRange.high)) return StatusCodes.BadOutOfRange
    this.component.set(spec.metric, value)
    return StatusCodes.Good
  }
}
