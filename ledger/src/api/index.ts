/** The ledger node's HTTP API (issue 6): routes of `@rhn/protocols` `ledger/api.ts` over a node. */
export { createLedgerApi, STATUS_OF_CODE } from './server.js'
export { parseSubmission } from './routes.js'
export { prometheusText, metricName, PROMETHEUS_CONTENT_TYPE } from './metrics.js'
export { AUTH_REALM } from './auth.js'
export { type LedgerApiNode, type LedgerApiOptions, MIN_TOKEN_LENGTH, MAX_CONFIRMED_LIMIT, DEFAULT_CONFIRMED_LIMIT } from './types.js'
