/** Primary host STATE tracking and command parsing for the edge node (Sparkplug 3.0 §5.9, §6.4.18). */
import { DEVICE_CONTROL_REBIRTH, NODE_CONTROL_REBIRTH, decodePayload, decodeState } from '@rhn/protocols'

/** What a STATE message means for the edge node. */
export type HostTransition = 'online' | 'offline' | 'stale' | 'unchanged'

/**
 * The primary host's state as its STATE messages say. Only the configured host's topic is subscribed
 * [tck-id-message-flow-edge-node-birth-publish-phid-wait-id]; a message older than the last one is stale
 * [tck-id-message-flow-edge-node-birth-publish-phid-wait-timestamp] [tck-id-operational-behavior-edge-node-termination-host-offline-timestamp].
 * The last timestamp survives reconnects (a retained offline STATE seen again is not news).
 */
export class PrimaryHostState {
  #online = false
  #timestamp = -1

  /** True after an online STATE [tck-id-message-flow-edge-node-birth-publish-phid-wait-online]. */
  get online(): boolean {
    return this.#online
  }

  /** Forgets online (a new MQTT session waits for a fresh STATE); keeps the last timestamp. */
  reset(): void {
    this.#online = false
  }

  /** Applies a STATE payload; throws RHN_PROTO_PAYLOAD_INVALID on a malformed one. */
  update(payload: Uint8Array): HostTransition {
    const state = decodeState(payload)
    if (state.timestamp < this.#timestamp) return 'stale'
    this.#timestamp = state.timestamp
    const was = this.#online
    this.#online = state.online
    if (state.online === was) return 'unchanged'
    return state.online ? 'online' : 'offline'
  }
}

/**
 * True when an NCMD carries `Node Control/Rebirth` = true (a DCMD: `Device Control/Rebirth` = true)
 * [tck-id-operational-behavior-data-commands-ncmd-rebirth-name] [tck-id-operational-behavior-data-commands-ncmd-rebirth-value].
 */
export function isRebirthRequest(payload: Uint8Array, device: boolean): boolean {
  const cmd = decodePayload(payload, { messageType: device ? 'DCMD' : 'NCMD' })
  const name = device ? DEVICE_CONTROL_REBIRTH : NODE_CONTROL_REBIRTH
  return cmd.metrics.some((m) => m.name === name && m.value === true)
}
