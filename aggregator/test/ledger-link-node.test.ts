// Issue 7, hospital side, against a REAL single-member ledger node (quorum 1: it confirms alone) and
// a real Mosquitto: a bed occupied at the gateway reaches a confirmed capacity snapshot; requests and
// transfers go through the aggregator API and are listed with their confirmation; the node starts
// only after the aggregator queued a request (node down), and nothing is lost.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { parseLedgerConfig, type CapacitySnapshotTx, type Genesis } from '@rhn/protocols'
import { createLedgerApi, createLedgerNode, generateMemberKey, generatePeerKey, LedgerClient, writeKeyFile, type LedgerNode } from '@rhn/ledger'
import { startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Aggregator } from '../src/index.js'
import type { FlowList } from '../src/ledger-link/index.js'
import { ENGINEER, Gateway, VIEWER, api, makeDir, startAggregator, waitFor, type TestDir } from './aggregator-support.js'
import { freePort } from '@rhn/test/harness'

const NODE_TOKEN = 'ledger-node-token-0123456789abcdef'
const silent = pino({ level: 'silent' })

/** A one-member consortium (RXA) on disk and its node + API on `port`, started on demand. */
async function ledgerFor(port: number) {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-agg-ledger-'))
  const key = generateMemberKey()
  const peer = await generatePeerKey()
  await writeKeyFile(join(dir, 'member.key'), key.privateKeyPem)
  await writeKeyFile(join(dir, 'peer.key'), peer.bytes)
  const genesis: Genesis = { consortiumId: 'north-test', createdAt: '2025-01-06T09:00:00Z', quorum: '>2/3', members: [{ id: 'RXA', name: 'Northgate', publicKeys: [key.publicKeyBase64], peerIds: [peer.peerId] }] }
  await writeFile(join(dir, 'genesis.json'), JSON.stringify(genesis))
  await writeFile(join(dir, 'node.token'), `${NODE_TOKEN}\n`)
  let node: LedgerNode | undefined
  let app: FastifyInstance | undefined
  return {
    dir,
    url: `http://127.0.0.1:${port}`,
    async start() {
      const config = parseLedgerConfig(JSON.stringify({ memberId: 'RXA', keyFile: join(dir, 'member.key'), peerKeyFile: join(dir, 'peer.key'), genesisFile: join(dir, 'genesis.json'), dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], block: { intervalMs: 20 } }))
      node = createLedgerNode({ config, genesis, logger: silent })
      await node.start()
      app = createLedgerApi({ node, token: NODE_TOKEN, host: '127.0.0.1', port, logger: silent })
      await app.listen()
    },
    async stop() {
      await app?.close()
      await node?.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function post<T>(a: Aggregator, path: string, body: unknown, token: string = ENGINEER.token): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, a.url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as T }
}

