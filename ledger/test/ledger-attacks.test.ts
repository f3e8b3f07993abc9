/**
 * Attacks from a member peer whose own network accepts anything (issue 6 "Tests"): forged
 * signature, wrong previous hash, replayed old block, another consortium's block, oversized block,
 * garbage bytes — each rejected on every honest node (`blocks_rejected_total{reason}`) with the
 * sender's gossip score below 0 there; and a member that equivocates leaves evidence on every
 * honest node, its chain frozen. Each attack uses its own member identity: a peer's score is kept
 * for an hour, so after two rejects honest nodes ignore everything it sends.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlock, encodeBlock } from '../src/chain/block.js'
import { membershipFromGenesis } from '../src/chain/membership.js'
import type { Block, LedgerNetworkHandlers } from '../src/interface.js'
import type { LedgerNetworkNode } from '../src/net/create.js'
import { blockMessage, evidenceMessage } from '../src/node/wire.js'
import { type Cluster, makeCluster, waitFor } from './support/cluster.js'

const HONEST = 4
const permissive: LedgerNetworkHandlers = { validate: () => 'accept', onMessage: () => undefined, blocks: () => [], heads: () => ({}) }

describe('attacks from a member peer', () => {
  let cluster: Cluster
  let nextSpare = HONEST
  beforeAll(async () => {
    cluster = await makeCluster(HONEST, { spare: 7 })
    await Promise.all(Array.from({ length: HONEST }, (_, i) => cluster.start(i)))
    await waitFor('a full mesh', () => cluster.running().every((node) => node.status().peers.length === HONEST - 1), 20_000)
  })
  afterAll(() => cluster?.close())

  /** A new attacker: its member index, key, chain, and a network connected to every honest node. */
  type BlockInit = { prev?: Block; time?: number; reason?: string; txs?: number }
  async function attacker(serve?: (block: (init: BlockInit) => Block, chain: string) => LedgerNetworkHandlers): Promise<{ i: number; net: LedgerNetworkNode; block: (init: BlockInit) => Block }> {
    const i = nextSpare++
    const m = cluster.members[i]!
    const node = cluster.membership.byChain.get(`${m.id}-0`)!
    const block = ({ prev, time, reason, txs }: BlockInit): Block =>
      createBlock({
        membership: cluster.membership,
        node,
        privateKey: m.memberKey.privateKey,
        prev,
        time: time ?? Date.now(),
        txs: Array.from({ length: txs ?? 1 }, (_, k) => ({ kind: 'escalation-change' as const, hospital: m.id, from: 1 as const, to: 2 as const, reason: `${reason ?? 'attack'} ${k}`, at: Date.now() })),
      })
    const net = await cluster.rawNetwork(i, serve?.(block, node.chain) ?? permissive)
    await waitFor('attacker connected to every honest node', () => cluster.running().every((h) => h.status().peers.some((p) => p.peerId === net.peerId)), 20_000)
    // …and knowing that each of them subscribes to the blocks topic, so a publish reaches them all at once.
    await waitFor('attacker sees every honest node on the topic', () => cluster.running().every((h) => net.topicPeers().includes(h.status().peerId)), 20_000)
    return { i, net, block }
  }

  /**
   * Publishes instances of one attack (`message(k)`: a new message each time, with the same fault)
   * until every honest node has rejected one: a rejected message is not relayed, so each honest
   * node must hear it from the attacker, whose view of their subscriptions may lag its connection.
   */
  async function expectRejected(net: LedgerNetworkNode, reason: string, message: (k: number) => Uint8Array): Promise<void> {
    const key = `blocks_rejected_total{reason="${reason}"}`
    let k = 0
    net.publish(message(k++))
    const timer = setInterval(() => net.publish(message(k++)), 300)
    try {
      await waitFor(`${reason} rejected on every honest node`, () => cluster.running().every((h) => (h.metrics()[key] ?? 0) >= 1))
    } catch (err) {
      const seen = cluster.running().map((h, i) => ({ rejected: Object.entries(h.metrics()).filter(([m]) => m.startsWith("blocks_rejected")), score: cluster.network(i)?.score(net.peerId), peers: net.peers().length, sent: k }))
      throw new Error(`${(err as Error).message}: ${JSON.stringify(seen)}`, { cause: err })
    } finally {
      clearInterval(timer)
    }
    for (let i = 0; i < HONEST; i++) {
      await waitFor(`attacker score below 0 on node ${i}`, () => cluster.network(i)!.score(net.peerId) < 0)
    }
    await net.stop()
  }

  it('garbage bytes', async () => {
    const { net } = await attacker()
    await expectRejected(net, 'malformed', () => new Uint8Array([0x01, ...randomBytes(300)]))
  })

  it('a forged signature (an honest chain\'s block signed with the attacker\'s key)', async () => {
    const { net } = await attacker()
    const victim = cluster.membership.byChain.get(`${cluster.members[0]!.id}-0`)!
    const forged = (k: number): Block =>
      createBlock({
        membership: cluster.membership,
        node: victim,
        privateKey: cluster.members[nextSpare - 1]!.memberKey.privateKey,
        prev: undefined,
        time: Date.now(),
        txs: [{ kind: 'escalation-change', hospital: victim.member, from: 1, to: 4, reason: `forged ${k}`, at: Date.now() }],
      })
    await expectRejected(net, 'bad-signature', (k) => blockMessage(forged(k)))
  })

  it('a wrong previous hash', async () => {
    const { i, net, block } = await attacker()
    const first = block({ reason: 'first' })
    net.publish(blockMessage(first))
    await waitFor('first block held everywhere', () => cluster.running().every((h) => h.block(`${cluster.members[i]!.id}-0`, 0)?.hash === first.hash))
    await expectRejected(net, 'bad-link', (k) => blockMessage(block({ prev: { ...first, hash: 'ab'.repeat(32) }, reason: `relinked ${k}` })))
  })

  it('a replayed old block', async () => {
    // Honest nodes fetch the attacker's old blocks by sync when it connects (so gossip has never
    // seen them), then it publishes them again: held already, and too old to be a late relay.
    const old: Block[] = []
    let chainId = ''
    const { net } = await attacker((block, chain) => {
      chainId = chain
      for (let h = 0; h < 40; h++) old.push(block({ prev: old[h - 1], time: Date.now() - 11 * 60_000, reason: `old ${h}` }))
      return { ...permissive, heads: () => ({ [chain]: old.length - 1 }), blocks: (c, from, max) => (c === chain ? old.slice(from, from + max).map(encodeBlock) : []) }
    })
    await waitFor('old blocks synced by every honest node', () => cluster.running().every((h) => h.block(chainId, old.length - 1)?.hash === old.at(-1)!.hash))
    await expectRejected(net, 'stale', (k) => blockMessage(old[k % old.length]!))
  })

  it('a block of another consortium', async () => {
    const { i, net } = await attacker()
    const other = membershipFromGenesis({ ...cluster.genesis, consortiumId: 'other-consortium' })
    const m = cluster.members[i]!
    const foreign = (k: number): Block =>
      createBlock({
        membership: other,
        node: other.byChain.get(`${m.id}-0`)!,
        privateKey: m.memberKey.privateKey,
        time: Date.now(),
        txs: [{ kind: 'escalation-change', hospital: m.id, from: 1, to: 2, reason: `elsewhere ${k}`, at: Date.now() }],
      })
    await expectRejected(net, 'wrong-consortium', (k) => blockMessage(foreign(k)))
  })

  it('an oversized block', async () => {
    const { net, block } = await attacker()
    const big = (k: number): Block => block({ txs: 1_000, reason: `${k} ${'x'.repeat(180)}` })
    expect(encodeBlock(big(0)).byteLength).toBeGreaterThan(256 * 1024)
    await expectRejected(net, 'oversized', (k) => blockMessage(big(k)))
  })

  it('a member that equivocates: evidence on every honest node, its chain frozen', async () => {
    const { i, net, block } = await attacker()
    const chain = `${cluster.members[i]!.id}-0`
    const a = block({ reason: 'fork a' })
    const b = block({ reason: 'fork b' })
    net.publish(blockMessage(a))
    net.publish(blockMessage(b))
    await waitFor('evidence on every honest node', () => cluster.running().every((h) => h.evidence().some((e) => e.chain === chain && e.height === 0)))
      .catch((err: unknown) => {
        throw new Error(`${(err as Error).message}: ${JSON.stringify(cluster.running().map((h) => [h.evidence().length, h.block(chain, 0)?.hash.slice(0, 8), h.metrics()]))} a=${a.hash.slice(0, 8)} b=${b.hash.slice(0, 8)}`)
      })
    for (const h of cluster.running()) {
      const e = h.evidence().find((x) => x.chain === chain)!
      expect(new Set(e.blocks.map((x) => x.hash))).toEqual(new Set([a.hash, b.hash]))
      const head = h.heads().find((x) => x.chain === chain)
      if (head !== undefined) expect(head.frozenAt).toBe(0)
      expect(h.metrics().equivocations_total).toBe(1)
    }
    // Evidence gossiped on its own is adopted too (and not counted twice).
    net.publish(evidenceMessage(b, a))
    await new Promise((r) => setTimeout(r, 300))
    for (const h of cluster.running()) expect(h.evidence().filter((x) => x.chain === chain)).toHaveLength(1)
    await net.stop()
  })
})
