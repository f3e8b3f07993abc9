/**
 * The ledger node's HTTP API server (issue 6 "A small HTTP API per node"): fastify with the routes
 * of `@rhn/protocols` `ledger/api.ts`, errors as `{ code, message }`, `/healthz` and `/metrics`.
 */
import { RhnError } from '@rhn/protocols'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyListenOptions, LogController } from 'fastify'
import { LedgerError } from '../errors.js'
import { UnauthorizedError, bearerCheck } from './auth.js'
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './metrics.js'
import { registerLedgerRoutes } from './routes.js'
import { type LedgerApiOptions, MIN_TOKEN_LENGTH } from './types.js'

/** HTTP status of each error code the API answers with (the node's own included); other codes are 500. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  RHN_LEDGER_TX_INVALID: 400,
  RHN_LEDGER_BAD_PARAMETER: 400,
  RHN_LEDGER_BAD_TX: 400,
  RHN_LEDGER_UNAUTHORIZED: 401,
  RHN_LEDGER_FORBIDDEN: 403,
  RHN_LEDGER_NOT_MEMBER: 403,
  RHN_LEDGER_NOT_FOUND: 404,
  RHN_LEDGER_EQUIVOCATION: 409,
  RHN_LEDGER_STORE_IO: 503,
  RHN_LEDGER_NOT_RUNNING: 503,
  RHN_LEDGER_MEMPOOL_FULL: 503, // back-pressure: the aggregator retries later
})

/** fastify options, frozen. */
const FASTIFY_OPTIONS = Object.freeze({
  bodyLimit: 1024 * 1024, // 1 MiB: the default block.maxBytes; a larger transaction could never fit a block
  routerOptions: Object.freeze({ maxParamLength: 100 }), // characters: chain ids (`RXA-0`) and tx ids (64 hex) are shorter
  requestTimeout: 30_000, // 30 s to receive a whole request (slowloris guard)
  return503OnClosing: true, // refuse new requests while the node stops
  logController: new LogController({ disableRequestLogging: true }), // one line per request, from onResponse
  exposeHeadRoutes: false,
})

function checkOptions(o: LedgerApiOptions): void {
  const bad = (key: string, message: string): never => {
    throw new LedgerError('RHN_LEDGER_CONFIG_INVALID', `ledger API: ${key}: ${message}`)
  }
  if (typeof o.token !== 'string' || o.token.length < MIN_TOKEN_LENGTH) bad('api.tokenFile', `the token must be at least ${MIN_TOKEN_LENGTH} characters (rhn-ledger keygen writes one)`)
  if (/\s/.test(o.token)) bad('api.tokenFile', 'the token must not contain white space')
  if (typeof o.host !== 'string' || o.host === '') bad('api.host', 'must be a host name or address')
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) bad('api.port', 'must be an integer 0–65535')
}

/** `{status, code, message}` for any error a route threw. */
function errorAnswer(err: FastifyError, isSubmission: boolean): { status: number; code: string; message: string } {
  if (err instanceof RhnError) {
    const status = STATUS_OF_CODE[err.code] ?? 500
    return { status, code: err.code, message: err.message }
  }
  const status = err.statusCode ?? 500
  if (status >= 500) return { status, code: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the node log' }
  // fastify's own 4xx (body not JSON, too large, wrong content type): the caller sent something wrong.
  return { status, code: isSubmission ? 'RHN_LEDGER_TX_INVALID' : 'RHN_LEDGER_BAD_PARAMETER', message: err.message }
}

/**
 * Creates the API of one node. `listen()` without arguments listens on `host:port` and resolves to
 * the base URL; `close()` stops the server (not the node). Options are checked here: a short token
 * throws `RHN_LEDGER_CONFIG_INVALID` naming `api.tokenFile`.
 */
export function createLedgerApi(options: LedgerApiOptions): FastifyInstance {
  checkOptions(options)
  const { node, logger } = options
  const app = Fastify({ ...FASTIFY_OPTIONS, loggerInstance: logger })
  let requests = 0

  app.addHook('onResponse', (req, reply, done) => {
    requests++
    req.log.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request')
    done()
  })
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, code, message } = errorAnswer(err, req.method === 'POST')
    if (status >= 500) req.log.error({ err, path: req.url.split('?')[0] }, 'request failed')
    if (err instanceof UnauthorizedError) void reply.header('www-authenticate', err.challenge())
    return reply.code(status).send({ code, message })
  })
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'RHN_LEDGER_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  registerLedgerRoutes(app, node, bearerCheck(options.token))
  app.get('/healthz', (_req, reply) => {
    try {
      const s = node.status()
      return { status: 'ok', member: s.member, chain: s.chain, peers: s.peers.length }
    } catch (err) {
      app.log.warn({ err }, 'health check failed')
      return reply.code(503).send({ status: 'unhealthy', message: (err as Error).message })
    }
  })
  app.get('/metrics', (_req, reply) =>
    reply.type(PROMETHEUS_CONTENT_TYPE).send(prometheusText({ ...node.metrics(), rhn_ledger_api_requests_total: requests })),
  )

  const listen = app.listen.bind(app) as (opts: FastifyListenOptions) => Promise<string>
  Object.assign(app, { listen: (opts?: FastifyListenOptions) => listen(opts ?? { host: options.host, port: options.port }) })
  return app
}
