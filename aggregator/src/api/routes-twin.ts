/**
 * Twin routes (issue 5 "API and page"): `/api/twin`, `/api/assets/:id`, `/api/assets/:id/history`,
 * `/api/capacity`, `/api/alarms`, `POST /api/alarms/:id/ack`, `/api/session`.
 */
import { getMetric, isKnownMetric } from '@rhn/protocols'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import type { HistoryQuery } from '../store/types.js'
import type { AlarmState } from '../twin/types.js'
import type { RouteAccess } from './auth.js'
import { badParameter, enumParam, parseHistoryWindow, stringParam } from './params.js'
import type { ApiPrincipal, ApiServerComponents } from './types.js'

/** History window when `from` is omitted, ms (1 h: what the asset page's chart shows first). */
export const DEFAULT_HISTORY_WINDOW_MS = 3_600_000
/** Most buckets one history query may ask for (10,000: far more points than a chart has pixels). */
export const MAX_HISTORY_BUCKETS = 10_000

const ALARM_STATES: readonly AlarmState[] = ['active', 'acknowledged', 'cleared']
const SCOPES = ['hospital', 'unit', 'section'] as const

const viewer: { access: RouteAccess } = { access: { role: 'viewer' } }
const engineer: { access: RouteAccess } = { access: { role: 'engineer' } }

function notFound(what: string, id: string): never {
  throw new AggregatorError('RHN_AGG_NOT_FOUND', `no ${what} with id "${id}"`)
}

const queryOf = (req: FastifyRequest): Record<string, unknown> => (req.query ?? {}) as Record<string, unknown>
const idOf = (req: FastifyRequest): string => (req.params as { id: string }).id

/** Reads and checks the history query of `GET /api/assets/:id/history`. */
export function parseHistoryQuery(asset: string, query: Record<string, unknown>, now: number): HistoryQuery {
  const metric = stringParam(query, 'metric', true)
  if (!isKnownMetric(metric)) badParameter('metric', `"${metric}" is not in the metric catalogue`)
  return { asset, metric, ...parseHistoryWindow(query, now, DEFAULT_HISTORY_WINDOW_MS, MAX_HISTORY_BUCKETS) }
}

/** Registers the twin routes on `app`; `principalOf` returns who the request was authenticated as. */
export function registerTwinRoutes(
  app: FastifyInstance,
  c: Pick<ApiServerComponents, 'twin' | 'store'>,
  now: () => number,
  principalOf: (req: FastifyRequest) => ApiPrincipal | undefined,
): void {
  const { twin, store } = c

  app.get('/api/session', { config: viewer }, (req) => principalOf(req))

  app.get('/api/twin', { config: viewer }, () => twin.tree())

  app.get('/api/assets/:id', { config: viewer }, (req) => twin.asset(idOf(req)) ?? notFound('asset', idOf(req)))

  app.get('/api/assets/:id/history', { config: viewer }, async (req) => {
    const id = idOf(req)
    // Parameters first: a bad parameter is a 400 whether or not the asset exists.
    const q = parseHistoryQuery(id, queryOf(req), now())
    if (twin.asset(id) === undefined) notFound('asset', id)
    const points = await store.history(q)
    return { ...q, unit: getMetric(q.metric).unit ?? null, points }
  })

  app.get('/api/capacity', { config: viewer }, (req) => {
    const query = queryOf(req)
    const scope = enumParam(query, 'scope', SCOPES) ?? badParameter('scope', `is required: one of ${SCOPES.join(', ')}`)
    const id = stringParam(query, 'id', true)
    const rollup = twin.capacity(scope, id) ?? notFound(scope, id)
    return { scope, id, rollup }
  })

  app.get('/api/alarms', { config: viewer }, (req) => {
    const query = queryOf(req)
    const state = enumParam(query, 'state', ALARM_STATES)
    const asset = stringParam(query, 'asset')
    return twin.alarms({ ...(state === undefined ? {} : { state }), ...(asset === undefined ? {} : { asset }) })
  })

  app.post('/api/alarms/:id/ack', { config: engineer }, (req) => {
    const by = principalOf(req)?.name ?? 'unknown'
    return twin.acknowledge(idOf(req), by) ?? notFound('alarm', idOf(req))
  })
}
