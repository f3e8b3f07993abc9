/* eslint-disable @typescript-eslint/require-await -- the contract is async; memory answers at once */
/**
 * An in-memory `ChainStore` and last-signed guard: the contract of `interface.ts` without the
 * disk, for node tests that are about the protocol rather than durability.
 */
import type { Block, ChainStore } from '../../src/interface.js'
import type { SignGuard } from '../../src/node/producer.js'

/** In-memory chains, evidence and last-signed record (survives `close()`, so a "restart" can reopen it). */
export class MemoryStore implements ChainStore {
  readonly chainsMap = new Map<string, Block[]>()
  readonly evidenceList: Array<{ chain: string; height: number; blocks: [Block, Block]; detectedAt: number }> = []
  lastSigned: { height: number; hash: string } | undefined

  head(chain: string): Block | undefined {
    const c = this.chainsMap.get(chain)
    return c?.[c.length - 1]
  }

  get(chain: string, height: number): Block | undefined {
    return this.chainsMap.get(chain)?.[height]
  }

  range(chain: string, from: number, max: number): Block[] {
    return (this.chainsMap.get(chain) ?? []).slice(from, from + max)
  }

  async append(block: Block): Promise<void> {
    const c = this.chainsMap.get(block.header.chain) ?? []
    if (block.header.height !== c.length) throw new Error(`append ${block.header.chain}#${block.header.height} after height ${c.length - 1}`)
    c.push(block)
    this.chainsMap.set(block.header.chain, c)
  }

  async recordEvidence(a: Block, b: Block): Promise<void> {
    this.evidenceList.push({ chain: a.header.chain, height: a.header.height, blocks: [a, b], detectedAt: Date.now() })
  }

  evidence(): Array<{ chain: string; height: number; blocks: [Block, Block]; detectedAt: number }> {
    return [...this.evidenceList]
  }

  chains(): string[] {
    return [...this.chainsMap.keys()]
  }

  async close(): Promise<void> {}

  /** The guard over this store's last-signed record. */
  guard(): SignGuard {
    return {
      assertMaySign: (block) => {
        const last = this.lastSigned
        if (last !== undefined && block.header.height <= last.height) throw new Error(`refusing to sign ${block.header.chain}#${block.header.height}: signed #${last.height} already`)
      },
      recordSigned: async (block) => {
        this.lastSigned = { height: block.header.height, hash: block.hash }
      },
    }
  }
}

/** Node deps with one in-memory store per data folder (kept across restarts of the same node). */
export function memoryDeps(): { openStore: (o: { dataDir: string }) => Promise<{ store: MemoryStore; guard: SignGuard }>; stores: Map<string, MemoryStore> } {
  const stores = new Map<string, MemoryStore>()
  return {
    stores,
    openStore: async ({ dataDir }) => {
      let store = stores.get(dataDir)
      if (store === undefined) stores.set(dataDir, (store = new MemoryStore()))
      return { store, guard: store.guard() }
    },
  }
}
