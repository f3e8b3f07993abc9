/**
 * A region started without a checkpoint against a real ledger node holding many confirmed snapshots
 * (issue 7 "Speed"): it seeds its view from the node's `/api/state`, and right when it says ready the
 * view equals what a full replay of every confirmed transaction gives (figures, trend, escalation with
 * its admission trend, flows, recorded escalations); its history then fills in behind, the same
 * series a full replay writes; and a restart from its checkpoint reads nothing again.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLedgerApi, createLedgerNode, generateMemberKey, generatePeerKey, LedgerClient, type LedgerNode, writeKeyFile } from '@rhn/ledger'
import { GenesisSchema, LedgerConfigSchema, type SubmittedTxInput } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConfirmedSource, HistoryPoint, RegionAggregator, RegionHealth } from '../src/index.js'
import { get, makeRegionDir, type RegionDir, regionAggregator, snapshot, StandInLedger, unit, waitFor } from './region-support.js'

const SNAPSHOTS = 400
const STEP_MS = 10 * 60_000
/** Small pages, so the trend tail and the backfill each take many. */
const PAGE = 50
// Ending now: the store keeps its retention window (points older than it are not kept).
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - SNAPSHOTS * STEP_MS

/** Snapshot i of RXA: occupancy that moves, and admissions rising over the last day (the trend counts). */
function snapshotAt(i: number): SubmittedTxInput {
  const icu = 6 + ((i * 3) % 7)
  const admissions = i > SNAPSHOTS - 144 ? 2 + (i % 2) : i % 3 === 0 ? 1 : 0
  return snapshot('RXA', T0 + i * STEP_MS, [unit('rxa-icu', 'icu', [12, icu], [6, Math.min(6, icu - 4)], { admissions, discharges: i % 2 }), unit('rxa-ward-1', 'ward', [28, 20 + (i % 5)])])
}

