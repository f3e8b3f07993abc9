/**
 * Ledger routes of the hospital API (issue 7): `POST /api/ledger/requests|offers|decisions|transfers`
 * (engineer role: the config's role that "raises requests"), `GET /api/ledger/flows` (viewer). A
 * submission answers 200 once the node took it, or 202 after a short wait while it is still `queued`
 * (the node is down: it stays queued and is sent in order). Bodies are checked against the
 * ledger's own schemas first, so a bad field gets a 400 naming it.
 */
import { randomUUID, type KeyObject } from 'node:crypto'
import {
  ClinicalCategorySchema,
  OdsCodeSchema,
  PatientTransferTxSchema,
  ResourceDecisionTxSchema,
  ResourceOfferTxSchema,
  ResourceRequestTxSchema,
  UNIT_TYPES,
  type SubmittedTxInput,
} from '@rhn/protocols'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RouteAccess } from '../api/auth.js'
import { AggregatorError } from '../errors.js'
import type { FlowTracker } from './flows.js'
import type { LedgerLink, Submission } from './link.js'
import { newSalt, patientRef, recordCommitment } from './patient.js'

/** What the routes need; `link` and `flows` are absent when no ledger is configured (503). */
export interface LedgerRoutesComponents {
  hospitalId: string
  link?: LedgerLink
  flows?: FlowTracker
  /** The hospital's patient HMAC key (read on first use). */
  patientKey: () => Promise<KeyObject>
  now: () => number
}

/** How long a submission route waits for the node before answering `queued`, ms (2 s: a node on loopback answers in ms). */
export const SUBMIT_WAIT_MS = 2_000
/** Longest patient record text, characters (the API body limit is 16 KiB). */
export const MAX_RECORD_LENGTH = 12_000

const viewer: { access: RouteAccess } = { access: { role: 'viewer' } }
const engineer: { access: RouteAccess } = { access: { role: 'engineer' } }

const requestBody = ResourceRequestTxSchema.omit({ kind: true, id: true, from: true }).strict()
const offerBody = ResourceOfferTxSchema.omit({ kind: true, id: true, from: true }).strict()
const decisionBody = ResourceDecisionTxSchema.omit({ kind: true, id: true, from: true }).extend({ decision: z.enum(['accept', 'decline']) }).strict()
const transferBody = z
  .object({
    patientId: z.string().min(1).max(200),
    record: z.string().min(1).max(MAX_RECORD_LENGTH),
    destination: OdsCodeSchema,
    category: ClinicalCategorySchema,
    unitType: z.enum(UNIT_TYPES),
  })
  .strict()

/** Parses `body` with `schema`; a 400 naming every bad field (`quantity: …; to.0: …`). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {})
  if (r.success) return r.data
  const text = r.error.issues.map((i) => `${i.path.length === 0 ? 'body' : i.path.join('.')}: ${i.message}`).join('; ')
  throw new AggregatorError('RHN_AGG_BAD_PARAMETER', text)
}

function linkOf(c: LedgerRoutesComponents): LedgerLink {
  if (c.link === undefined) throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', 'no ledger link is configured (set ledger.nodeUrl in the aggregator config)')
  return c.link
}

/** Queues `tx`, waits briefly, answers its state; a rejection is a 422 with the node's reason. */
async function submit(c: LedgerRoutesComponents, tx: SubmittedTxInput): Promise<{ submission: Pick<Submission, 'state' | 'txId' | 'error' | 'queuedAt'> }> {
  const s = await linkOf(c).settled(linkOf(c).enqueue(tx), SUBMIT_WAIT_MS)
  if (s.state === 'rejected') throw new AggregatorError('RHN_AGG_LEDGER_REJECTED', `ledger node refused the ${tx.kind}: ${s.error ?? 'no reason given'}`)
  return { submission: { state: s.state, queuedAt: s.queuedAt, ...(s.txId === undefined ? {} : { txId: s.txId }), ...(s.error === undefined ? {} : { error: s.error }) } }
}

const bodyOf = (req: FastifyRequest): unknown => req.body

/** 200 once the node took it, 202 while it waits in the queue (the node is unreachable). */
function send(reply: FastifyReply, body: { id: string; tx: object; salt?: string; submission: { state: string } }): FastifyReply {
  return reply.code(body.submission.state === 'queued' ? 202 : 200).send(body)
}

/** Registers the ledger routes. */
export function registerLedgerRoutes(app: FastifyInstance, c: LedgerRoutesComponents): void {
  const from = c.hospitalId

  app.post('/api/ledger/requests', { config: engineer }, async (req, reply) => {
    const b = parseBody(requestBody, bodyOf(req))
    const tx = parseBody(ResourceRequestTxSchema, { kind: 'resource-request', id: randomUUID(), from, ...b })
    return send(reply, { id: tx.id, tx, ...(await submit(c, tx)) })
  })

  app.post('/api/ledger/offers', { config: engineer }, async (req, reply) => {
    const b = parseBody(offerBody, bodyOf(req))
    if (b.to === from) throw new AggregatorError('RHN_AGG_BAD_PARAMETER', 'to: an offer goes to the requesting hospital, not to this one')
    const tx = parseBody(ResourceOfferTxSchema, { kind: 'resource-offer', id: randomUUID(), from, ...b })
    return send(reply, { id: tx.id, tx, ...(await submit(c, tx)) })
  })

  app.post('/api/ledger/decisions', { config: engineer }, async (req, reply) => {
    const { decision, ...b } = parseBody(decisionBody, bodyOf(req))
    const tx = parseBody(ResourceDecisionTxSchema, { kind: decision === 'accept' ? 'resource-accept' : 'resource-decline', id: randomUUID(), from, ...b })
    return send(reply, { id: tx.id, tx, ...(await submit(c, tx)) })
  })

  app.post('/api/ledger/transfers', { config: engineer }, async (req, reply) => {
    const b = parseBody(transferBody, bodyOf(req))
    if (b.destination === from) throw new AggregatorError('RHN_AGG_BAD_PARAMETER', 'destination: must be another hospital')
    linkOf(c)
    const key = await c.patientKey()
    const salt = newSalt()
    // The identifier and the record stop here: only the HMAC and the salted hash go to the ledger.
    const tx = parseBody(PatientTransferTxSchema, {
      kind: 'patient-transfer',
      id: randomUUID(),
      origin: from,
      destination: b.destination,
      patientRef: patientRef(key, b.patientId),
      recordCommitment: recordCommitment(salt, b.record),
      category: b.category,
      unitType: b.unitType,
      at: c.now(),
    })
    return send(reply, { id: tx.id, tx, salt: salt.toString('hex'), ...(await submit(c, tx)) })
  })

  app.get('/api/ledger/flows', { config: viewer }, async () => {
    if (c.flows === undefined) throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', 'no ledger link is configured (set ledger.nodeUrl in the aggregator config)')
    return c.flows.list()
  })
}
