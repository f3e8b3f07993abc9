/**
 * Real ledger nodes in this process on loopback for the bench: the test fixture's consortium (keys
 * and genesis on disk), one config per node (listen on a free port, bootstrap to the nodes already
 * up), started one after another, on this event loop (`start`) or each in a thread of its own
 * (`startThread`, thread-node.ts).
 */
import { rm } from 'node:fs/promises'
import { type LedgerConfig, parseLedgerConfig } from '@rhn/protocols'
import { createLedgerNode } from '../src/node/ledger-node.js'
import type { LedgerNode } from '../src/node/types.js'
import { makeConsortium, type TestConsortium } from '../test/fixtures/consortium.js'
import { ThreadNode } from './thread-node.js'

/** Config keys merged into every node's config (`RHN_BENCH_LEDGER_CONFIG`, JSON, e.g. `{"block":{"intervalMs":100}}`): A/B runs of settings. */
const EXTRA_CONFIG = JSON.parse(process.env.RHN_BENCH_LEDGER_CONFIG ?? '{}') as Record<string, unknown>

/** A test consortium of N single-node members with the nodes started so far. */
export interface BenchConsortium {
  fixture: TestConsortium
  nodes: LedgerNode[]
  /** Starts member `i`'s node on this event loop, bootstrapping to every running node. */
  start(i: number): Promise<LedgerNode>
  /** Loads member `i`'s node in a worker thread of its own, to bootstrap to every node running so far; call its `start`. */
  spawnThread(i: number): Promise<ThreadNode>
  /** Stops every node and removes the folder. */
  close(): Promise<void>
}

/** Writes keys and the genesis of `n` members; starts nothing. */
export async function makeBenchConsortium(n: number, fsync: LedgerConfig['fsync']): Promise<BenchConsortium> {
  const fixture = await makeConsortium(n, { consortiumId: 'bench-consortium' })
  const nodes: LedgerNode[] = []
  const threads: ThreadNode[] = []
  /** Member `i`'s config, bootstrapping to every node started so far. */
  const configOf = async (i: number): Promise<LedgerConfig> => {
    const t = fixture.nodes[i]!
    const statuses = [...nodes.map((node) => node.status()), ...(await Promise.all(threads.map((node) => node.status())))]
    const bootstrap = statuses.flatMap((status) => status.listen.filter((a) => a.includes('/ip4/127.0.0.1/')).slice(0, 1))
    return parseLedgerConfig(
      JSON.stringify({ ...EXTRA_CONFIG, memberId: t.member, keyFile: t.keyFile, peerKeyFile: t.peerKeyFile, genesisFile: fixture.genesisFile, dataDir: t.dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, fsync }),
    )
  }
  return {
    fixture,
    nodes,
    async start(i) {
      const node = createLedgerNode({ config: await configOf(i), genesis: fixture.genesis })
      await node.start()
      nodes.push(node)
      return node
    },
    async spawnThread(i) {
      const node = await ThreadNode.spawn({ config: await configOf(i), genesis: fixture.genesis })
      threads.push(node)
      return node
    },
    async close() {
      await Promise.all([...nodes, ...threads].map((node) => node.stop()))
      await rm(fixture.dir, { recursive: true, force: true })
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
