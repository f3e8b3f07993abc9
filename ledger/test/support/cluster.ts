/**
 * A consortium of real ledger nodes on loopback for the multi-node tests: keys and genesis made
 * fresh, one data folder per node under a temp dir, fixed ports (so a restarted node keeps its
 * address and the others' re-dialers find it), every node bootstrapping to every other.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { type Genesis, GenesisSchema, type LedgerConfig, LedgerConfigSchema } from '@rhn/protocols'
import { generateMemberKey, generatePeerKey, type MemberKey, type PeerKey, writeKeyFile } from '../../src/chain/keys.js'
import { membershipFromGenesis } from '../../src/chain/membership.js'
import type { LedgerNetworkHandlers, Membership } from '../../src/interface.js'
import { createLedgerNetwork, type LedgerNetworkNode } from '../../src/net/create.js'
import { createLedgerNode, type LedgerNodeDeps } from '../../src/node/ledger-node.js'
import type { LedgerNode } from '../../src/node/types.js'
import { freePort } from '../cli-support.js'

/** One member of the test consortium. */
export interface TestMember {
  id: string
  memberKey: MemberKey
  peerKey: PeerKey
  port: number
  dir: string
  config: LedgerConfig
  node: LedgerNode | undefined
}

/** Options of {@link makeCluster}. */
export interface ClusterOptions {
  /** Block interval, ms (default 20). */
  intervalMs?: number
  /** Members that get keys in the genesis but no node (attackers, late joiners). */
  spare?: number
  /** Store seam (default the file store). */
  deps?: LedgerNodeDeps | undefined
  now?: () => number
  /** block.maxBytes (default 256 KiB: oversized blocks are cheap to build). */
  maxBytes?: number
}

/** A running test consortium. */
export interface Cluster {
  genesis: Genesis
  membership: Membership
  members: TestMember[]
  /** Starts (or restarts) member i's node with its data folder and keys. */
  start(i: number): Promise<LedgerNode>
  /** Stops member i's node. */
  stop(i: number): Promise<void>
  /** A raw network with member i's peer identity and the given handlers (attack tests). */
  rawNetwork(i: number, handlers: LedgerNetworkHandlers): Promise<LedgerNetworkNode>
  /** The network of member i's running node (scores as that node sees them). */
  network(i: number): LedgerNetworkNode | undefined
  /** Every running node. */
  running(): LedgerNode[]
  close(): Promise<void>
}

/** Builds `n` members (+ spares) with keys, genesis and configs; starts no node. */
export async function makeCluster(n: number, options: ClusterOptions = {}): Promise<Cluster> {
  const root = await mkdtemp(join(tmpdir(), 'rhn-ledger-'))
  const total = n + (options.spare ?? 0)
  const raw = await Promise.all(
    Array.from({ length: total }, async (_, i) => ({ id: `R${String(i).padStart(2, '0')}`, memberKey: generateMemberKey(), peerKey: await generatePeerKey(), port: await freePort() })),
  )
  const genesis = GenesisSchema.parse({
    consortiumId: 'test-consortium',
    createdAt: '2025-01-01T00:00:00Z',
    members: raw.map((m) => ({ id: m.id, name: `Hospital ${m.id}`, publicKeys: [m.memberKey.publicKeyBase64], peerIds: [m.peerKey.peerId] })),
  })
  const addr = (m: (typeof raw)[number]): string => `/ip4/127.0.0.1/tcp/${m.port}/p2p/${m.peerKey.peerId}`
  const members: TestMember[] = await Promise.all(
    raw.map(async (m, i) => {
      const dir = join(root, m.id)
      await writeKeyFile(join(dir, 'keys/member.key'), m.memberKey.privateKeyPem)
      await writeKeyFile(join(dir, 'keys/peer.key'), m.peerKey.bytes)
      const config = LedgerConfigSchema.parse({
        memberId: m.id,
        genesisFile: 'genesis.yaml',
        listen: [`/ip4/127.0.0.1/tcp/${m.port}`],
        bootstrap: raw.filter((_, j) => j !== i && j < n).map(addr),
        fsync: 'never',
        block: { intervalMs: options.intervalMs ?? 20, maxBytes: options.maxBytes ?? 256 * 1024 },
        gossip: { heartbeatIntervalMs: 100 },
        sync: { timeoutMs: 5_000, batchBlocks: 100 },
      })
      return { ...m, dir, config, node: undefined }
    }),
  )
  const membership = membershipFromGenesis(genesis)
  const networks = new Set<LedgerNetworkNode>()
  const nodeNetworks = new Map<number, LedgerNetworkNode>()
  const netInit = (m: TestMember) => ({
    privateKey: m.peerKey.privateKey,
    listen: m.config.listen,
    bootstrap: m.config.bootstrap,
    membership,
    gossip: m.config.gossip,
    sync: m.config.sync,
    redial: { minMs: 100, maxMs: 500 },
    logger: testLogger(m.id),
  })
  const cluster: Cluster = {
    genesis,
    membership,
    members,
    async start(i) {
      const m = members[i]!
      const node = createLedgerNode(
        { config: m.config, genesis, baseDir: m.dir, now: options.now, logger: testLogger(m.id), network: async (h) => {
            const net = await createLedgerNetwork(netInit(m), h)
            nodeNetworks.set(i, net)
            return net
          },
        },
        options.deps,
      )
      await node.start()
      m.node = node
      return node
    },
    async stop(i) {
      const m = members[i]!
      await m.node?.stop()
      m.node = undefined
      nodeNetworks.delete(i)
    },
    async rawNetwork(i, handlers) {
      const net = await createLedgerNetwork(netInit(members[i]!), handlers)
      networks.add(net)
      return net
    },
    network: (i) => nodeNetworks.get(i),
    running: () => members.flatMap((m) => (m.node === undefined ? [] : [m.node])),
    async close() {
      await Promise.all(members.map((_, i) => cluster.stop(i)))
      await Promise.all([...networks].map((net) => net.stop()))
      await rm(root, { recursive: true, force: true })
    },
  }
  return cluster
}

/** Silent unless `RHN_TEST_LOG` names a pino level (debugging a failing run). */
function testLogger(member: string): Logger {
  return pino({ level: process.env.RHN_TEST_LOG ?? 'silent', base: { node: member } })
}

/** Polls `check` until it returns true (or throws after `timeoutMs`, naming `what`). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
