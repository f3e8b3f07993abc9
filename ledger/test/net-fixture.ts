/**
 * Test fixture of the network layer: N members with fresh libp2p Ed25519 keys, a Membership-like
 * object built here (independent of `chain/`), and nodes whose handlers record what they see.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Genesis, LedgerConfig } from '@rhn/protocols'
import type { GossipVerdict, LedgerNetworkHandlers, Membership } from '../src/interface.js'
import { createLedgerNetwork, type LedgerNetworkInit, type LedgerNetworkNode } from '../src/net/create.js'

/** Gossip settings for quick tests: 100 ms heartbeats, 64 KiB messages. */
export const TEST_GOSSIP: LedgerConfig['gossip'] = { heartbeatIntervalMs: 100, D: 6, Dlo: 4, Dhi: 12, floodPublish: true, maxMessageBytes: 64 * 1024 }
/** Sync settings for tests: 10 blocks per answer, 3 s timeout. */
export const TEST_SYNC: LedgerConfig['sync'] = { batchBlocks: 10, timeoutMs: 3_000 }

/** Members with their libp2p keys and the membership the gater checks. */
export interface TestMembers {
  keys: PrivateKey[]
  peerIds: string[]
  membership: Pick<Membership, 'peerMembers' | 'genesis'>
}

/** Makes `n` members `RXA`, `RXB`, … each with one libp2p key. */
export async function makeMembers(n: number, consortiumId = 'test-net'): Promise<TestMembers> {
  const keys = await Promise.all(Array.from({ length: n }, () => generateKeyPair('Ed25519')))
  const peerIds = keys.map((k) => peerIdFromPrivateKey(k).toString())
  const ids = peerIds.map((_, i) => `RX${String.fromCharCode(65 + i)}`)
  const genesis: Genesis = {
    consortiumId,
    createdAt: '2025-01-01T00:00:00Z',
    quorum: '>2/3',
    members: ids.map((id, i) => ({ id, name: `Hospital ${id}`, publicKeys: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='], peerIds: [peerIds[i] as string] })),
  }
  return { keys, peerIds, membership: { genesis, peerMembers: new Map(peerIds.map((p, i) => [p, ids[i] as string])) } }
}

/** One message as a handler saw it. */
export interface Seen {
  text: string
  fromPeer: string
}

/** Handlers that record what they see; `verdict` decides validation, `chains` backs the sync protocol. */
export class RecordingHandlers implements LedgerNetworkHandlers {
  readonly validated: Seen[] = []
  readonly delivered: Seen[] = []
  readonly connected: string[] = []
  verdict: (text: string, fromPeer: string) => GossipVerdict = () => 'accept'
  readonly chains = new Map<string, Uint8Array[]>()

  validate(data: Uint8Array, fromPeer: string): GossipVerdict {
    const text = Buffer.from(data).toString('utf8')
    this.validated.push({ text, fromPeer })
    return this.verdict(text, fromPeer)
  }

  onMessage(data: Uint8Array, fromPeer: string): void {
    this.delivered.push({ text: Buffer.from(data).toString('utf8'), fromPeer })
  }

  blocks(chain: string, from: number, max: number): Uint8Array[] {
    return (this.chains.get(chain) ?? []).slice(from, from + max)
  }

  heads(): Record<string, number> {
    return Object.fromEntries([...this.chains].filter(([, b]) => b.length > 0).map(([chain, b]) => [chain, b.length - 1]))
  }

  onPeerConnected(peerId: string): void {
    this.connected.push(peerId)
  }

  /** Texts delivered, in order. */
  texts(): string[] {
    return this.delivered.map((s) => s.text)
  }
}

/** A started test node. */
export interface TestNode {
  net: LedgerNetworkNode
  handlers: RecordingHandlers
}

/** Starts member `i` on 127.0.0.1 (port 0 unless `listen` is given), with test gossip/sync settings and short re-dial backoff. */
export async function startMember(members: TestMembers, i: number, overrides: Partial<LedgerNetworkInit> = {}, handlers = new RecordingHandlers()): Promise<TestNode> {
  const key = members.keys[i]
  if (key === undefined) throw new Error(`no member ${i}`)
  const net = await createLedgerNetwork(
    {
      privateKey: key,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      membership: members.membership,
      gossip: TEST_GOSSIP,
      sync: TEST_SYNC,
      redial: { minMs: 100, maxMs: 400 },
      ...overrides,
    },
    handlers,
  )
  return { net, handlers }
}

/** Polls `check` every 25 ms until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Bytes of a UTF-8 string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Waits until every node is connected to every other (the peer exchange makes a full mesh) and knows each is subscribed. */
export async function fullMesh(nodes: TestNode[], timeoutMs = 10_000): Promise<void> {
  const n = nodes.length - 1
  await waitFor(`a full mesh of ${nodes.length} subscribed nodes`, () => nodes.every((x) => x.net.peers().length === n && x.net.topicPeers().length === n), timeoutMs)
}
