// The node hands blocks to the store without holding its queue through each fsync (so blocks that
// arrive together share one), but nothing acts on a block before it is durable: no endorsement of
// it, no confirmation, and a block that follows it is still taken (the next block links to it).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Block } from '../src/interface.js'
import { ConfirmLog } from '../src/node/confirm-log.js'
import { NodeCore } from '../src/node/core.js'
import { buildChain } from './fixtures/chain-builder.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'
import { MemoryStore } from './support/memory-store.js'

/** A memory store whose appends become durable only when the test opens the gate. */
class GatedStore extends MemoryStore {
  readonly waiting: Array<() => void> = []
  appends = 0
  override async append(block: Block): Promise<void> {
    this.appends++
    await new Promise<void>((resolve) => this.waiting.push(resolve))
    await super.append(block)
  }
  open(): void {
    for (const release of this.waiting.splice(0)) release()
  }
}

let c: TestConsortium
let dir: string
beforeAll(async () => {
  c = await makeConsortium(4)
  dir = await mkdtemp(join(tmpdir(), 'rhn-ledger-durable-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function core(store: GatedStore): NodeCore {
  const self = c.nodes[0]!.node
  const log = new ConfirmLog(join(dir, `${Math.random()}.log`))
  log.open()
  return new NodeCore({ membership: c.membership, self, store, confirmLog: log, now: Date.now, logger: pino({ level: 'silent' }), announceEvidence: () => undefined })
}

describe('node core: durability before anything acts on a block', () => {
  it('takes consecutive blocks without waiting for each fsync, endorses none of them before they are durable', async () => {
    const store = new GatedStore()
    const node = core(store)
    const [b0, b1, b2] = buildChain(c, c.nodes[1]!, 3)
    const received = [node.receive(b0!), node.receive(b1!), node.receive(b2!)]
    await new Promise((r) => setTimeout(r, 20))
    // All three handed to the store at once (one group commit), none durable yet.
    expect(store.appends).toBe(3)
    expect(node.tip('RXB-0')?.hash).toBe(b2!.hash)
    expect(node.held('RXB-0', 1)?.hash).toBe(b1!.hash)
    expect(store.head('RXB-0')).toBeUndefined()
    expect(node.mempool.endorsements).toBe(0)
    // A second copy while it is being written is a duplicate, not a bad link.
    const dup = node.receive(b1!)
    store.open()
    expect(await Promise.all(received)).toEqual(['appended', 'appended', 'appended'])
    expect(await dup).toBe('duplicate')
    expect(store.head('RXB-0')?.hash).toBe(b2!.hash)
    expect(node.mempool.endorsements).toBe(3)
    await node.settled()
  })

  it('a sync batch is handed to the store at once and reported once durable', async () => {
    const store = new GatedStore()
    const node = core(store)
    const blocks = buildChain(c, c.nodes[2]!, 5)
    const done = node.receiveMany(blocks)
    await new Promise((r) => setTimeout(r, 20))
    expect(store.appends).toBe(5)
    store.open()
    expect(await done).toEqual(['appended', 'appended', 'appended', 'appended', 'appended'])
    expect(node.metrics.snapshot().blocks_received_total).toBe(5)
  })
})
