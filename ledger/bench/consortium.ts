/**
 * Real ledger nodes in this process on loopback for the bench: keys on disk, a genesis, one config
 * per node (listen on a free port, bootstrap to the nodes already up), started one after another.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Genesis, type LedgerConfig, parseGenesis, parseLedgerConfig } from '@rhn/protocols'
import { generateMemberKey, generatePeerKey, writeKeyFile } from '../src/chain/keys.js'
import { createLedgerNode } from '../src/node/ledger-node.js'
import type { LedgerNode } from '../src/node/types.js'

/** Member ids of the bench consortium (ODS-style codes). */
export const MEMBER_IDS = ['RXA', 'RXB', 'RXC', 'RXD', 'RXE', 'RXF', 'RXG', 'RXH']

/** A consortium of N single-node members, with its folder. */
export interface BenchConsortium {
  dir: string
  genesis: Genesis
  /** The node folders, one per member (keys in `keys/`, data in `data/`). */
  memberDirs: string[]
  nodes: LedgerNode[]
  /** Starts member `i`'s node, bootstrapping to every running node; `extra` overrides config keys. */
  start(i: number, extra?: Partial<LedgerConfig>): Promise<LedgerNode>
  /** Stops every node and removes the folder. */
  close(): Promise<void>
}

/** Writes keys and the genesis of `n` members; starts nothing. */
export async function makeBenchConsortium(n: number, fsync: LedgerConfig['fsync']): Promise<BenchConsortium> {
  const dir = await mkdtemp(join(tmpdir(), `rhn-ledger-bench-${n}-`))
  const memberDirs: string[] = []
  const members = []
  for (let i = 0; i < n; i++) {
    const id = MEMBER_IDS[i]!
    const memberDir = join(dir, id.toLowerCase())
    const key = generateMemberKey()
    const peer = await generatePeerKey()
    await writeKeyFile(join(memberDir, 'keys', 'member.key'), key.privateKeyPem)
    await writeKeyFile(join(memberDir, 'keys', 'peer.key'), peer.bytes)
    memberDirs.push(memberDir)
    members.push({ id, name: `Bench hospital ${id}`, publicKeys: [key.publicKeyBase64], peerIds: [peer.peerId] })
  }
  const genesis = parseGenesis(JSON.stringify({ consortiumId: 'bench-consortium', createdAt: new Date().toISOString(), members }))
  const nodes: LedgerNode[] = []
  return {
    dir,
    genesis,
    memberDirs,
    nodes,
    async start(i, extra = {}) {
      const bootstrap = nodes.flatMap((node) => node.status().listen.filter((a) => a.includes('/ip4/127.0.0.1/')).slice(0, 1))
      const config = parseLedgerConfig(
        JSON.stringify({ memberId: MEMBER_IDS[i], genesisFile: '../genesis.yaml', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, fsync, api: { port: 0 }, ...extra }),
      )
      const node = createLedgerNode({ config, genesis, baseDir: memberDirs[i] })
      await node.start()
      nodes.push(node)
      return node
    },
    async close() {
      await Promise.all(nodes.map((node) => node.stop()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Resolves once every node sees every other as a connected peer (or throws after `timeoutMs`). */
export async function fullyConnected(nodes: LedgerNode[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!nodes.every((node) => new Set(node.status().peers.map((p) => p.member)).size === nodes.length - 1)) {
    if (Date.now() > deadline) throw new Error(`nodes not fully connected after ${timeoutMs} ms: ${nodes.map((node) => `${node.member}:${node.status().peers.length}`).join(' ')}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
