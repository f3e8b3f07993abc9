/**
 * Checks the API server's options once, at creation (house rule 5: validated once, errors name the
 * key), and the fixed fastify options, frozen.
 */
import { API_ROLES } from '@rhn/protocols'
import { LogController } from 'fastify'
import { AggregatorError } from '../errors.js'
import { DEFAULT_HEARTBEAT_MS, type ApiServerConfig, type ApiServerOptions } from './types.js'

/** Shortest token accepted, characters (the config schema's rule: long enough not to be guessed). */
export const MIN_TOKEN_LENGTH = 16

/**
 * fastify server options, frozen (fastify's own habit: options validated, then immutable).
 * Every body the API takes is tiny (an alarm acknowledgement has none), so limits are tight.
 */
export const FASTIFY_OPTIONS = Object.freeze({
  bodyLimit: 16 * 1024, // 16 KiB: no route takes more than a few bytes of body
  routerOptions: Object.freeze({ maxParamLength: 200 }), // characters per path parameter: registry ids are far shorter
  requestTimeout: 30_000, // 30 s to receive a whole request (slowloris guard); SSE responses are not affected
  keepAliveTimeout: 72_000, // 72 s: longer than the usual 60 s proxy idle timeout, so the proxy closes first
  connectionTimeout: 0, // no socket idle timeout: SSE streams are idle between events (heartbeats keep proxies awake)
  return503OnClosing: true, // refuse new requests while closing
  // We log requests ourselves, without the query string (it may hold access_token).
  logController: new LogController({ disableRequestLogging: true }),
  exposeHeadRoutes: false, // HEAD is not part of the API
})

function problem(key: string, message: string): never {
  throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `api options: ${key}: ${message}`)
}

/** Validates the listening config and tokens; returns a frozen copy. */
export function checkConfig(config: ApiServerConfig): Readonly<ApiServerConfig> {
  if (typeof config.host !== 'string' || config.host === '') problem('host', 'must be a host name or address')
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535) problem('port', 'must be an integer 0–65535')
  const list: unknown = config.tokens
  if (!Array.isArray(list)) problem('tokens', 'must be a list')
  const seen = new Set<string>()
  const tokens = config.tokens.map((t, i) => {
    if (typeof t.name !== 'string' || t.name === '') problem(`tokens[${i}].name`, 'is required')
    if (typeof t.token !== 'string' || t.token.length < MIN_TOKEN_LENGTH) problem(`tokens[${i}].token`, `must be at least ${MIN_TOKEN_LENGTH} characters`)
    if (!(API_ROLES as readonly string[]).includes(t.role)) problem(`tokens[${i}].role`, `must be one of ${API_ROLES.join(', ')}`)
    if (seen.has(t.token)) problem(`tokens[${i}].token`, 'is the same as an earlier token')
    seen.add(t.token)
    return Object.freeze({ name: t.name, token: t.token, role: t.role })
  })
  return Object.freeze({ host: config.host, port: config.port, tokens: Object.freeze(tokens) })
}

/** Validates the tunables, filling defaults. */
export function checkInit(o: Pick<ApiServerOptions, 'heartbeatMs' | 'now'>): { heartbeatMs: number; now: () => number } {
  const heartbeatMs = o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 10) problem('heartbeatMs', 'must be at least 10 ms')
  return { heartbeatMs, now: o.now ?? Date.now }
}
