/** OpenAPI paths and schemas of the issue 7 routes: escalation levels and the ledger link. */
import { REQUESTABLE_RESOURCES, SEVERITIES, UNIT_TYPES } from '@rhn/protocols'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } })
const str = { type: 'string' } as const
const num = { type: 'number' } as const
const int = { type: 'integer', minimum: 0 } as const
const ms = { type: 'integer', description: 'ms since 1970' } as const
const level = { type: 'integer', enum: [1, 2, 3, 4], description: 'NHS OPEL level' } as const
const obj = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({ type: 'object', properties, required, additionalProperties: false })
const ods = { type: 'string', description: 'ODS code of a member hospital' } as const
const uuid = { type: 'string', format: 'uuid' } as const

/** Schemas for `components.schemas`. */
export const LEDGER_SCHEMAS = {
  ScopeEscalation: {
    type: 'object',
    properties: {
      scope: { type: 'string', enum: ['hospital', 'unit'] },
      id: str,
      name: str,
      unitType: { type: 'string', enum: [...UNIT_TYPES] },
      level,
      reason: { type: 'string', description: 'e.g. "ICU occupancy 96 % > 92 %"; "all indicators below OPEL 2" at OPEL 1' },
      indicators: obj({ occupancyPercent: num, ventilatorsInUsePercent: num, ppeDaysOfSupply: num, ppeLine: str, admissionTrendPercent: num }, []),
      findings: { type: 'array', items: obj({ indicator: str, level, value: num, threshold: num, text: str }) },
      since: ms,
    },
    required: ['scope', 'id', 'name', 'level', 'reason', 'indicators', 'findings', 'since'],
  },
  HospitalEscalation: obj({ hospital: ref('ScopeEscalation'), units: { type: 'array', items: ref('ScopeEscalation') }, evaluatedAt: ms }),
  SubmissionResult: {
    type: 'object',
    description: 'queued: the node is unreachable, it is sent in order once it is back; submitted: the node took it (see /api/ledger/flows for confirmation)',
    properties: {
      id: uuid,
      tx: { type: 'object', description: 'the ledger transaction as recorded (never a patient identifier)' },
      salt: { type: 'string', description: 'transfers only: hex salt of recordCommitment = SHA-256(salt ‖ record); send it with the record' },
      submission: obj({ state: { type: 'string', enum: ['queued', 'submitted'] }, txId: str, error: str, queuedAt: ms }, ['state', 'queuedAt']),
    },
    required: ['id', 'tx', 'submission'],
  },
  FlowList: obj(
    {
      hospital: str,
      nodeError: { type: 'string', description: 'set when the node could not be read; the list is then what is known locally' },
      items: {
        type: 'array',
        items: obj(
          {
            kind: { type: 'string', enum: ['resource-request', 'resource-offer', 'resource-accept', 'resource-decline', 'patient-transfer'] },
            id: uuid,
            tx: { type: 'object' },
            status: { type: 'string', enum: ['queued', 'pending', 'confirmed', 'rejected'] },
            own: { type: 'boolean' },
            txId: str,
            endorsements: int,
            quorum: int,
            block: obj({ chain: str, height: int, hash: str }),
            confirmedAt: ms,
            queuedAt: ms,
            error: str,
          },
          ['kind', 'id', 'tx', 'status', 'own'],
        ),
      },
    },
    ['hospital', 'items'],
  ),
} as const

const ERR = (description: string) => json(ref('Error'), description)
const AUTH = { '401': ERR('no or invalid bearer token'), '403': ERR('the token’s role is too low') }
const secured = { security: [{ bearer: [] }] }

function post(summary: string, body: unknown) {
  return {
    post: {
      summary: `${summary} (role engineer or admin)`,
      tags: ['ledger'],
      ...secured,
      requestBody: { required: true, content: { 'application/json': { schema: body } } },
      responses: {
        '200': json(ref('SubmissionResult'), 'the ledger node took it (state submitted)'),
        '202': json(ref('SubmissionResult'), 'the node is unreachable: queued, sent in order once it is back (state queued)'),
        '400': ERR('a bad field, named (e.g. "quantity: Too small")'),
        '422': ERR('RHN_AGG_LEDGER_REJECTED: the node refused it, with its reason'),
        '503': ERR('RHN_AGG_LEDGER_UNAVAILABLE: no ledger link, queue full, or (transfers) no patient key'),
        ...AUTH,
      },
    },
  }
}

/** `paths` of the issue 7 routes. */
export function ledgerPaths(): Record<string, unknown> {
  return {
    '/api/escalation': { get: { summary: 'OPEL level and reason of the hospital and each unit', tags: ['escalation'], ...secured, responses: { '200': json(ref('HospitalEscalation'), 'levels'), ...AUTH } } },
    '/api/ledger/requests': post(
      'Ask other hospitals for resources (resource-request)',
      obj({ to: { type: 'array', items: ods, description: 'empty or absent: every member' }, resource: { type: 'string', enum: [...REQUESTABLE_RESOURCES] }, gtin: str, unitType: { type: 'string', enum: [...UNIT_TYPES] }, quantity: { type: 'integer', minimum: 1 }, reason: str, neededBy: ms }, ['resource', 'quantity', 'reason']),
    ),
    '/api/ledger/offers': post('Offer (part of) what a request asks for (resource-offer)', obj({ requestId: uuid, to: ods, quantity: { type: 'integer', minimum: 1 }, note: str }, ['requestId', 'to', 'quantity'])),
    '/api/ledger/decisions': post('Accept or decline an offer to one of this hospital’s requests', obj({ decision: { type: 'string', enum: ['accept', 'decline'] }, offerId: uuid, requestId: uuid, reason: str }, ['decision', 'offerId', 'requestId'])),
    '/api/ledger/transfers': post(
      'Record a patient transfer: the identifier and record stay here; only HMAC-SHA256(hospital key, id) and SHA-256(salt ‖ record) go to the ledger',
      obj({ patientId: str, record: str, destination: ods, category: obj({ condition: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' }, severity: { type: 'string', enum: [...SEVERITIES] } }), unitType: { type: 'string', enum: [...UNIT_TYPES] } }),
    ),
    '/api/ledger/flows': {
      get: { summary: 'Requests, offers, decisions and transfers involving this hospital, with confirmation status', tags: ['ledger'], ...secured, responses: { '200': json(ref('FlowList'), 'newest first'), '503': ERR('no ledger link configured'), ...AUTH } },
    },
  }
}