describe('region seeded from a real ledger node’s state', () => {
  let root: string
  let node: LedgerNode
  let api: FastifyInstance
  let url: string
  const dirs: RegionDir[] = []
  const regions: RegionAggregator[] = []

  const start = async (init: Parameters<typeof regionAggregator>[1] = {}, dir?: RegionDir): Promise<{ region: RegionAggregator; dir: RegionDir }> => {
    const d = dir ?? (await makeRegionDir(url))
    if (dir === undefined) dirs.push(d)
    const region = await regionAggregator(d, { pageLimit: PAGE, ...init })
    regions.push(region)
    await region.start()
    return { region, dir: d }
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rhn-region-seed-'))
    const memberKey = generateMemberKey()
    const peerKey = await generatePeerKey()
    const genesis = GenesisSchema.parse({
      consortiumId: 'north-seed',
      createdAt: '2025-01-01T00:00:00Z',
      members: [{ id: 'RXA', name: 'Hospital RXA', publicKeys: [memberKey.publicKeyBase64], peerIds: [peerKey.peerId] }],
    })
    await writeKeyFile(join(root, 'keys/member.key'), memberKey.privateKeyPem)
    await writeKeyFile(join(root, 'keys/peer.key'), peerKey.bytes)
    const config = LedgerConfigSchema.parse({ memberId: 'RXA', genesisFile: 'genesis.yaml', listen: ['/ip4/127.0.0.1/tcp/0'], fsync: 'never', block: { intervalMs: 10 } })
    node = createLedgerNode({ config, genesis, baseDir: root })
    await node.start()
    api = createLedgerApi({ node, token: 'ledger-api-token-0123456789abcdef', host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })
    url = await api.listen()
    for (let i = 0; i < SNAPSHOTS; i++) {
      await node.submit(snapshotAt(i))
      if (i === 200) {
        await node.submit({ kind: 'resource-request', id: randomUUID(), from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 2, reason: 'surge' })
        await node.submit({ kind: 'escalation-change', hospital: 'RXA', unit: 'rxa-icu', from: 2, to: 3, reason: 'ICU occupancy 92 % ≥ 92 %', at: T0 + i * STEP_MS })
      }
    }
    await waitFor(() => (node.state().cursor === SNAPSHOTS + 2 ? true : undefined), 'every transaction confirmed', 30_000)
  }, 60_000)

  afterAll(async () => {
    for (const r of regions) await r.stop()
    await api?.close()
    await node?.stop()
    for (const d of dirs) await d.remove()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('serves, as soon as it is ready, the view a full replay gives; then its history fills in with the replay’s series', async () => {
    // The reference: the same feed replayed from cursor 0 (a source without state()).
    const client = new LedgerClient({ url })
    const { region: replay } = await start({ ledger: { url: client.url, confirmed: (a, l, s) => client.confirmed(a, l, s) } })
    await waitFor(() => (replay.feed!.status().cursor === SNAPSHOTS + 2 ? true : undefined), 'the replay caught up', 30_000)

    const { region: seeded } = await start()
    const health = await waitFor(async () => {
      const h = (await get<RegionHealth>(seeded.url!, '/healthz')).body
      return h.view.ready ? h : undefined
    }, 'the seeded view ready', 20_000)
    expect(health.view.seededAt).toBe(SNAPSHOTS + 2)
    // Right at "ready", before the history is written: what a person sees equals the replay.
    for (const path of ['/api/region', '/api/region/hospitals', '/api/region/flows', '/api/region/escalations', '/api/tree']) {
      expect((await get(seeded.url!, path)).body, path).toEqual((await get(replay.url!, path)).body)
    }
    const rxa = (await get<{ trend: unknown[]; snapshots: number; escalation: { reason: string } }>(seeded.url!, '/api/region/hospitals/RXA')).body
    expect(rxa.snapshots).toBe(SNAPSHOTS)
    expect(rxa.trend).toHaveLength(288)
    expect(rxa.escalation.reason).toMatch(/admission/i)

    // History follows, and the progress shows it.
    const done = await waitFor(async () => {
      const h = (await get<RegionHealth>(seeded.url!, '/healthz')).body
      return h.history.done ? h : undefined
    }, 'the history backfilled', 30_000)
    expect(done.history.backfilled).toBe(1)
    await seeded.store!.flush()
    await replay.store!.flush()
    for (const [id, metric] of [
      ['RXA', 'Capacity/Beds/Occupied'],
      ['north', 'Capacity/Ventilators/InUse'],
      ['RXA', 'Capacity/Admissions'],
    ] as const) {
      const q = `/api/history?id=${id}&metric=${encodeURIComponent(metric)}&from=${T0 - 1}&to=${T0 + SNAPSHOTS * STEP_MS}`
      const full = (await get<{ points: HistoryPoint[] }>(replay.url!, q)).body.points
      const kept = (await get<{ points: HistoryPoint[] }>(seeded.url!, q)).body.points
      expect(full).toHaveLength(SNAPSHOTS)
      // The backfill writes every snapshot's points, as the live twin does: the same series as a replay.
      expect(kept).toEqual(full)
    }
  }, 90_000)

  it('restarts from its checkpoint without reading the ledger again', async () => {
    const first = regions.at(-1)!
    const dir = dirs.at(-1)!
    const before = (await get(first.url!, '/api/region/hospitals')).body
    await first.stop()
    const { region } = await start({}, dir)
    const health = await waitFor(async () => {
      const h = (await get<RegionHealth>(region.url!, '/healthz')).body
      return h.view.ready ? h : undefined
    }, 'ready after the restart', 20_000)
    expect(health.view.seededAt).toBeUndefined()
    expect(health.history).toEqual({ backfilled: 1, done: true })
    expect(health.ledger.txs).toBe(0)
    expect((await get(region.url!, '/api/region/hospitals')).body).toEqual(before)
  }, 30_000)
})

describe('region seeded while its node is down at first', () => {
  it('says since when the node is unreachable, seeds once it answers, then pages on from the state’s cursor', async () => {
    const ledger = new StandInLedger()
    ledger.serveState = true
    const t = Date.now() - 3_600_000
    for (let i = 0; i < 30; i++) ledger.confirm(snapshot('RXA', t + i * 60_000, [unit('rxa-icu', 'icu', [12, 4 + (i % 6)], [6, 2])]))
    await ledger.up()
    await ledger.down()
    const dir = await makeRegionDir(ledger.url)
    const region = await regionAggregator(dir, { pageLimit: 8 })
    try {
      await region.start()
      const down = await waitFor(async () => {
        const h = (await get<RegionHealth>(region.url!, '/healthz')).body
        return h.ledger.reachable ? undefined : h
      }, 'the seed telling the node is unreachable', 10_000)
      expect(down.view.ready).toBe(false)
      expect(down.ledger.unreachableSince).toBeGreaterThan(0)
      await ledger.up()
      const ready = await waitFor(async () => {
        const h = (await get<RegionHealth>(region.url!, '/healthz')).body
        return h.view.ready ? h : undefined
      }, 'ready once the node answers', 15_000)
      expect([ready.ledger.reachable, ready.view.seededAt]).toEqual([true, 30])
      expect(region.twin!.hospital('RXA')).toMatchObject({ snapshots: 30, beds: { occupied: 4 + (29 % 6) } })
      ledger.confirm(snapshot('RXA', t + 30 * 60_000, [unit('rxa-icu', 'icu', [12, 11], [6, 2])]))
      await waitFor(() => (region.twin!.hospital('RXA')!.beds.occupied === 11 ? true : undefined), 'the next snapshot paged after the cursor', 10_000)
      expect(region.twin!.hospital('RXA')!.snapshots).toBe(31)
    } finally {
      await region.stop()
      await ledger.down()
      await dir.remove()
    }
  }, 40_000)
})

describe('a restart before the history is backfilled', () => {
  it('keeps the seeded view from its checkpoint and writes the history again from the start', async () => {
    const ledger = new StandInLedger()
    ledger.serveState = true
    const t = Date.now() - 3_600_000
    for (let i = 0; i < 40; i++) ledger.confirm(snapshot('RXA', t + i * 60_000, [unit('rxa-icu', 'icu', [12, 2 + (i % 9)], [6, 2])]))
    await ledger.up()
    const dir = await makeRegionDir(ledger.url)
    const client = new LedgerClient({ url: ledger.url })
    // The first read from cursor 0 is the trend tail (40 snapshots: one page); the second, the backfill's, never answers.
    let fromStart = 0
    const held: ConfirmedSource = {
      url: client.url,
      state: (recent, signal) => client.state(recent, signal),
      confirmed: (after, limit, signal) => (after === 0 && ++fromStart === 2 ? new Promise((_, fail) => signal?.addEventListener('abort', () => fail(new Error('aborted')))) : client.confirmed(after, limit, signal)),
    }
    try {
      const first = await regionAggregator(dir, { ledger: held })
      await first.start()
      await waitFor(() => (first.backfill !== undefined && fromStart === 2 ? true : undefined), 'the backfill waiting on its first page', 10_000)
      expect((first.health() as RegionHealth).history).toMatchObject({ backfilled: 0, done: false, to: 40 })
      await first.stop()
      const saved = JSON.parse(await readFile(join(dir.dir, 'region.sqlite.region.json'), 'utf8')) as { cursor: number; backfill?: { to: number } }
      expect(saved).toMatchObject({ cursor: 40, backfill: { to: 40 } })

      const second = await regionAggregator(dir)
      await second.start()
      const done = await waitFor(async () => {
        const h = (await get<RegionHealth>(second.url!, '/healthz')).body
        return h.history.done ? h : undefined
      }, 'the history written after the restart', 10_000)
      expect(done.view.seededAt).toBeUndefined()
      expect(second.twin!.hospital('RXA')!.snapshots).toBe(40)
      const q = `/api/history?id=RXA&metric=${encodeURIComponent('Capacity/Beds/Occupied')}&from=${t - 1}&to=${t + 40 * 60_000}`
      expect((await get<{ points: HistoryPoint[] }>(second.url!, q)).body.points.map((p) => p.value)).toEqual([...Array(40).keys()].map((i) => 2 + (i % 9)))
      await second.stop()
      expect(JSON.parse(await readFile(join(dir.dir, 'region.sqlite.region.json'), 'utf8'))).not.toHaveProperty('backfill')
    } finally {
      await ledger.down()
      await dir.remove()
    }
  }, 40_000)
})
