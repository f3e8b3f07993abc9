/**
 * What the hospital API server and the region server share: a fastify instance behind the bearer-token
 * auth (deny by default), one log line a request, the `{ code, message }` error shape with a status
 * per catalogue code, the 404 answer, `GET /healthz` and `GET /metrics`, and a `listen()` that
 * defaults to the configured address.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyListenOptions, type FastifyReply, type FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import { type RouteAccess, TokenTable, UnauthorizedError, authorize } from './auth.js'
import { FASTIFY_OPTIONS } from './options.js'
import type { ApiPrincipal, ApiServerConfig } from './types.js'

/** Deny by default: a route that states no rule needs a viewer token. */
const DEFAULT_ACCESS: RouteAccess = { role: 'viewer' }

/** What {@link createServerBase} needs. */
export interface ServerBaseInit {
  /** Listening address and tokens, already checked (`checkConfig`). */
  config: Readonly<ApiServerConfig>
  /** Structured logger (pino). */
  logger: FastifyBaseLogger
  /** HTTP status of each `AggregatorError` code the routes throw; any other code is a 500. */
  statusOfCode: Readonly<Record<string, number>>
}

/** The server before its routes: the fastify instance and who each request was authenticated as. */
export interface ServerBase {
  app: FastifyInstance
  principalOf: (req: FastifyRequest) => ApiPrincipal | undefined
}

function errorBody(err: FastifyError, req: FastifyRequest, statusOfCode: Readonly<Record<string, number>>): { status: number; code: string; message: string } {
  if (err instanceof AggregatorError && statusOfCode[err.code] !== undefined) return { status: statusOfCode[err.code]!, code: err.code, message: err.message }
  const status = err.statusCode ?? 500
  if (status >= 500) {
    req.log.error({ err }, 'request failed')
    // No catalogue code for our own faults (the catalogue lists what callers can act on): fastify's shape.
    return { status, code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the aggregator log' }
  }
  // fastify's own 4xx (unparseable body, body too large, …): the caller sent something wrong.
  return { status, code: 'RHN_AGG_BAD_PARAMETER', message: err.message }
}

/**
 * Creates the fastify instance with auth, request log, error and 404 handlers. Its `listen()` without
 * arguments listens on `config.host:config.port` and resolves to the base URL.
 */
export function createServerBase(init: ServerBaseInit): ServerBase {
  const { config, statusOfCode } = init
  const tokens = new TokenTable(config.tokens)
  const principals = new WeakMap<FastifyRequest, ApiPrincipal>()
  const principalOf = (req: FastifyRequest): ApiPrincipal | undefined => principals.get(req)
  const app = Fastify({ ...FASTIFY_OPTIONS, loggerInstance: init.logger })

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
    const { status, code, message } = errorBody(err, req, statusOfCode)
    if (err instanceof UnauthorizedError) void reply.header('www-authenticate', err.challenge())
    return reply.code(status).send({ code, message })
  })
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'RHN_AGG_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  const listen = app.listen.bind(app) as (opts: FastifyListenOptions) => Promise<string>
  Object.assign(app, { listen: (opts?: FastifyListenOptions) => listen(opts ?? { host: config.host, port: config.port }) })
  return { app, principalOf }
}

/** What `/healthz` and `/metrics` answer with. */
export interface HealthAndMetrics {
  /** Body of `GET /healthz` (anonymous): keep it free of secrets. A throw answers 503. */
  health: () => object
  /** Prometheus text of the aggregator's metrics; the open stream count is added to it. */
  metrics: () => string
  /** Open `/api/stream` connections. */
  streamClients: () => number
}

/**
 * Registers `GET /healthz` (anonymous) and `GET /metrics`. The metrics need a viewer token (Prometheus
 * scrapes with `authorization: {credentials: …}`): the issue allows only /healthz anonymously, and the
 * metrics name units and devices.
 */
export function registerHealthAndMetrics(api: FastifyInstance, c: HealthAndMetrics): void {
  api.get('/healthz', { config: { access: { role: 'anonymous' } } }, (_req, reply) => {
    try {
      return c.health()
    } catch (err) {
      api.log.warn({ err }, 'health check failed')
      return reply.code(503).send({ status: 'unhealthy' })
    }
  })
  api.get('/metrics', (_req, reply) => {
    const own = [
      '# HELP rhn_aggregator_api_stream_clients Open /api/stream connections.',
      '# TYPE rhn_aggregator_api_stream_clients gauge',
      `rhn_aggregator_api_stream_clients ${c.streamClients()}`,
    ].join('\n')
    const text = c.metrics().trimEnd()
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${text === '' ? '' : `${text}\n`}${own}\n`)
  })
}
