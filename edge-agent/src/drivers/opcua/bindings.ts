/**
 * From config entries to monitored variables: which entries share a session, which variable carries
 * which catalogue metric of which device. Pure, so a bad entry fails at start, naming the key.
 */
import { getMetric, VENTILATOR_NAMESPACE_URI, VENTILATOR_OPCUA_VARIABLES, ventilatorNodeId, type OpcuaDeviceConfig } from '@rhn/protocols'
import { EdgeError } from '../../errors.js'
import type { DeviceDescriptor, MetricDescriptor } from '../../reading.js'

/** One variable bound to one metric of one device. */
export interface NodeBinding {
  readonly device: string
  readonly metric: string
  /** NodeId string with the namespace index of this server, e.g. `ns=1;s=vent-01.Measurements.PEEP`. */
  readonly nodeId: string
}

/**
 * Entries with the same endpoint, security and identity share one session (and one subscription):
 * the key says what a session is opened with.
 */
export function sessionKey(c: OpcuaDeviceConfig): string {
  return [c.endpointUrl, c.securityMode, c.securityPolicy, c.pkiDir, c.username ?? ''].join('|')
}

/** The catalogue description of a metric, for DBIRTH. */
function describeMetric(name: string, key: string): MetricDescriptor {
  let m
  try {
    m = getMetric(name)
  } catch (err) {
    throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `${key}: metric "${name}" is not in the catalogue`, { cause: err })
  }
  return { name, datatype: m.datatype, ...(m.unit === undefined ? {} : { unit: m.unit }), ...(m.mdc === undefined ? {} : { mdcCode: m.mdc.code, mdcRefId: m.mdc.refId }) }
}

/**
 * The device and its metrics as DBIRTH announces them: the ventilator layout's metrics, or the listed nodes'.
 * @throws EdgeError `RHN_EDGE_CONFIG_INVALID` when neither is given or a metric is unknown.
 */
export function describeDevice(c: OpcuaDeviceConfig): DeviceDescriptor {
  if (c.layout === 'ventilator') return { id: c.id, metrics: VENTILATOR_OPCUA_VARIABLES.map((v) => describeMetric(v.metric, `devices.${c.id}.layout`)) }
  if (c.nodes === undefined) throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `devices.${c.id}: give layout or nodes`)
  return { id: c.id, metrics: c.nodes.map((n, i) => describeMetric(n.metric, `devices.${c.id}.nodes[${i}].metric`)) }
}

/**
 * The variables of an entry on a server whose NamespaceArray is `namespaces`. For the ventilator
 * layout the namespace index is looked up by URI (OPC 10000-3 §8.2.2: indexes are per server, only
 * the URI is stable); the device object's browse name is the device id.
 * @throws EdgeError `RHN_EDGE_DEVICE_PROTOCOL` when the server has no ventilator namespace.
 */
export function bindingsFor(c: OpcuaDeviceConfig, namespaces: readonly string[]): NodeBinding[] {
  if (c.layout === 'ventilator') {
    const ns = namespaces.indexOf(VENTILATOR_NAMESPACE_URI)
    if (ns < 0) throw new EdgeError('RHN_EDGE_DEVICE_PROTOCOL', `${c.id}: ${c.endpointUrl} has no namespace ${VENTILATOR_NAMESPACE_URI}, so layout: ventilator does not fit; list nodes instead (rhn-edge discover)`)
    return VENTILATOR_OPCUA_VARIABLES.map((v) => ({ device: c.id, metric: v.metric, nodeId: ventilatorNodeId(c.id, v.path, ns) }))
  }
  return (c.nodes ?? []).map((n) => ({ device: c.id, metric: n.metric, nodeId: n.nodeId }))
}
