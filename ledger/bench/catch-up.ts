/**
 * Catch-up of a fresh node over `/rhn/ledger/sync/1.0.0`: member A's chain of `blocks` blocks is
 * written straight into A's store (built with `createBlock`, as A's producer would have), A starts,
 * then a fresh node B starts, bootstraps to A and syncs, verifying every block before applying it.
 * A and B each run in a worker thread of their own (thread-node.ts): two machines' work on two cores.
 */
import type { LedgerConfig } from '@rhn/protocols'
import { openChainStore } from '../src/store/file-store.js'
import { buildChain } from '../test/fixtures/chain-builder.js'
import { makeBenchConsortium } from './consortium.js'

/** What the catch-up measured. */
export interface CatchUpResult {
  blocks: number
  /** Fresh node start ▸ it holds the whole chain, ms (includes its start and connecting). */
  elapsedMs: number
  /** Fresh node start ▸ it holds the first block, ms: opening the store, libp2p, dialling, the heads exchange. */
  firstBlockMs: number
  /** Blocks after the first one ÷ the time from holding the first to holding the last, per s: the sync rate itself. */
  syncPerS: number
  /** Writing the chain into A's store (setup, not measured as catch-up), ms. */
  buildMs: number
  /** CPU time of this process over the catch-up (both nodes' threads), ms. */
  cpuMs: number
}

/** Runs the catch-up of a fresh node on a chain of `blocks` blocks (one transaction each). */
export async function catchUpPhase(blocks: number, fsync: LedgerConfig['fsync']): Promise<CatchUpResult> {
  const consortium = await makeBenchConsortium(2, fsync)
  try {
    const { fixture } = consortium
    const self = fixture.nodes[0]!
    const t0 = performance.now()
    // Recent block times (1 s apart, ending now), as a node that ran for a while would hold.
    const chain = buildChain(fixture, self, blocks, undefined, Date.now() - blocks * 1_000)
    // Setup only: written without fsync (the node's own appends honour its config).
    const store = await openChainStore({ dir: self.dataDir, membership: fixture.membership, fsync: 'never' })
    for (const block of chain) await store.append(block)
    await store.recordSigned(chain[chain.length - 1]!)
    await store.close()
    const buildMs = performance.now() - t0

    await (await consortium.spawnThread(0)).start()
    const fresh = await consortium.spawnThread(1)
    const start = performance.now()
    const cpu0 = process.cpuUsage()
    await fresh.start()
    const deadline = Date.now() + 300_000
    const height = async (): Promise<number> => (await fresh.heads()).find((h) => h.chain === self.chain)?.height ?? -1
    let first: { at: number; height: number } | undefined
    for (let at = await height(); at < blocks - 1; at = await height()) {
      if (Date.now() > deadline) throw new Error(`catch-up did not finish in 300 s (at ${at} of ${blocks - 1})`)
      if (first === undefined && at >= 0) first = { at: performance.now(), height: at }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const end = performance.now()
    const cpu = process.cpuUsage(cpu0)
    first ??= { at: end, height: blocks - 1 }
    const syncPerS = end > first.at ? ((blocks - 1 - first.height) * 1_000) / (end - first.at) : NaN
    return { blocks, elapsedMs: end - start, firstBlockMs: first.at - start, syncPerS, buildMs, cpuMs: (cpu.user + cpu.system) / 1_000 }
  } finally {
    await consortium.close()
  }
}
