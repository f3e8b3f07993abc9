// GET /api/state on a real single-member node (quorum 1): the compacted feed equals what a reader
// gets by folding every /api/confirmed page itself, survives a restart, and pages on from its cursor.
import { rm } from 'node:fs/promises'
import { type CapacitySnapshotTx, type ConfirmedTx, type LedgerState, parseLedgerConfig, type SubmittedTxInput } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLedgerApi } from '../src/api/index.js'
import { LedgerClient, LedgerClientError } from '../src/client.js'
import { createLedgerNode } from '../src/node/ledger-node.js'
import type { LedgerNode } from '../src/node/types.js'
import { waitFor } from './cli-support.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'
import { capacitySnapshotTx, patientTransferTx, resourceRequestTx } from './fixtures/txs.js'

const TOKEN = 'test-token-0123456789abcdefghij'
const silent = pino({ level: 'silent' })
const T0 = Date.UTC(2025, 0, 6, 8)
const HOUR = 3_600_000

/** A snapshot of RXA taken at `at` with `admissions` admissions in its one unit. */
function snapshotAt(seq: number, at: number, admissions: number): SubmittedTxInput {
  const tx = capacitySnapshotTx('RXA', seq, at) as CapacitySnapshotTx
  tx.units[0]!.admissions = admissions
  tx.units[0]!.discharges = seq % 2
  return tx
}

/** Every confirmed transaction, page by page, as a reader of the feed sees them. */
async function allConfirmed(client: LedgerClient): Promise<ConfirmedTx[]> {
  const out: ConfirmedTx[] = []
  for (let after = 0; ; ) {
    const page = await client.confirmed(after, 7)
    out.push(...page.items)
    if (page.items.length === 0) return out
    after = page.next
  }
}

/** The state a reader folds by hand from the whole feed (written apart from the node's fold on purpose). */
function foldByHand(items: ConfirmedTx[], recent: number): LedgerState {
  const snaps = items.filter((c) => c.tx.kind === 'capacity-snapshot')
  const latest = snaps.reduce<ConfirmedTx | undefined>((best, c) => (best === undefined || (c.tx as CapacitySnapshotTx).takenAt >= (best.tx as CapacitySnapshotTx).takenAt ? c : best), undefined)!
  const units = snaps.flatMap((c) => (c.tx as CapacitySnapshotTx).units)
  const byHour = new Map<number, number>()
  for (const c of snaps) {
    const tx = c.tx as CapacitySnapshotTx
    const n = tx.units.reduce((s, u) => s + u.admissions, 0)
    if (n > 0) byHour.set(tx.takenAt - (tx.takenAt % HOUR), (byHour.get(tx.takenAt - (tx.takenAt % HOUR)) ?? 0) + n)
  }
  return {
    cursor: items.at(-1)!.cursor,
    capacity: [
      {
        hospital: 'RXA',
        latest,
        snapshots: snaps.length,
        admissions: units.reduce((s, u) => s + u.admissions, 0),
        discharges: units.reduce((s, u) => s + u.discharges, 0),
        admissionsByHour: [...byHour].sort((a, b) => a[0] - b[0]),
        recentFrom: snaps.at(-Math.min(recent, snaps.length))!.cursor,
      },
    ],
    others: items.filter((c) => c.tx.kind !== 'capacity-snapshot'),
  }
}

describe('GET /api/state on a real node', () => {
  let consortium: TestConsortium
  let node: LedgerNode
  let app: FastifyInstance
  let client: LedgerClient
  let config: ReturnType<typeof parseLedgerConfig>

  const startNode = async (): Promise<void> => {
    node = createLedgerNode({ config, genesis: consortium.genesis, logger: silent })
    await node.start()
    app = createLedgerApi({ node, token: TOKEN, host: '127.0.0.1', port: 0, logger: silent })
    client = new LedgerClient({ url: await app.listen(), token: TOKEN })
  }
  const stopNode = async (): Promise<void> => {
    await app?.close()
    await node?.stop()
  }

  beforeAll(async () => {
    consortium = await makeConsortium(1)
    const n = consortium.nodes[0]!
    config = parseLedgerConfig(
      JSON.stringify({ memberId: n.member, keyFile: n.keyFile, peerKeyFile: n.peerKeyFile, genesisFile: consortium.genesisFile, dataDir: n.dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], block: { intervalMs: 10 } }),
    )
    await startNode()
  })
  afterAll(async () => {
    await stopNode()
    if (consortium !== undefined) await rm(consortium.dir, { recursive: true, force: true })
  })

  it('answers an empty state before anything is confirmed, and 400 naming a bad recent', async () => {
    expect(await client.state()).toEqual({ cursor: 0, capacity: [], others: [] })
    for (const bad of [0, 1_001]) {
      const err = await client.state(bad).then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(LedgerClientError)
      expect(err).toMatchObject({ status: 400, code: 'RHN_LEDGER_BAD_PARAMETER', message: expect.stringMatching(/recent: must be/) })
    }
  })

  it('equals the fold of every confirmed page: latest snapshot by takenAt (a late one does not replace it), sums, hours, recent cursors, the other transactions in order', async () => {
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push((await client.submit(snapshotAt(i, T0 + i * 20 * 60_000, i % 3))).txId)
    ids.push((await client.submit(resourceRequestTx('RXA', 3) as SubmittedTxInput)).txId)
    // Confirmed after the newest, but taken two hours before it: it counts, it is not "latest".
    ids.push((await client.submit(snapshotAt(100, T0 + 2 * HOUR, 5))).txId)
    ids.push((await client.submit(patientTransferTx('RXA', 'RXB') as SubmittedTxInput)).txId)
    ids.push((await client.submit({ kind: 'escalation-change', hospital: 'RXA', from: 1, to: 2, reason: 'ICU occupancy 93 % > 92 %', at: T0 + 4 * HOUR })).txId)
    await waitFor('every transaction confirmed', async () => ((await allConfirmed(client)).length === ids.length ? true : undefined))

    const feed = await allConfirmed(client)
    const state = await client.state(5)
    expect(state).toEqual(foldByHand(feed, 5))
    expect((state.capacity[0]!.latest.tx as CapacitySnapshotTx).takenAt).toBe(T0 + 11 * 20 * 60_000)
    expect(state.capacity[0]!.snapshots).toBe(13)
    expect(state.others.map((o) => o.tx.kind)).toEqual(['resource-request', 'patient-transfer', 'escalation-change'])
    // Reading from recentFrom gives the member's 5 newest snapshots.
    const tail = (await client.confirmed(state.capacity[0]!.recentFrom - 1, 1_000)).items.filter((c) => c.tx.kind === 'capacity-snapshot')
    expect(tail).toHaveLength(5)
    // Nothing past the cursor yet; what comes next pages on from it.
    expect((await client.confirmed(state.cursor)).items).toEqual([])
    const next = (await client.submit(snapshotAt(200, T0 + 5 * HOUR, 1))).txId
    const page = await waitFor('the next snapshot paged after the cursor', async () => {
      const p = await client.confirmed(state.cursor)
      return p.items.length > 0 ? p : undefined
    })
    expect(page.items.map((c) => c.txId)).toEqual([next])
    expect((await client.state()).capacity[0]!.latest.txId).toBe(next)
  })

  it('is the same after a restart (rebuilt from the confirmed list the node reloads)', async () => {
    const before = await client.state(3)
    await stopNode()
    await startNode()
    expect(await client.state(3)).toEqual(before)
  })
})
