/**
 * The node's defaults for its two collaborators: the libp2p network of `net/` and the file store
 * of `store/`. Kept apart so `ledger-node.ts` reads as the model, and tests can swap the store.
 */
import type { LedgerConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { PeerKey } from '../chain/keys.js'
import type { ChainStore, ConsensusNode, LedgerNetwork, LedgerNetworkHandlers, Membership } from '../interface.js'
import { createLedgerNetwork } from '../net/create.js'
import { openChainStore } from '../store/file-store.js'
import type { SignGuard } from './producer.js'

/** What opening the store needs. */
export interface NodeStoreOptions {
  dataDir: string
  membership: Membership
  self: ConsensusNode
  fsync: LedgerConfig['fsync']
  logger: Logger
}

/** Opens the chain store and the last-signed guard of this node. */
export type NodeStoreOpener = (options: NodeStoreOptions) => Promise<{ store: ChainStore; guard: SignGuard }>

/** The default store: the append-only file store of `store/`. */
export const openNodeStore: NodeStoreOpener = async ({ dataDir, membership, fsync, logger }) => {
  const store = await openChainStore({ dir: dataDir, membership, fsync, logger })
  const guard: SignGuard = {
    assertMaySign: (block) => store.assertMaySign(block.header.chain, block.header.height, block.hash),
    recordSigned: (block) => store.recordSigned(block),
  }
  return { store, guard }
}

/** The default network: libp2p with the config's listen, bootstrap, gossip and sync settings. */
export function defaultNetwork(config: LedgerConfig, membership: Membership, peerKey: PeerKey, handlers: LedgerNetworkHandlers, logger: Logger): Promise<LedgerNetwork> {
  return createLedgerNetwork(
    { privateKey: peerKey.privateKey, listen: config.listen, bootstrap: config.bootstrap, membership, gossip: config.gossip, sync: config.sync, logger },
    handlers,
  )
}
