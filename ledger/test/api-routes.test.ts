// The node API as the aggregators see it through LedgerClient (issue 6 "A small HTTP API per node"),
// over a real single-member node (quorum 1: it confirms by itself): reads open, submission behind
// the bearer token, every refusal a {code, message} naming what was wrong.
import { rm } from 'node:fs/promises'
import { parseLedgerConfig, type SubmittedTxInput } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLedgerApi } from '../src/api/index.js'
import { LedgerClient, LedgerClientError } from '../src/client.js'
import { createLedgerNode } from '../src/node/ledger-node.js'
import type { LedgerNode } from '../src/node/types.js'
import { waitFor } from './cli-support.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'
import { capacitySnapshotTx } from './fixtures/txs.js'

const TOKEN = 'test-token-0123456789abcdefghij'
const silent = pino({ level: 'silent' })
const snapshot = (hospital: string, seq: number): SubmittedTxInput => capacitySnapshotTx(hospital, seq) as SubmittedTxInput

describe('ledger node API', () => {
  let consortium: TestConsortium
  let node: LedgerNode
  let app: FastifyInstance
  let url: string
  let client: LedgerClient

  beforeAll(async () => {
    consortium = await makeConsortium(1)
    const n = consortium.nodes[0]!
    const config = parseLedgerConfig(
      JSON.stringify({ memberId: n.member, keyFile: n.keyFile, peerKeyFile: n.peerKeyFile, genesisFile: consortium.genesisFile, dataDir: n.dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], block: { intervalMs: 10 } }),
    )
    node = createLedgerNode({ config, genesis: consortium.genesis, logger: silent })
    await node.start()
    app = createLedgerApi({ node, token: TOKEN, host: '127.0.0.1', port: 0, logger: silent })
    url = await app.listen()
    client = new LedgerClient({ url, token: TOKEN })
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    if (consortium !== undefined) await rm(consortium.dir, { recursive: true, force: true })
  })

  const refusal = async (p: Promise<unknown>): Promise<LedgerClientError> => {
    const err = await p.then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(LedgerClientError)
    return err as LedgerClientError
  }

  it('answers status, heads and members without a token', async () => {
    const status = await new LedgerClient({ url }).status()
    expect(status).toMatchObject({ member: 'RXA', chain: 'RXA-0' })
    expect(status).toMatchObject({ consortium: 'test-consortium', quorum: 1, consensusNodes: 1 })
    expect(Array.isArray(await client.heads())).toBe(true)
    const members = (await (await fetch(`${url}/api/members`)).json()) as { consortium: string; quorum: number; members: Array<{ id: string }> }
    expect([members.consortium, members.quorum, members.members.map((m) => m.id)]).toEqual(['test-consortium', 1, ['RXA']])
  })

  it('accepts a valid submission with the token (202); the transaction is confirmed with its certificate and paged as confirmed', async () => {
    const res = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(snapshot('RXA', 1_000)) })
    expect(res.status).toBe(202)
    const { txId } = (await client.submit(snapshot('RXA', 2_000)))
    expect(txId).toMatch(/^[0-9a-f]{64}$/)
    const confirmed = await waitFor('the transaction confirmed', async () => {
      const t = await client.tx(txId)
      return t?.status === 'confirmed' ? t : undefined
    })
    expect(confirmed).toMatchObject({ txId, member: 'RXA', quorum: 1, block: { chain: 'RXA-0' } })
    expect(confirmed.certificate?.endorsements.length).toBeGreaterThanOrEqual(1)
    const block = (await (await fetch(`${url}/api/chains/RXA-0/blocks/${confirmed.block.height}`)).json()) as { hash: string; txIds: string[] }
    expect([block.hash, block.txIds.includes(txId)]).toEqual([confirmed.block.hash, true])
    const page = await client.confirmed(0)
    expect(page.items.map((c) => c.txId)).toContain(txId)
    expect(page.next).toBeGreaterThan(0)
    expect((await client.confirmed(page.next)).items).toEqual([])
  })

  it('refuses a submission without a token (401 with a Bearer challenge) or with a wrong one', async () => {
    const none = await refusal(new LedgerClient({ url }).submit(snapshot('RXA', 1)))
    expect([none.status, none.code]).toEqual([401, 'RHN_LEDGER_UNAUTHORIZED'])
    const wrong = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="rhn-ledger", error="invalid_token"')
    // Even a body that is not JSON is refused for the token first: nothing is read from unauthenticated callers.
    const garbage = await fetch(`${url}/api/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })
    expect(garbage.status).toBe(401)
  })

  it('names the bad field of an invalid transaction (400) and refuses another hospital\'s (403)', async () => {
    const bad = snapshot('RXA', 1) as { units: Array<{ beds: { total: unknown } }> }
    bad.units[0]!.beds.total = -1
    const invalid = await refusal(client.submit(bad as SubmittedTxInput))
    expect([invalid.status, invalid.code]).toEqual([400, 'RHN_LEDGER_TX_INVALID'])
    expect(invalid.message).toMatch(/units\[0\]\.beds\.total/)
    const unknownKind = await refusal(client.submit({ kind: 'teleport' } as unknown as SubmittedTxInput))
    expect(unknownKind.message).toMatch(/kind/)
    const notJson = await fetch(`${url}/api/txs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{oops' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { code: string }).code).toBe('RHN_LEDGER_TX_INVALID')
    const other = await refusal(client.submit(snapshot('RXB', 1)))
    expect([other.status, other.code]).toEqual([403, 'RHN_LEDGER_FORBIDDEN'])
    expect(other.message).toMatch(/hospital: is RXB, but this node writes only for member RXA/)
  })

  it('answers 404 with a code for an unknown transaction, block, chain or route, and 400 naming a bad parameter', async () => {
    expect(await client.tx('f'.repeat(64))).toBeUndefined()
    const badId = await refusal(client.tx('xyz'))
    expect([badId.status, badId.code]).toEqual([400, 'RHN_LEDGER_BAD_PARAMETER'])
    expect(badId.message).toMatch(/txId: must be 64 lower-case hex/)
    await client.submit(snapshot('RXA', 3_000))
    const head = await waitFor('a block on RXA-0', async () => (await client.heads()).find((h) => h.chain === 'RXA-0'))
    const beyond = head.height + 1_000
    const block = await fetch(`${url}/api/chains/RXA-0/blocks/${beyond}`)
    // The head may move on between the two requests (endorsement blocks), hence at least head.height.
    const notFound = (await block.json()) as { code: string; message: string }
    expect([block.status, notFound.code]).toEqual([404, 'RHN_LEDGER_NOT_FOUND'])
    expect(notFound.message).toMatch(new RegExp(`^chain RXA-0: no block at height ${beyond} \\(head is at \\d+\\)$`))
    expect(Number(/head is at (\d+)/.exec(notFound.message)?.[1])).toBeGreaterThanOrEqual(head.height)
    expect((await fetch(`${url}/api/chains/RXA-0/blocks/0`)).status).toBe(200)
    expect(((await (await fetch(`${url}/api/chains/RXZ-0/blocks/0`)).json()) as { message: string }).message).toMatch(/RXZ-0: no such chain/)
    expect(((await (await fetch(`${url}/api/chains/RXA-0/blocks/-1`)).json()) as { message: string }).message).toMatch(/^height: must be an integer/)
    const limit = await refusal(client.confirmed(0, 999_999))
    expect(limit.message).toMatch(/limit: must be an integer 0–10000/)
    const route = await fetch(`${url}/api/nothing`)
    expect([route.status, ((await route.json()) as { code: string }).code]).toEqual([404, 'RHN_LEDGER_NOT_FOUND'])
  })

  it('serves /healthz and Prometheus /metrics with the rhn_ledger_ prefix', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', member: 'RXA', chain: 'RXA-0', peers: 0 })
    await client.submit(snapshot('RXA', 4_000))
    const res = await fetch(`${url}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/^# TYPE rhn_ledger_txs_submitted_total counter\nrhn_ledger_txs_submitted_total [1-9]\d*$/m)
    // Every line is a TYPE line or a well-formed sample of an rhn_ledger_ family.
    for (const l of text.trimEnd().split('\n')) expect(l).toMatch(/^(# TYPE rhn_ledger_[a-z0-9_]+ (counter|gauge)|rhn_ledger_[a-z0-9_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+)$/)
    expect(text).toMatch(/^rhn_ledger_api_requests_total \d+$/m)
  })

  it('refuses to start with a short token, naming api.tokenFile', () => {
    expect(() => createLedgerApi({ node, token: 'short', host: '127.0.0.1', port: 0, logger: silent })).toThrow(/api\.tokenFile: the token must be at least 22 characters/)
  })
})
