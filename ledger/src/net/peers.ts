/**
 * Peer exchange between members over the sync protocol's `peers` request: each node tells the
 * members it connects to which other member peers it knows and where, so a consortium started
 * from one bootstrap list becomes a full mesh, and survives the loss of that bootstrap node.
 * Only member peer ids are accepted from the answer (the gater would refuse others anyway).
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Redialer } from './redial.js'
import { type PeerAddresses, parsePeers } from './sync-wire.js'

/** Addresses a peer may give for itself or others, per peer (more is noise or abuse). */
export const MAX_ADDRS_PER_PEER = 8

/** The member peers this node is connected to, with the addresses identify reported for them. */
export async function knownMemberPeers(libp2p: Libp2p, isMember: (peerId: string) => boolean): Promise<PeerAddresses[]> {
  const out: PeerAddresses[] = []
  for (const id of libp2p.getPeers()) {
    const peerId = id.toString()
    if (!isMember(peerId)) continue
    try {
      const peer = await libp2p.peerStore.get(id)
      const addrs = peer.addresses.map((a) => a.multiaddr.toString()).slice(0, MAX_ADDRS_PER_PEER)
      if (addrs.length > 0) out.push({ peerId, addrs })
    } catch {
      // Not in the peer store yet (identify still running): it will be in the next answer.
    }
  }
  return out
}

/** Applies a `peers` answer: stores the addresses of member peers and tracks them for dialling. */
export async function exchangePeers(libp2p: Libp2p, frame: Uint8Array, isMember: (peerId: string) => boolean, redialer: Redialer): Promise<PeerAddresses[]> {
  const self = libp2p.peerId.toString()
  const accepted: PeerAddresses[] = []
  for (const { peerId, addrs } of parsePeers(frame)) {
    if (peerId === self || !isMember(peerId)) continue
    const multiaddrs = addrs.slice(0, MAX_ADDRS_PER_PEER).flatMap((a) => {
      try {
        return [multiaddr(a)]
      } catch {
        return []
      }
    })
    if (multiaddrs.length === 0) continue
    await libp2p.peerStore.merge(peerIdFromString(peerId), { multiaddrs })
    redialer.track(peerId)
    accepted.push({ peerId, addrs: multiaddrs.map(String) })
  }
  return accepted
}
