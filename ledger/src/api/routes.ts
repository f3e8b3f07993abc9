/**
 * The routes of `@rhn/protocols` `ledger/api.ts`, answered from the node. Reads are open (the API
 * listens on loopback beside the aggregator by default); `POST /api/txs` needs the bearer token.
 */
import { formatPath, SubmittedTxSchema, type SubmittedTx, txAuthor } from '@rhn/protocols'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { LedgerError } from '../errors.js'
import { DEFAULT_STATE_RECENT, MAX_STATE_RECENT } from '../node/state.js'
import { DEFAULT_CONFIRMED_LIMIT, type LedgerApiNode, MAX_CONFIRMED_LIMIT } from './types.js'

const TX_ID = /^[0-9a-f]{64}$/

function badParameter(name: string, problem: string): never {
  throw new LedgerError('RHN_LEDGER_BAD_PARAMETER', `${name}: ${problem}`)
}

/** A non-negative integer parameter (path or query), or `fallback` when absent. */
function intParam(name: string, raw: unknown, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') {
    if (fallback === undefined) badParameter(name, 'is required')
    return fallback
  }
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw) || Number(raw) > max) badParameter(name, `must be an integer 0–${max} (got ${JSON.stringify(raw)})`)
  return Number(raw)
}

/** The key of a submitted transaction that names its author (what {@link txAuthor} reads). */
function authorField(tx: SubmittedTx): string {
  if (tx.kind === 'capacity-snapshot' || tx.kind === 'escalation-change') return 'hospital'
  return tx.kind === 'patient-transfer' ? 'origin' : 'from'
}

/** Parses a submission; a schema problem is a 400 naming every bad field path. */
export function parseSubmission(body: unknown, member: string): SubmittedTx {
  const parsed = SubmittedTxSchema.safeParse(body)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)
    throw new LedgerError('RHN_LEDGER_TX_INVALID', `the transaction is not valid: ${problems.join('; ')}`)
  }
  const tx = parsed.data
  const author = txAuthor(tx)
  if (author !== member) {
    throw new LedgerError('RHN_LEDGER_FORBIDDEN', `${authorField(tx)}: is ${author}, but this node writes only for member ${member}`)
  }
  return tx
}

/** Registers every route; `checkToken` throws for a missing or wrong `Authorization` header. */
export function registerLedgerRoutes(api: FastifyInstance, node: LedgerApiNode, checkToken: (header: string | undefined) => void): void {
  api.get('/api/status', () => node.status())
  api.get('/api/members', () => node.members())
  api.get('/api/heads', () => node.heads())
  api.get('/api/evidence', () => node.evidence())

  api.get<{ Params: { chain: string; height: string } }>('/api/chains/:chain/blocks/:height', (req) => {
    const { chain } = req.params
    const height = intParam('height', req.params.height, undefined)
    const block = node.block(chain, height)
    if (block !== undefined) return block
    const head = node.heads().find((h) => h.chain === chain)
    throw new LedgerError(
      'RHN_LEDGER_NOT_FOUND',
      head === undefined ? `chain ${chain}: no such chain on this node` : `chain ${chain}: no block at height ${height} (head is at ${head.height})`,
    )
  })

  api.get<{ Params: { txId: string } }>('/api/txs/:txId', (req) => {
    const { txId } = req.params
    if (!TX_ID.test(txId)) badParameter('txId', 'must be 64 lower-case hex characters (SHA-256 of the canonical transaction)')
    const status = node.txStatus(txId)
    if (status === undefined) throw new LedgerError('RHN_LEDGER_NOT_FOUND', `transaction ${txId}: not known to this node`)
    return status
  })

  api.get<{ Querystring: Record<string, unknown> }>('/api/confirmed', (req) => {
    const after = intParam('after', req.query.after, 0)
    const limit = intParam('limit', req.query.limit, DEFAULT_CONFIRMED_LIMIT, MAX_CONFIRMED_LIMIT)
    if (limit === 0) badParameter('limit', `must be 1–${MAX_CONFIRMED_LIMIT}`)
    return node.confirmed(after, limit)
  })

  // The compacted feed (issue 7 "Speed"): a reader starts from this and pages on with after=cursor.
  api.get<{ Querystring: Record<string, unknown> }>('/api/state', (req) => {
    const recent = intParam('recent', req.query.recent, DEFAULT_STATE_RECENT, MAX_STATE_RECENT)
    if (recent === 0) badParameter('recent', `must be 1–${MAX_STATE_RECENT}`)
    return node.state(recent)
  })

  // The token is checked on request, before the body is read: an unauthenticated caller learns nothing about it.
  const authenticate = (req: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void => {
    try {
      checkToken(req.headers.authorization)
      done()
    } catch (err) {
      done(err as Error)
    }
  }
  api.post('/api/txs', { onRequest: authenticate }, async (req, reply) => {
    const tx = parseSubmission(req.body, node.member)
    const txId = await node.submit(tx)
    return reply.code(202).send({ txId })
  })
}
