/**
 * The connection gater: only consortium members' libp2p peers may connect (issue 6, "A connection
 * gater admits member peers only"). Each hook is the earliest point at which libp2p knows the
 * remote peer id: `denyDialPeer` before we dial, `denyOutboundEncryptedConnection` /
 * `denyInboundEncryptedConnection` right after the Noise handshake has authenticated it (before
 * any muxer or protocol runs). The upgraded-connection hooks repeat the check as a second line.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'

/** Whether a peer id (base58btc string) belongs to a consortium member. */
export type IsMemberPeer = (peerId: string) => boolean

/** Builds a gater that denies every peer for which `isMember` is false, logging each refusal once per peer and direction. */
export function memberGater(isMember: IsMemberPeer, logger: Logger): ConnectionGater {
  const logged = new Set<string>()
  const deny = (hook: string) => (peer: PeerId): boolean => {
    const id = peer.toString()
    if (isMember(id)) return false
    const key = `${hook}:${id}`
    if (!logged.has(key)) {
      // Bounded: one entry per refused peer and hook, and refused peers never get further than this.
      if (logged.size > 10_000) logged.clear()
      logged.add(key)
      logger.warn({ peerId: id, hook }, 'refused a non-member peer')
    }
    return true
  }
  return {
    denyDialPeer: deny('dial'),
    denyInboundEncryptedConnection: deny('inbound'),
    denyOutboundEncryptedConnection: deny('outbound'),
    denyInboundUpgradedConnection: deny('inbound-upgraded'),
    denyOutboundUpgradedConnection: deny('outbound-upgraded'),
  }
}
