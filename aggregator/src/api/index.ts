/**
 * The aggregator's HTTP API (issue 5 "API and page"): `createApiServer` and what it is built from.
 */
export { createApiServer, STATUS_OF_CODE } from './server.js'
export { AUTH_REALM, TokenTable, UnauthorizedError, authorize, roleAllows, type RouteAccess } from './auth.js'
export { FASTIFY_OPTIONS, MIN_TOKEN_LENGTH, checkConfig } from './options.js'
export { parseDuration, parseTime, MAX_PARAM_LENGTH } from './params.js'
export { DEFAULT_HISTORY_WINDOW_MS, MAX_HISTORY_BUCKETS, parseHistoryQuery } from './routes-twin.js'
export { MAX_STREAM_BACKLOG_BYTES, STREAM_RETRY_MS, inSubtree } from './stream.js'
export { openApiDocument } from './openapi.js'
export {
  DEFAULT_HEARTBEAT_MS,
  type ApiPrincipal,
  type ApiRole,
  type ApiServerComponents,
  type ApiServerConfig,
  type ApiServerInit,
  type ApiServerOptions,
  type ApiToken,
} from './types.js'
