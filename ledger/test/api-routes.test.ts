// The node API as the aggregators see it through LedgerClient (issue 6 "A small HTTP API per node"):
// reads open, submission behind the bearer token, every refusal a {code, message} naming what was wrong.
import { createHash } from 'node:crypto'
import type { SubmittedTxInput, TxStatus } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLedgerApi, type LedgerApiNode } from '../src/api/index.js'
import { LedgerClient, LedgerClientError } from '../src/client.js'
import { capacitySnapshot } from './api-support.js'

const TOKEN = 'test-token-0123456789abcdefghij'

/** A node stand-in that keeps submissions pending; replaced by a real single-member node once `node/` lands. */
function standInNode(): LedgerApiNode {
  const txs = new Map<string, TxStatus>()
  const head = { chain: 'RXA-0', member: 'RXA', height: 0, hash: 'a'.repeat(64), time: 1 }
  return {
    member: 'RXA',
    submit: (tx: SubmittedTxInput) => {
      const txId = createHash('sha256').update(JSON.stringify(tx)).digest('hex')
      txs.set(txId, { txId, tx: tx as TxStatus['tx'], block: { chain: 'RXA-0', height: 1, hash: 'b'.repeat(64) }, member: 'RXA', index: 0, status: 'pending', endorsements: 1, quorum: 1 })
      return Promise.resolve(txId)
    },
    txStatus: (id) => txs.get(id),
    confirmed: () => ({ items: [], next: 0 }),
    heads: () => [head],
    block: (chain, height) => (chain === 'RXA-0' && height === 0 ? { header: { consortium: 'c', chain, member: 'RXA', height, prevHash: '0'.repeat(64), time: 1, txRoot: '0'.repeat(64), txCount: 0 }, hash: head.hash, signature: '', txs: [], txIds: [] } : undefined),
    evidence: () => [],
    status: () => ({ consortium: 'c', member: 'RXA', chain: 'RXA-0', peerId: 'p', listen: [], peers: [], heads: [head], pendingTxs: txs.size, confirmedTxs: 0, quorum: 1, consensusNodes: 1 }),
    members: () => ({ consortium: 'c', quorum: 1, members: [] }),
    metrics: () => ({ txs_submitted_total: txs.size, peers: 0, 'blocks_rejected_total{reason="bad-signature"}': 2 }),
  }
}

