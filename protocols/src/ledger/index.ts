/** Ledger transactions and the ledger node's HTTP API shapes (issues 6 and 7). */
export * from './transactions.js'
export type * from './api.js'
export { STATE_KEEP } from './api.js'
