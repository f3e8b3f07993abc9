/**
 * What the HTTP API needs from a ledger node and how it is configured. The API is a thin view of
 * a `LedgerNode` (`../node/`): it validates, authenticates and serialises; the node decides.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { LedgerNode } from '../node/types.js'

/** The part of a {@link LedgerNode} the API reads and writes (a real node fits; so does a stand-in in a test). */
export type LedgerApiNode = Pick<LedgerNode, 'member' | 'submit' | 'txStatus' | 'confirmed' | 'state' | 'heads' | 'block' | 'evidence' | 'status' | 'members' | 'metrics'>

/** Options of {@link createLedgerApi}. */
export interface LedgerApiOptions {
  node: LedgerApiNode
  /** Bearer token required by `POST /api/txs` (from `api.tokenFile`); at least {@link MIN_TOKEN_LENGTH} characters. */
  token: string
  /** Where `listen()` without arguments listens (config `api.host`, `api.port`; port 0 = any free port). */
  host: string
  port: number
  /** Structured logger (pino; a `pino.Logger` fits). Requests are logged at debug. */
  logger: FastifyBaseLogger
}

/** Shortest API token accepted, characters: 128 bits of base64url is 22 characters, `keygen` writes 43. */
export const MIN_TOKEN_LENGTH = 22

/** Largest `limit` of `GET /api/confirmed`: a page stays under a few MiB of JSON. */
export const MAX_CONFIRMED_LIMIT = 10_000

/** `limit` of `GET /api/confirmed` when none is given (the client's default too). */
export const DEFAULT_CONFIRMED_LIMIT = 1_000
