/**
 * Region mode on real ledger nodes (issue 7): four members on loopback (libp2p, file stores, quorum
 * > 2/3 = 3 of 4), two hospitals submitting capacity snapshots to their own nodes, the region
 * reading confirmed transactions from a third member's node over its HTTP API, and a recommendation
 * filed from the region page's API through RXA's own node coming back confirmed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLedgerApi, createLedgerNode, generateMemberKey, generatePeerKey, type LedgerNode, writeKeyFile } from '@rhn/ledger'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { GenesisSchema, LedgerConfigSchema } from '@rhn/protocols'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HospitalFigures, RecommendationsView, RegionAggregator, RegionFlows } from '../src/index.js'
import { ENGINEER, type RegionDir, get, makeRegionDir, post, regionAggregator, snapshot, unit, waitFor } from './region-support.js'
import { freePort } from '@rhn/test/harness'

const MEMBERS = ['RXA', 'RXB', 'RXC', 'RXD']

describe('region on real ledger nodes', () => {
  let root: string
  const nodes: LedgerNode[] = []
  const apis: FastifyInstance[] = []
  const TOKEN = 'ledger-api-token-0123456789abcdef'
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
    // RXC's node is the region's; RXA's node is RXA's delegate for one-step requests.
    const urls: string[] = []
    for (const i of [2, 0]) {
      const api = createLedgerApi({ node: nodes[i]!, token: TOKEN, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })
      apis.push(api)
      urls.push(await api.listen())
    }
    dir = await makeRegionDir(urls[0]!, { RXA: { url: urls[1]!, token: TOKEN } })
    region = await regionAggregator(dir)
    await region.start()
  }, 90_000)

  afterAll(async () => {
    await region?.stop()
    await Promise.all(apis.map((a) => a.close()))
    await Promise.all(nodes.map((n) => n.stop()))
    await dir?.remove()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('shows what each hospital confirmed through its own node, once a quorum endorsed it', async () => {
    const t = Math.floor(Date.now() / 1000) * 1000
    // RXA: 10 critical patients, 6 ventilators all in use; RXB: 8 ventilators, 2 in use.
    await nodes[0]!.submit(snapshot('RXA', t, [unit('rxa-icu', 'icu', [12, 10], [6, 6])]))
    await nodes[1]!.submit(snapshot('RXB', t, [unit('rxb-icu', 'icu', [8, 2], [8, 2])]))
    const hospitals = await waitFor(
      async () => {
        const hs = (await get<HospitalFigures[]>(region.url!, '/api/region/hospitals')).body
        return hs.filter((h) => h.reporting).length === 2 ? hs : undefined
      },
      'both snapshots confirmed and in the region view',
      45_000,
    )
    const rxa = hospitals.find((h) => h.id === 'RXA')!
    expect(rxa.beds).toEqual({ total: 12, occupied: 10, available: 2 })
    expect(rxa.takenAt).toBe(t)
    expect(rxa.confirmedAt).toBeGreaterThanOrEqual(t)
    // The txId is the node's: the region can point at the exact confirmed transaction.
    expect(nodes[2]!.txStatus(rxa.txId!)).toMatchObject({ status: 'confirmed' })
    expect(hospitals.find((h) => h.id === 'RXB')!.beds.occupied).toBe(2)
  }, 60_000)

  it('files a recommendation through RXA’s own node and shows the request once confirmed', async () => {
    const rec = await waitFor(async () => (await get<RecommendationsView>(region.url!, '/api/region/recommendations')).body.recommendations.find((r) => r.kind === 'ventilator'), 'a ventilator recommendation', 20_000)
    expect(rec).toMatchObject({ from: 'RXB', to: 'RXA', quantity: 4 })
    const res = await post<{ txId: string; request: { id: string } }>(region.url!, `/api/region/recommendations/${rec.id}/request`, ENGINEER.token)
    expect(res.status).toBe(202)
    const flows = await waitFor(
      async () => {
        const f = (await get<RegionFlows>(region.url!, '/api/region/flows')).body
        return f.requests.some((r) => r.id === res.body.request.id) ? f : undefined
      },
      'the request confirmed and in the region flows',
      45_000,
    )
    expect(flows.requests.find((r) => r.id === res.body.request.id)).toMatchObject({ from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 4, status: 'open' })
    expect(nodes[0]!.txStatus(res.body.txId)).toMatchObject({ status: 'confirmed' })
  }, 60_000)
})