describe('hospital aggregator ▸ ledger node', () => {
  let broker: MosquittoBroker
  let t: TestDir
  let ledger: Awaited<ReturnType<typeof ledgerFor>>
  let agg: Aggregator
  let gw: Gateway
  const patientKey = randomBytes(32)
  let requestId = ''

  beforeAll(async () => {
    broker = await startMosquitto()
    ledger = await ledgerFor(await freePort())
    t = await makeDir(broker.url, '{ type: sqlite, path: ./data/telemetry.sqlite, flushIntervalMs: 100 }', `ledger: { nodeUrl: '${ledger.url}', tokenFile: ${join(ledger.dir, 'node.token')}, snapshotPeriodS: 60, minIntervalMs: 100, patientKeyFile: ./patient.key }`)
    await writeFile(join(t.dir, 'patient.key'), patientKey)
    agg = await startAggregator(t, { ledger: { evaluateDebounceMs: 20, retryInitialMs: 100, retryMaxMs: 400 } })
  }, 60_000)

  afterAll(async () => {
    await gw?.close()
    await agg?.stop()
    await ledger?.stop()
    await broker?.stop()
    await t?.remove()
  })

  it('queues a request while the node is down (202), and the health shows the link retrying', async () => {
    const res = await post<{ id: string; submission: { state: string } }>(agg, '/api/ledger/requests', { resource: 'ventilator', quantity: 2, reason: 'ICU surge' })
    expect(res.status).toBe(202)
    expect(res.body.submission.state).toBe('queued')
    requestId = res.body.id
    const health = await waitFor(async () => {
      const h = (await api<{ ledger: { state: string; queued: number; lastError: string | null } }>(agg, '/healthz')).body
      return h.ledger.state === 'retrying' ? h : undefined
    }, 'link retrying')
    expect(health.ledger.queued).toBe(1)
    expect(health.ledger.lastError).toMatch(/resource-request submission/)
  })

  it('once the node is up, sends the queued request and a snapshot with the bed occupied at the gateway; both are confirmed', async () => {
    await ledger.start()
    gw = await Gateway.connect(broker.url) // births an occupied ICU bed
    const client = new LedgerClient({ url: ledger.url })
    const snapshot = await waitFor(async () => {
      const page = await client.confirmed(0, 1000)
      const snaps = page.items.map((i) => i.tx).filter((tx): tx is CapacitySnapshotTx => tx.kind === 'capacity-snapshot')
      return snaps.find((s) => s.units.find((u) => u.unit === 'rxa-icu')?.beds.occupied === 1)
    }, 'a confirmed snapshot with the ICU bed occupied', 20_000)
    const icu = snapshot.units.find((u) => u.unit === 'rxa-icu')!
    expect(icu).toMatchObject({ unitType: 'icu', beds: { total: 24, occupied: 1, available: 23 }, escalation: { level: 1, reason: 'all indicators below OPEL 2' } })
    const flows = await waitFor(async () => {
      const f = (await api<FlowList>(agg, '/api/ledger/flows')).body
      return f.items.find((i) => i.id === requestId && i.status === 'confirmed') === undefined ? undefined : f
    }, 'the request confirmed in /api/ledger/flows', 20_000)
    expect(flows.items.find((i) => i.id === requestId)).toMatchObject({ kind: 'resource-request', own: true, quorum: 1, endorsements: 1 })
    expect((await api<{ ledger: { state: string } }>(agg, '/healthz')).body.ledger.state).toBe('ok')
    const metrics = (await api<string>(agg, '/metrics')).body
    expect(metrics).toMatch(/rhn_aggregator_ledger_snapshots_published_total [1-9]/)
  }, 40_000)

  it('records a patient transfer without the identifier: HMAC of it and a salted hash of the record', async () => {
    const res = await post<{ tx: Record<string, unknown>; salt: string; submission: { state: string; txId: string } }>(agg, '/api/ledger/transfers', {
      patientId: 'NHS 943 476 5919',
      record: 'Admitted 2025-01-06 with severe covid pneumonia; ventilated since 08:00.',
      destination: 'RXB',
      category: { condition: 'covid', severity: 'critical' },
      unitType: 'icu',
    })
    expect(res.status).toBe(200)
    expect(res.body.submission.state).toBe('submitted')
    expect(res.body.tx.patientRef).toBe(createHmac('sha256', patientKey).update('NHS 943 476 5919').digest('hex'))
    expect(res.body.tx.recordCommitment).toBe(createHash('sha256').update(Buffer.from(res.body.salt, 'hex')).update('Admitted 2025-01-06 with severe covid pneumonia; ventilated since 08:00.').digest('hex'))
    const onLedger = await waitFor(async () => (await new LedgerClient({ url: ledger.url }).tx(res.body.submission.txId)) ?? undefined, 'the transfer on the node')
    expect(JSON.stringify(onLedger.tx)).not.toContain('943')
  })

  it('names the bad field, and refuses writes to a viewer', async () => {
    const bad = await post<{ code: string; message: string }>(agg, '/api/ledger/requests', { resource: 'ventilator', quantity: 0, reason: 'x' })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('RHN_AGG_BAD_PARAMETER')
    expect(bad.body.message).toMatch(/^quantity: /)
    const offer = await post<{ message: string }>(agg, '/api/ledger/offers', { requestId: 'not-a-uuid', to: 'RXB', quantity: 1 })
    expect(offer.body.message).toMatch(/^requestId: /)
    expect((await post(agg, '/api/ledger/requests', { resource: 'bed', quantity: 1, reason: 'x' }, VIEWER.token)).status).toBe(403)
  })

  it('shows the escalation of the hospital and each unit', async () => {
    const e = (await api<{ hospital: { level: number; reason: string }; units: { id: string; level: number; reason: string }[] }>(agg, '/api/escalation')).body
    expect(e.hospital).toMatchObject({ level: 1, reason: 'all indicators below OPEL 2' })
    expect(e.units.map((u) => u.id)).toContain('rxa-icu')
  })
})
