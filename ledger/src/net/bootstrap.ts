/** Bootstrap addresses: each must name a member peer (`…/p2p/<peer id>`); checked before anything starts. */
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { LedgerError } from '../errors.js'

/** A bootstrap peer: its id and the address to dial. */
export interface BootstrapPeer {
  peerId: string
  addr: Multiaddr
}

/** Parses the bootstrap list; throws `RHN_LEDGER_NET_START` naming the entry that is not a member peer's address. */
export function parseBootstrap(addrs: string[], isMember: (peerId: string) => boolean): BootstrapPeer[] {
  return addrs.map((text, i) => {
    let addr: Multiaddr
    try {
      addr = multiaddr(text)
    } catch (err) {
      throw new LedgerError('RHN_LEDGER_NET_START', `bootstrap[${i}] ${JSON.stringify(text)} is not a multiaddr: ${(err as Error).message}`)
    }
    const peerId = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
    if (peerId === undefined) throw new LedgerError('RHN_LEDGER_NET_START', `bootstrap[${i}] ${JSON.stringify(text)} must end in /p2p/<peer id>`)
    if (!isMember(peerId)) throw new LedgerError('RHN_LEDGER_NET_START', `bootstrap[${i}] names peer ${peerId}, which is not a member peer in the genesis`)
    return { peerId, addr }
  })
}
