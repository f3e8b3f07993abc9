import type { OpcUaDataType } from '@rhn/protocols'
import { DataType, DataValue, StatusCodes, Variant, type StatusCode } from 'node-opcua'
import type { MetricValue, TimedValue } from '../../hospital/component.js'

/**
 * The StatusCode a variable of a device that does not answer carries (power-off, or a network drop on
 * that one device). The server is the hospital's gateway in front of the ventilators, so it reports
 * what a gateway reports for a field device that stopped answering: Bad_NoCommunication, to be "used
 * when communications to the data source is defined, but not established" (OPC 10000-8 §7.3.2
 * Table 61; v1.04 §6.3.2). The DA-to-UA wrapper maps classic OPC DA quality COMM_FAILURE, which
 * DA-era gateways raise for an unreachable device, to the same code (OPC 10000-8 Annex A.3.2.3
 * Table A.61). Bad_DeviceFailure ("a failure in the device/data source that generates the value")
 * would claim the ventilator itself is broken, which a switched-off one is not.
 */
export const STATUS_NOT_ANSWERING: StatusCode = StatusCodes.BadNoCommunication

/** Before the device ever reported the metric (COM DA WAITING_FOR_INITIAL_DATA, OPC 10000-8 Annex A.3.2.3). */
export const STATUS_NO_VALUE_YET: StatusCode = StatusCodes.BadWaitingForInitialData

const DATA_TYPE: Readonly<Record<OpcUaDataType, DataType>> = {
  Boolean: DataType.Boolean,
  Double: DataType.Double,
  String: DataType.String,
}

/** Converts a catalogue value to the variable's data type (the catalogue and layout agree; this guards drift). */
export function coerce(value: MetricValue, t: OpcUaDataType): number | boolean | string {
  switch (t) {
    case 'Double':
      return typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number.parseFloat(value)
    case 'Boolean':
      return typeof value === 'boolean' ? value : typeof value === 'number' ? value !== 0 : value === 'true'
    case 'String':
      return String(value)
  }
}

/** A Good DataValue with the device's own source timestamp (which carries any clock skew). */
export function goodValue(t: OpcUaDataType, timed: TimedValue): DataValue {
  return new DataValue({
    value: new Variant({ dataType: DATA_TYPE[t], value: coerce(timed.value, t) }),
    statusCode: StatusCodes.Good,
    sourceTimestamp: new Date(timed.sourceTime),
  })
}

/**
 * A Bad DataValue: null value, since "if the StatusCode indicates an error then the value is to be
 * ignored and the Server shall set it to null" (OPC 10000-4 v1.05 §7.11.1). The source timestamp is
 * when the gateway noticed, on its own clock: for a bad status it reflects "the time that the source
 * recognized the non-good status" (§7.11.3).
 */
export function badValue(statusCode: StatusCode, gatewayTimeMs: number): DataValue {
  return new DataValue({ value: new Variant({ dataType: DataType.Null }), statusCode, sourceTimestamp: new Date(gatewayTimeMs) })
}
