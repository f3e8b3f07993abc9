/**
 * Catch-up of a fresh node over `/rhn/ledger/sync/1.0.0`: member A's chain of `blocks` blocks is
 * written straight into A's store (built with `createBlock`, as A's producer would have), A starts,
 * then a fresh node B starts, bootstraps to A and syncs, verifying every block before applying it.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LedgerConfig } from '@rhn/protocols'
import { createBlock } from '../src/chain/block.js'
import { parseMemberKey } from '../src/chain/keys.js'
import { membershipFromGenesis } from '../src/chain/membership.js'
import type { Block } from '../src/interface.js'
import { openChainStore } from '../src/store/file-store.js'
import { makeBenchConsortium } from './consortium.js'
import { snapshot } from './load.js'

/** What the catch-up measured. */
export interface CatchUpResult {
  blocks: number
  /** Fresh node start ▸ it holds the whole chain, ms (includes its start and connecting). */
  elapsedMs: number
  /** Writing the chain into A's store (setup, not measured as catch-up), ms. */
  buildMs: number
}

/** Runs the catch-up of a fresh node on a chain of `blocks` blocks (one transaction each). */
export async function catchUpPhase(blocks: number, fsync: LedgerConfig['fsync']): Promise<CatchUpResult> {
  const consortium = await makeBenchConsortium(2, fsync)
  try {
    const membership = membershipFromGenesis(consortium.genesis)
    const self = membership.nodes[0]!
    const privateKey = parseMemberKey(await readFile(join(consortium.memberDirs[0]!, 'keys', 'member.key')))
    const t0 = performance.now()
    // Setup only: written without fsync (the node's own appends honour its config).
    const store = await openChainStore({ dir: join(consortium.memberDirs[0]!, 'data', 'ledger'), membership, fsync: 'never' })
    let prev: Block | undefined
    const time0 = Date.now() - blocks
    for (let h = 0; h < blocks; h++) {
      prev = createBlock({ membership, node: self, privateKey, prev, txs: [snapshot(self.member, h)], time: time0 + h })
      await store.append(prev)
    }
    await store.recordSigned(prev!)
    await store.close()
    const buildMs = performance.now() - t0

    await consortium.start(0)
    const start = performance.now()
    const fresh = await consortium.start(1)
    const deadline = Date.now() + 300_000
    while ((fresh.heads().find((h) => h.chain === self.chain)?.height ?? -1) < blocks - 1) {
      if (Date.now() > deadline) throw new Error(`catch-up did not finish in 300 s (at ${fresh.heads().find((h) => h.chain === self.chain)?.height ?? -1} of ${blocks - 1})`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return { blocks, elapsedMs: performance.now() - start, buildMs }
  } finally {
    await consortium.close()
  }
}
