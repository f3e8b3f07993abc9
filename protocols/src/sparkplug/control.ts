/**
 * Well-known metric names and MQTT delivery settings of Sparkplug B 3.0 (spec §6.4.18–6.4.22 and
 * §3.2 "Host Application STATE").
 */
import type { SparkplugPayload } from './types.js'

/** NBIRTH metric a host writes `true` to (in an NCMD) to ask for a rebirth [tck-id-operational-behavior-data-commands-rebirth-name]. */
export const NODE_CONTROL_REBIRTH = 'Node Control/Rebirth'
/** NBIRTH metric a host writes `true` to so the edge node moves to its next MQTT server. */
export const NODE_CONTROL_NEXT_SERVER = 'Node Control/Next Server'
/** NBIRTH metric a host writes `true` to so the edge node reboots. */
export const NODE_CONTROL_REBOOT = 'Node Control/Reboot'
/** NBIRTH metric carrying the edge node's scan rate in ms (Int64). */
export const NODE_CONTROL_SCAN_RATE = 'Node Control/Scan Rate'
/** DBIRTH metric a host writes `true` to (in a DCMD) to ask for one device's rebirth. */
export const DEVICE_CONTROL_REBIRTH = 'Device Control/Rebirth'
/** The birth/death sequence metric of NBIRTH and NDEATH, datatype UInt64 [tck-id-payloads-nbirth-bdseq]. */
export const BD_SEQ_METRIC = 'bdSeq'

/** NDEATH is registered as the MQTT Will with QoS 1 [tck-id-payloads-ndeath-will-message-qos]. */
export const NDEATH_QOS = 1
/** STATE messages are published with QoS 1 [tck-id-host-topic-phid-birth-qos]. */
export const STATE_QOS = 1
/** STATE messages are retained [tck-id-host-topic-phid-birth-retain]. */
export const STATE_RETAIN = true
/** Every other Sparkplug message is published with QoS 0 and not retained [tck-id-payloads-nbirth-qos]. */
export const DATA_QOS = 0

/** An NCMD payload asking an edge node to rebirth: `Node Control/Rebirth = true`. */
export function rebirthCommand(timestamp: number): SparkplugPayload {
  return { timestamp, metrics: [{ name: NODE_CONTROL_REBIRTH, timestamp, datatype: 'Boolean', value: true }] }
}
