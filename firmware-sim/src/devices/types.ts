import type { DeviceProtocol } from '@rhn/protocols'

/** Server-wide network state (`network-drop` on a hospital): `reset` drops connections, `refuse` also closes the port. */
export type NetworkState = 'up' | 'reset' | 'refuse'

/** One listening (or, for HL7, sending) endpoint of the simulation, as `rhn-sim list` prints it. */
export interface Endpoint {
  /** Stable id, e.g. `RXA/opcua`, `rxa-icu-bay-a/beds`, `rxa-icu-bay-a-ppe-1`, `RXA/adt`. */
  id: string
  hospitalId: string
  protocol: DeviceProtocol
  /** What a person would call it: "OPC UA ventilator server", "Modbus TCP bed controller", … */
  kind: string
  /** URL a client uses: `opc.tcp://127.0.0.1:20000/rhn/RXA`, `modbus://127.0.0.1:20001`, `llrp://127.0.0.1:20002`; for HL7 the target `mllp://host:port`. */
  address: string
  host: string
  port: number
  /** Component ids served here (with their Modbus unit id where there is one). */
  components: readonly { id: string; unitId?: number }[]
}

/**
 * A simulated device server (or the HL7 sender). Component-level faults (power, stuck sensor, skew,
 * alarms) live on each `SimComponent`; the server shows them the way the real device would.
 */
export interface SimServer {
  readonly endpoint: Endpoint
  /** Starts listening (or connecting); resolves once clients can connect. */
  start(): Promise<void>
  /** Closes the listener and every socket; idempotent. */
  stop(): Promise<void>
  /** Server-wide network fault: `reset` destroys open connections, `refuse` also stops listening until `up`. */
  setNetwork(state: NetworkState): Promise<void>
}
