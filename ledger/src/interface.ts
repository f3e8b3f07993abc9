/**
 * The ledger's internal contracts, fixed so the chain core (`chain/`, `store/`), the network
 * (`net/`) and the node (`node/`) can be built side by side. See README.md for the model.
 *
 * - A *consensus node* is one Ed25519 key in the genesis. Its *chain* is named `<member>-<index>`,
 *   index = position of its key in the member's `publicKeys` (`RXA-0`). Only that key signs it.
 * - Block hash = SHA-256 of the canonical encoding of the header. The header commits to the
 *   transactions through `txRoot`, the Merkle root of their ids; a tx id = SHA-256 of its
 *   canonical encoding. Canonical encoding = JSON with keys sorted, no whitespace, UTF-8
 *   (RFC 8785 style; we only carry strings, integers, booleans, null, arrays, objects).
 * - Signature = Ed25519 over `"rhn-ledger/block/v1\n" + hash` (domain-separated), base64.
 * - Height 0 is the chain's first block; its `prevHash` is the genesis hash (SHA-256 of the
 *   canonical genesis), so a block cannot be replayed into another consortium or genesis.
 */
import type { KeyObject } from 'node:crypto'
import type { Genesis, LedgerTx } from '@rhn/protocols'

/** A block header. Hashes are lower-case hex; `time` is ms since the epoch (author's clock). */
export interface BlockHeader {
  consortium: string
  chain: string
  member: string
  height: number
  prevHash: string
  time: number
  txRoot: string
  txCount: number
}

/** A signed block, with its derived hash and tx ids (recomputed on decode, never trusted from the wire). */
export interface Block {
  header: BlockHeader
  /** SHA-256 hex of the canonical header. */
  hash: string
  /** Ed25519 signature, base64. */
  signature: string
  txs: LedgerTx[]
  /** SHA-256 hex of each canonical tx, in block order. */
  txIds: string[]
}

/** One consensus node from the genesis. */
export interface ConsensusNode {
  chain: string
  member: string
  index: number
  publicKey: KeyObject
  publicKeyBase64: string
}

/** The consortium as every node sees it: fixed by the genesis. */
export interface Membership {
  genesis: Genesis
  /** SHA-256 hex of the canonical genesis: `prevHash` of every height-0 block. */
  genesisHash: string
  nodes: ConsensusNode[]
  /** Chain id ▸ node. */
  byChain: ReadonlyMap<string, ConsensusNode>
  /** Peer ids admitted by the connection gater, ▸ member id. */
  peerMembers: ReadonlyMap<string, string>
  /** Endorsements needed to confirm: the least count above 2/3 of all consensus nodes. */
  quorum: number
}

/** Why a block is refused; each maps to a `RHN_LEDGER_…` code and to a gossip Reject. */
export type BlockFault = 'malformed' | 'oversized' | 'not-member' | 'wrong-consortium' | 'bad-signature' | 'bad-link' | 'bad-tx' | 'stale'

/** Append-only storage of every chain this node holds, plus evidence and the last-signed record. */
export interface ChainStore {
  /** Head (highest contiguous block) of a chain, if any. */
  head(chain: string): Block | undefined
  /** The block at (chain, height), if held. */
  get(chain: string, height: number): Block | undefined
  /** Blocks `from` ≤ height < `from + max` of a chain (for sync), in order. */
  range(chain: string, from: number, max: number): Block[]
  /** Appends the next block of a chain (height = head + 1, already verified); durable (fsync per config) before it resolves. */
  append(block: Block): Promise<void>
  /** Records equivocation evidence durably. */
  recordEvidence(a: Block, b: Block): Promise<void>
  /** Evidence held, one per (chain, height). */
  evidence(): Array<{ chain: string; height: number; blocks: [Block, Block]; detectedAt: number }>
  /** Every chain id held. */
  chains(): string[]
  close(): Promise<void>
}

/** Verdict of a gossip validator (gossipsub's Accept / Reject / Ignore). */
export type GossipVerdict = 'accept' | 'reject' | 'ignore'

/** The p2p layer as the node uses it: gossip of block bytes, and the sync protocol. */
export interface LedgerNetwork {
  readonly peerId: string
  /** Multiaddrs this node listens on, with `/p2p/<peerId>`. */
  addresses(): string[]
  /** Connected member peers (peer id, member). */
  peers(): Array<{ peerId: string; member: string }>
  /** Publishes on the blocks topic; queued and retried while no peer is subscribed. */
  publish(data: Uint8Array): void
  /** Asks `peerId` for blocks of `chain` from height `from` (at most `max`); verified by the caller. */
  requestBlocks(peerId: string, chain: string, from: number, max: number, signal?: AbortSignal): Promise<Uint8Array[]>
  /** Asks `peerId` for its chain heads (chain ▸ height). */
  requestHeads(peerId: string, signal?: AbortSignal): Promise<Record<string, number>>
  /** The gossipsub score of a peer (drops as it sends rejected messages). */
  score(peerId: string): number
  stop(): Promise<void>
}

/** What the node gives the network: validation and the data behind the sync protocol. */
export interface LedgerNetworkHandlers {
  /** Validates one gossip message (synchronously decides; may schedule work). */
  validate(data: Uint8Array, fromPeer: string): GossipVerdict
  /** Called with every accepted message. */
  onMessage(data: Uint8Array, fromPeer: string): void
  /** Blocks for a sync request, as encoded bytes. */
  blocks(chain: string, from: number, max: number): Uint8Array[]
  /** This node's chain heads for a heads request. */
  heads(): Record<string, number>
  /** A member peer connected (a good moment to compare heads and catch up). */
  onPeerConnected?(peerId: string): void
}
