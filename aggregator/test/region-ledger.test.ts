/**
 * Region mode on real ledger nodes (issue 7): four members on loopback (libp2p, file stores, quorum
 * > 2/3 = 3 of 4), two hospitals submitting capacity snapshots to their own nodes, the region
 * reading confirmed transactions from a third member's node. The node is read in-process through its
 * `confirmed(after, limit)` (the call the node's /api/confirmed answers with), since `@rhn/ledger`
 * does not export its HTTP API yet.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLedgerNode, generateMemberKey, generatePeerKey, type LedgerNode, writeKeyFile } from '@rhn/ledger'
import { GenesisSchema, LedgerConfigSchema } from '@rhn/protocols'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConfirmedSource, HospitalFigures, RegionAggregator } from '../src/index.js'
import { type RegionDir, get, makeRegionDir, regionAggregator, snapshot, unit, waitFor } from './region-support.js'

const MEMBERS = ['RXA', 'RXB', 'RXC', 'RXD']

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

describe('region on real ledger nodes', () => {
  let root: string
  const nodes: LedgerNode[] = []
  let dir: RegionDir
  let region: RegionAggregator

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rhn-region-ledger-'))
    const raw = await Promise.all(MEMBERS.map(async (id) => ({ id, memberKey: generateMemberKey(), peerKey: await generatePeerKey(), port: await freePort() })))
    const genesis = GenesisSchema.parse({
      consortiumId: 'north-test',
      createdAt: '2025-01-01T00:00:00Z',
      members: raw.map((m) => ({ id: m.id, name: `Hospital ${m.id}`, publicKeys: [m.memberKey.publicKeyBase64], peerIds: [m.peerKey.peerId] })),
    })
    for (const m of raw) {
      const base = join(root, m.id)
      await writeKeyFile(join(base, 'keys/member.key'), m.memberKey.privateKeyPem)
      await writeKeyFile(join(base, 'keys/peer.key'), m.peerKey.bytes)
      const config = LedgerConfigSchema.parse({
        memberId: m.id,
        genesisFile: 'genesis.yaml',
        listen: [`/ip4/127.0.0.1/tcp/${m.port}`],
        bootstrap: raw.filter((o) => o !== m).map((o) => `/ip4/127.0.0.1/tcp/${o.port}/p2p/${o.peerKey.peerId}`),
        fsync: 'never',
        block: { intervalMs: 50 },
        gossip: { heartbeatIntervalMs: 100 },
      })
      nodes.push(createLedgerNode({ config, genesis, baseDir: base }))
    }
    await Promise.all(nodes.map((n) => n.start()))
    const regionNode = nodes[2]!
    const source: ConfirmedSource = { url: 'in-process://RXC', confirmed: (after, limit = 1_000) => Promise.resolve(regionNode.confirmed(after, limit)) }
    dir = await makeRegionDir('http://127.0.0.1:9') // the URL is unused: the source above is read instead
    region = await regionAggregator(dir, { ledger: source })
    await region.start()
  }, 90_000)

  afterAll(async () => {
    await region?.stop()
    await Promise.all(nodes.map((n) => n.stop()))
    await dir?.remove()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('shows what each hospital confirmed through its own node, once a quorum endorsed it', async () => {
    const t = Math.floor(Date.now() / 1000) * 1000
    await nodes[0]!.submit(snapshot('RXA', t, [unit('rxa-icu', 'icu', [12, 9], [10, 7])]))
    await nodes[1]!.submit(snapshot('RXB', t, [unit('rxb-icu', 'icu', [8, 3], [8, 2])]))
    const hospitals = await waitFor(
      async () => {
        const hs = (await get<HospitalFigures[]>(region.url!, '/api/region/hospitals')).body
        return hs.filter((h) => h.reporting).length === 2 ? hs : undefined
      },
      'both snapshots confirmed and in the region view',
      45_000,
    )
    const rxa = hospitals.find((h) => h.id === 'RXA')!
    expect(rxa.beds).toEqual({ total: 12, occupied: 9, available: 3 })
    expect(rxa.takenAt).toBe(t)
    expect(rxa.confirmedAt).toBeGreaterThanOrEqual(t)
    // The txId is the node's: the region can point at the exact confirmed transaction.
    expect(nodes[2]!.txStatus(rxa.txId!)).toMatchObject({ status: 'confirmed' })
    expect(hospitals.find((h) => h.id === 'RXB')!.beds.occupied).toBe(3)
  }, 60_000)
})
