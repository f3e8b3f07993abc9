/**
 * The region's HTTP server: the hospital API's auth (bearer tokens with roles, `authorize`), fastify
 * options and error shape `{ code, message }`, with the region routes, its live stream, `/healthz`,
 * `/metrics` and the region page at `/`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyListenOptions, type FastifyReply, type FastifyRequest } from 'fastify'
import { type RouteAccess, TokenTable, UnauthorizedError, authorize } from '../api/auth.js'
import { FASTIFY_OPTIONS, checkConfig } from '../api/options.js'
import { STATUS_OF_CODE } from '../api/server.js'
import type { ApiPrincipal, ApiServerConfig } from '../api/types.js'
import { AggregatorError } from '../errors.js'
import { registerUi } from '../ui/index.js'
import { registerRegionRoutes, type RegionRouteComponents } from './routes.js'
import { registerRegionStream } from './stream.js'

/** HTTP status of the region's own error codes, on top of the hospital API's. */
export const REGION_STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  ...STATUS_OF_CODE,
  RHN_AGG_NO_DELEGATE: 409,
  // The delegate node could not be reached or refused the request: a bad gateway from the caller's view.
  RHN_AGG_LEDGER_UNAVAILABLE: 502,
  RHN_AGG_LEDGER_REJECTED: 502,
})

/** What the region server needs. */
export interface RegionServerOptions extends Omit<RegionRouteComponents, 'principalOf'> {
  config: ApiServerConfig
  health: () => object
  metrics: () => string
  logger: FastifyBaseLogger
  /** SSE heartbeat period, ms. */
  heartbeatMs: number
}

const DEFAULT_ACCESS: RouteAccess = { role: 'viewer' }

function errorBody(err: FastifyError, req: FastifyRequest): { status: number; code: string; message: string } {
  if (err instanceof AggregatorError && REGION_STATUS_OF_CODE[err.code] !== undefined) return { status: REGION_STATUS_OF_CODE[err.code]!, code: err.code, message: err.message }
  const status = err.statusCode ?? 500
  if (status >= 500) {
    req.log.error({ err }, 'request failed')
    return { status, code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the aggregator log' }
  }
  return { status, code: 'RHN_AGG_BAD_PARAMETER', message: err.message }
}

/** Creates the region server; `listen()` without arguments listens on the configured address and resolves to its URL. */
export function createRegionServer(o: RegionServerOptions): FastifyInstance {
  const config = checkConfig(o.config)
  const tokens = new TokenTable(config.tokens)
  const principals = new WeakMap<FastifyRequest, ApiPrincipal>()
  const principalOf = (req: FastifyRequest): ApiPrincipal | undefined => principals.get(req)
  const app = Fastify({ ...FASTIFY_OPTIONS, loggerInstance: o.logger })
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
    req.log.info({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, who: principalOf(req)?.name, ms: Math.round(reply.elapsedTime) }, 'request')
    done()
  })
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, code, message } = errorBody(err, req)
    if (err instanceof UnauthorizedError) void reply.header('www-authenticate', err.challenge())
    return reply.code(status).send({ code, message })
  })
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'RHN_AGG_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  void app.register((api, _opts, done) => {
    registerRegionRoutes(api, { ...o, principalOf })
    hub = registerRegionStream(api, o.twin, o.heartbeatMs)
    api.get('/healthz', { config: { access: { role: 'anonymous' } } }, (_req, reply) => {
      try {
        return o.health()
      } catch (err) {
        api.log.warn({ err }, 'health check failed')
        return reply.code(503).send({ status: 'unhealthy' })
      }
    })
    api.get('/metrics', (_req, reply) => {
      const own = ['# HELP rhn_aggregator_api_stream_clients Open /api/stream connections.', '# TYPE rhn_aggregator_api_stream_clients gauge', `rhn_aggregator_api_stream_clients ${hub?.clients ?? 0}`].join('\n')
      const text = o.metrics().trimEnd()
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${text === '' ? '' : `${text}\n`}${own}\n`)
    })
    registerUi(api, undefined, 'region.html')
    done()
  })

  const listen = app.listen.bind(app) as (opts: FastifyListenOptions) => Promise<string>
  Object.assign(app, { listen: (opts?: FastifyListenOptions) => listen(opts ?? { host: config.host, port: config.port }) })
  return app
}
