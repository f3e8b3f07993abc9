/**
 * The aggregator's HTTP server (issue 5 "API and page"): twin API, live stream, FHIR views, health,
 * metrics, OpenAPI document and the web page, behind bearer tokens with roles.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyListenOptions, type FastifyReply, type FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import { registerEscalationRoutes, type HospitalEscalationView } from '../escalation/index.js'
import { registerFhirRoutes } from '../fhir/index.js'
import { loadPatientKey, registerLedgerRoutes, type LedgerRoutesComponents } from '../ledger-link/index.js'
import { registerUi } from '../ui/index.js'
import { type RouteAccess, TokenTable, UnauthorizedError, authorize } from './auth.js'
import { openApiDocument } from './openapi.js'
import { FASTIFY_OPTIONS, checkConfig, checkInit } from './options.js'
import { registerTwinRoutes } from './routes-twin.js'
import { registerStream } from './stream.js'
import type { ApiPrincipal, ApiServerOptions } from './types.js'

/** HTTP status of each API error code. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  RHN_AGG_BAD_PARAMETER: 400,
  RHN_AGG_UNAUTHORIZED: 401,
  RHN_AGG_FORBIDDEN: 403,
  RHN_AGG_NOT_FOUND: 404,
  RHN_AGG_LEDGER_REJECTED: 422,
  RHN_AGG_LEDGER_UNAVAILABLE: 503,
})

/** Deny by default: a route that states no rule needs a viewer token. */
const DEFAULT_ACCESS: RouteAccess = { role: 'viewer' }

function errorBody(err: FastifyError, req: FastifyRequest): { status: number; code: string; message: string } {
  if (err instanceof AggregatorError && STATUS_OF_CODE[err.code] !== undefined) return { status: STATUS_OF_CODE[err.code]!, code: err.code, message: err.message }
  const status = err.statusCode ?? 500
  if (status >= 500) {
    req.log.error({ err }, 'request failed')
    // No catalogue code for our own faults (the catalogue lists what callers can act on): fastify's shape.
    return { status, code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the aggregator log' }
  }
  // fastify's own 4xx (unparseable body, body too large, …): the caller sent something wrong.
  return { status, code: 'RHN_AGG_BAD_PARAMETER', message: err.message }
}

/** Issue 7 routes: `GET /api/escalation` and `/api/ledger/*` (answering 503 without a ledger link). */
export interface LedgerApiComponents {
  escalation?: { current(): HospitalEscalationView }
  ledger?: LedgerRoutesComponents
}

/**
 * Creates the API server: a fastify instance whose `listen()` without arguments listens on
 * `config.host:config.port` (resolving to the base URL), and whose `close()` also ends open streams.
 * Options are validated here (a bad one throws `RHN_AGG_CONFIG_INVALID` naming it). Routes are
 * registered inside one plugin, so an `onRoute` hook added before `ready()` sees every route.
 */
export function createApiServer(options: ApiServerOptions & LedgerApiComponents): FastifyInstance {
  const config = checkConfig(options.config)
  const { heartbeatMs, now } = checkInit(options)
  const { twin, store, health, metrics, hospital, logger } = options
  const tokens = new TokenTable(config.tokens)
  const principals = new WeakMap<FastifyRequest, ApiPrincipal>()
  const principalOf = (req: FastifyRequest): ApiPrincipal | undefined => principals.get(req)

  const app = Fastify({ ...FASTIFY_OPTIONS, loggerInstance: logger })
  let hub: { clients: number } | undefined

  app.addHook('onRequest', (req, _reply, done) => {
    try {
      const principal = authorize(req, req.routeOptions.config.access ?? DEFAULT_ACCESS, tokens)
      if (principal !== undefined) principals.set(req, principal)
      done()
    } catch (err) {
      done(err as Error)
    }
  })
  app.addHook('onResponse', (req, reply, done) => {
    // The path only: the query may carry ?access_token= (stream route).
    req.log.info({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, who: principalOf(req)?.name, ms: Math.round(reply.elapsedTime) }, 'request')
    done()
  })
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, code, message } = errorBody(err, req)
    if (err instanceof UnauthorizedError) void reply.header('www-authenticate', err.challenge())
    return reply.code(status).send({ code, message })
  })
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'RHN_AGG_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  void app.register(async (api) => {
    registerTwinRoutes(api, { twin, store }, now, principalOf)
    // Always registered (the OpenAPI document lists them): without a monitor or link they answer 404 / 503.
    registerEscalationRoutes(api, options.escalation)
    registerLedgerRoutes(api, options.ledger ?? { hospitalId: hospital.id, patientKey: () => loadPatientKey(undefined), now })
    hub = registerStream(api, twin, heartbeatMs)
    api.get('/healthz', { config: { access: { role: 'anonymous' } } }, (_req, reply) => {
      try {
        return health()
      } catch (err) {
        api.log.warn({ err }, 'health check failed')
        return reply.code(503).send({ status: 'unhealthy' })
      }
    })
    // /metrics needs a viewer token (Prometheus scrapes with `authorization: {credentials: …}`): the issue
    // allows only /healthz anonymously, and the metrics name units and devices.
    api.get('/metrics', (_req, reply) => {
      const own = [
        '# HELP rhn_aggregator_api_stream_clients Open /api/stream connections.',
        '# TYPE rhn_aggregator_api_stream_clients gauge',
        `rhn_aggregator_api_stream_clients ${hub?.clients ?? 0}`,
      ].join('\n')
      const text = metrics().trimEnd()
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${text === '' ? '' : `${text}\n`}${own}\n`)
    })
    const doc = openApiDocument()
    api.get('/openapi.json', () => doc)
    registerUi(api)
    await api.register(
      (f, _opts, done) => {
        registerFhirRoutes(f, { twin, hospital, now })
        done()
      },
      { prefix: '/fhir' },
    )
  })

  const listen = app.listen.bind(app) as (opts: FastifyListenOptions) => Promise<string>
  Object.assign(app, { listen: (opts?: FastifyListenOptions) => listen(opts ?? { host: config.host, port: config.port }) })
  return app
}