describe('ledger node API', () => {
  let app: FastifyInstance
  let url: string
  let client: LedgerClient

  beforeAll(async () => {
    app = createLedgerApi({ node: standInNode(), token: TOKEN, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })
    url = await app.listen()
    client = new LedgerClient({ url, token: TOKEN })
  })
  afterAll(async () => {
    await app?.close()
  })

  const refusal = async (p: Promise<unknown>): Promise<LedgerClientError> => {
    const err = await p.then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(LedgerClientError)
    return err as LedgerClientError
  }

  it('answers status, heads and members without a token', async () => {
    const status = await new LedgerClient({ url }).status()
    expect(status).toMatchObject({ member: 'RXA', chain: 'RXA-0' })
    expect((await client.heads()).map((h) => h.chain)).toEqual(['RXA-0'])
    const members = (await (await fetch(`${url}/api/members`)).json()) as { consortium: string }
    expect(members.consortium).toBe('c')
  })

  it('accepts a valid submission with the token (202) and then knows the transaction', async () => {
    const res = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(capacitySnapshot('RXA', 1_000)) })
    expect(res.status).toBe(202)
    const { txId } = (await client.submit(capacitySnapshot('RXA', 2_000)))
    expect(txId).toMatch(/^[0-9a-f]{64}$/)
    expect(await client.tx(txId)).toMatchObject({ txId, status: 'pending', member: 'RXA' })
  })

  it('refuses a submission without a token (401 with a Bearer challenge) or with a wrong one', async () => {
    const none = await refusal(new LedgerClient({ url }).submit(capacitySnapshot('RXA', 1)))
    expect([none.status, none.code]).toEqual([401, 'RHN_LEDGER_UNAUTHORIZED'])
    const wrong = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="rhn-ledger", error="invalid_token"')
    // Even a body that is not JSON is refused for the token first: nothing is read from unauthenticated callers.
    const garbage = await fetch(`${url}/api/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })
    expect(garbage.status).toBe(401)
  })

  it('names the bad field of an invalid transaction (400) and refuses another hospital\'s (403)', async () => {
    const bad = capacitySnapshot('RXA', 1) as { units: Array<{ beds: { total: unknown } }> }
    bad.units[0]!.beds.total = -1
    const invalid = await refusal(client.submit(bad as SubmittedTxInput))
    expect([invalid.status, invalid.code]).toEqual([400, 'RHN_LEDGER_TX_INVALID'])
    expect(invalid.message).toMatch(/units\[0\]\.beds\.total/)
    const unknownKind = await refusal(client.submit({ kind: 'teleport' } as unknown as SubmittedTxInput))
    expect(unknownKind.message).toMatch(/kind/)
    const notJson = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{oops' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { code: string }).code).toBe('RHN_LEDGER_TX_INVALID')
    const other = await refusal(client.submit(capacitySnapshot('RXB', 1)))
    expect([other.status, other.code]).toEqual([403, 'RHN_LEDGER_FORBIDDEN'])
    expect(other.message).toMatch(/hospital: is RXB, but this node writes only for member RXA/)
  })

  it('answers 404 with a code for an unknown transaction, block, chain or route, and 400 naming a bad parameter', async () => {
    expect(await client.tx('f'.repeat(64))).toBeUndefined()
    const badId = await refusal(client.tx('xyz'))
    expect([badId.status, badId.code]).toEqual([400, 'RHN_LEDGER_BAD_PARAMETER'])
    expect(badId.message).toMatch(/txId: must be 64 lower-case hex/)
    const block = await fetch(`${url}/api/chains/RXA-0/blocks/7`)
    expect([block.status, await block.json()]).toEqual([404, { code: 'RHN_LEDGER_NOT_FOUND', message: 'chain RXA-0: no block at height 7 (head is at 0)' }])
    expect((await fetch(`${url}/api/chains/RXA-0/blocks/0`)).status).toBe(200)
    expect(((await (await fetch(`${url}/api/chains/RXZ-0/blocks/0`)).json()) as { message: string }).message).toMatch(/RXZ-0: no such chain/)
    expect(((await (await fetch(`${url}/api/chains/RXA-0/blocks/-1`)).json()) as { message: string }).message).toMatch(/^height: must be an integer/)
    const limit = await refusal(client.confirmed(0, 999_999))
    expect(limit.message).toMatch(/limit: must be an integer 0–10000/)
    expect(await client.confirmed(0)).toEqual({ items: [], next: 0 })
    const route = await fetch(`${url}/api/nothing`)
    expect([route.status, ((await route.json()) as { code: string }).code]).toEqual([404, 'RHN_LEDGER_NOT_FOUND'])
  })

  it('serves /healthz and Prometheus /metrics with the rhn_ledger_ prefix', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', member: 'RXA', chain: 'RXA-0', peers: 0 })
    const res = await fetch(`${url}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/^# TYPE rhn_ledger_txs_submitted_total counter\nrhn_ledger_txs_submitted_total \d+$/m)
    expect(text).toMatch(/^rhn_ledger_blocks_rejected_total\{reason="bad-signature"\} 2$/m)
    expect(text).toMatch(/^# TYPE rhn_ledger_peers gauge$/m)
    expect(text).toMatch(/^rhn_ledger_api_requests_total \d+$/m)
  })

  it('refuses to start with a short token, naming api.tokenFile', () => {
    expect(() => createLedgerApi({ node: standInNode(), token: 'short', host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })).toThrow(/api\.tokenFile: the token must be at least 22 characters/)
  })
})
