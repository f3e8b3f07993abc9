/**
 * The region's API routes (issue 7), the hospital API's shape with the region as the root of the
 * tree: `/api/session`, `/api/tree`, `/api/capacity`, `/api/history`, `/api/region/*`, and
 * `POST /api/region/recommendations/:id/request` (engineer role: files the request through the
 * needing hospital's own ledger node, from `ledger.delegates`).
 */
import { randomUUID } from 'node:crypto'
import { UNIT_TYPES, type UnitType } from '@rhn/protocols'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RouteAccess } from '../api/auth.js'
import { badParameter, enumParam, parseHistoryWindow, stringParam } from '../api/params.js'
import type { ApiPrincipal } from '../api/types.js'
import { AggregatorError } from '../errors.js'
import { toRequest, type RecommendedRequest } from '../rebalance/index.js'
import type { HistoryQuery, TelemetryStore } from '../store/types.js'
import { kindOfRegionMetric, regionAsset, unitTypeScope } from './points.js'
import type { RecommendationView, Recommender } from './recommender.js'
import type { RegionTwin } from './region-twin.js'

/** History window when `from` is omitted, ms (7 days: regional trends are read over days). */
export const DEFAULT_REGION_HISTORY_MS = 7 * 86_400_000
/** Most buckets one history query may ask for (the hospital API's limit). */
export const MAX_REGION_HISTORY_BUCKETS = 10_000

const SCOPES = ['region', 'hospital', 'unit'] as const
const viewer: { access: RouteAccess } = { access: { role: 'viewer' } }
const engineer: { access: RouteAccess } = { access: { role: 'engineer' } }

/** Files a request through a member's own node: resolves with the node's tx id. */
export type DelegateSubmit = (request: RecommendedRequest) => Promise<{ txId: string; nodeUrl: string }>

/** What the routes read. */
export interface RegionRouteComponents {
  twin: RegionTwin
  store: TelemetryStore
  recommender: Recommender
  /** Member (ODS code) → submit through its node; a member not in here cannot file from the region. */
  delegates: ReadonlyMap<string, DelegateSubmit>
  now: () => number
  principalOf: (req: FastifyRequest) => ApiPrincipal | undefined
}

const queryOf = (req: FastifyRequest): Record<string, unknown> => (req.query ?? {}) as Record<string, unknown>

/**
 * Reads and checks `GET /api/history?id&metric&from&to&every&agg[&unitType]`: `id` is the region or a
 * hospital; with `unitType`, the series of that hospital's units of the type.
 */
export function parseRegionHistory(query: Record<string, unknown>, now: number): { id: string; unitType?: UnitType; q: HistoryQuery } {
  const id = stringParam(query, 'id', true)
  const unitType = enumParam(query, 'unitType', UNIT_TYPES)
  const metric = stringParam(query, 'metric', true)
  const kind = kindOfRegionMetric(metric)
  if (kind === undefined) badParameter('metric', `"${metric}" is not a region metric (Capacity/Beds/Occupied, Capacity/Ventilators/InUse, Capacity/PPE/Stock/<gtin>, Escalation/Level, …)`)
  const window = parseHistoryWindow(query, now, DEFAULT_REGION_HISTORY_MS, MAX_REGION_HISTORY_BUCKETS)
  const scope = unitType === undefined ? id : unitTypeScope(id, unitType)
  return { id, ...(unitType === undefined ? {} : { unitType }), q: { asset: regionAsset(scope, kind), metric, ...window } }
}

function neededByOf(body: unknown): number | undefined {
  if (body === undefined || body === null || body === '') return undefined
  if (typeof body !== 'object') badParameter('body', 'must be a JSON object (or empty)')
  const v = (body as Record<string, unknown>).neededBy
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) badParameter('neededBy', 'must be ms since 1970')
  return v
}

/** Registers the region routes on `app`. */
export function registerRegionRoutes(app: FastifyInstance, c: RegionRouteComponents): void {
  const { twin, store, recommender } = c
  const notFound = (what: string, id: string): never => {
    throw new AggregatorError('RHN_AGG_NOT_FOUND', `no ${what} with id "${id}"`)
  }

  app.get('/api/session', { config: viewer }, (req) => c.principalOf(req))
  app.get('/api/tree', { config: viewer }, () => twin.tree())

  app.get('/api/capacity', { config: viewer }, (req) => {
    const query = queryOf(req)
    const scope = enumParam(query, 'scope', SCOPES) ?? badParameter('scope', `is required: one of ${SCOPES.join(', ')}`)
    const id = stringParam(query, 'id') ?? (scope === 'region' ? twin.registry.region.id : badParameter('id', 'is required'))
    return { scope, id, capacity: twin.capacity(scope, id) ?? notFound(scope, id) }
  })

  app.get('/api/history', { config: viewer }, async (req) => {
    const { id, unitType, q } = parseRegionHistory(queryOf(req), c.now())
    // Series are kept per region, hospital and hospital unit type (points.ts), not per unit.
    const known = twin.hospital(id) !== undefined || (unitType === undefined && id === twin.registry.region.id)
    if (!known) notFound(unitType === undefined ? 'region or hospital (for a unit type add unitType=)' : 'hospital', id)
    return { id, ...(unitType === undefined ? {} : { unitType }), metric: q.metric, from: q.from, to: q.to, ...(q.everyMs === undefined ? {} : { everyMs: q.everyMs }), ...(q.agg === undefined ? {} : { agg: q.agg }), points: await store.history(q) }
  })

  app.get('/api/region', { config: viewer }, () => twin.region())
  app.get('/api/region/hospitals', { config: viewer }, () => twin.region(true).hospitals)
  app.get('/api/region/hospitals/:id', { config: viewer }, (req) => {
    const { id } = req.params as { id: string }
    return twin.hospital(id) ?? notFound('hospital', id)
  })
  app.get('/api/region/flows', { config: viewer }, () => twin.flows())
  app.get('/api/region/escalations', { config: viewer }, () => twin.recordedEscalations())
  app.get('/api/region/interdependencies', { config: viewer }, (req) => {
    const type = enumParam(queryOf(req), 'type', ['spatial', 'functional', 'physical', 'cyber'] as const)
    const all = twin.interdependencies()
    return type === undefined ? all : all.filter((d) => d.type === type)
  })
  app.get('/api/region/recommendations', { config: viewer }, () => recommender.view())

  app.post('/api/region/recommendations/:id/request', { config: engineer }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const neededBy = neededByOf(req.body)
    const rec: RecommendationView = recommender.get(id) ?? notFound('recommendation (it may have been re-solved away; reload the list)', id)
    const request = toRequest(rec, randomUUID(), neededBy)
    const submit = c.delegates.get(request.from)
    if (submit === undefined) {
      throw new AggregatorError(
        'RHN_AGG_NO_DELEGATE',
        `the request would be filed by ${request.from}, and ledger.delegates names no node for ${request.from}; add ledger.delegates.${request.from} (its own node and token file) or file it from ${request.from}'s aggregator`,
      )
    }
    const by = c.principalOf(req)?.name ?? 'unknown'
    const { txId, nodeUrl } = await submit(request)
    recommender.markRequested(id, { txId, requestId: request.id, by, at: c.now(), nodeUrl })
    req.log.info({ recommendation: id, request: request.id, txId, member: request.from, by }, 'recommendation filed as a resource request')
    return reply.code(202).send({ txId, nodeUrl, request })
  })
}
