/**
 * Bearer-token authentication (RFC 6750) with roles viewer < engineer < admin (issue 5 "API and page").
 *
 * - Tokens come from config; each request's token is compared with every configured token in
 *   constant time (SHA-256 of both sides, then `timingSafeEqual`, and no early exit), so neither the
 *   token's content nor its length nor which entry matched leaks through timing.
 * - `Authorization: Bearer <token>` everywhere. `?access_token=` (RFC 6750 §2.3) only on routes that
 *   opt in (`/api/stream`), because the browser's EventSource cannot send headers.
 * - No token or an unknown one: 401 with `WWW-Authenticate: Bearer` (§3). A known token whose role
 *   is too low: 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { API_ROLES } from '@rhn/protocols'
import type { FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import type { ApiPrincipal, ApiRole, ApiToken } from './types.js'

/** Per-route access rule, set as fastify route `config.access`. */
export interface RouteAccess {
  /** Minimum role; `anonymous` for the only public routes (`/healthz`, the page's static files). */
  role: ApiRole | 'anonymous'
  /** Accept `?access_token=` as well as the header (stream route only). */
  queryToken?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; a route without it needs a viewer token (deny by default). */
    access?: RouteAccess
  }
}

/** Realm sent in `WWW-Authenticate`. */
export const AUTH_REALM = 'rhn-aggregator'

const RANK: Readonly<Record<ApiRole, number>> = Object.fromEntries(API_ROLES.map((r, i) => [r, i])) as Record<ApiRole, number>

/** Whether `held` is at least `needed` in the order viewer < engineer < admin. */
export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return RANK[held] >= RANK[needed]
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** The configured tokens, pre-hashed; `verify` compares in constant time. */
export class TokenTable {
  readonly #entries: readonly { hash: Buffer; principal: ApiPrincipal }[]

  constructor(tokens: readonly ApiToken[]) {
    this.#entries = tokens.map((t) => ({ hash: digest(t.token), principal: Object.freeze({ name: t.name, role: t.role }) }))
  }

  /** The principal holding `token`, or undefined. Visits every entry whatever matches. */
  verify(token: string): ApiPrincipal | undefined {
    const given = digest(token)
    let found: ApiPrincipal | undefined
    for (const entry of this.#entries) {
      if (timingSafeEqual(given, entry.hash) && found === undefined) found = entry.principal
    }
    return found
  }
}

/** Thrown for a missing or unknown token; the error handler adds `WWW-Authenticate`. */
export class UnauthorizedError extends AggregatorError {
  /** RFC 6750 §3.1 error code: absent when no token was sent at all. */
  readonly bearerError: 'invalid_token' | undefined

  constructor(message: string, bearerError?: 'invalid_token') {
    super('RHN_AGG_UNAUTHORIZED', message)
    this.bearerError = bearerError
  }

  /** The `WWW-Authenticate` header value. */
  challenge(): string {
    return `Bearer realm="${AUTH_REALM}"${this.bearerError === undefined ? '' : `, error="${this.bearerError}"`}`
  }
}

function tokenOf(req: FastifyRequest, queryToken: boolean): string | undefined {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
    // A malformed header counts as an invalid token, not as "no token".
    return match?.[1] ?? ''
  }
  if (queryToken) {
    const q = (req.query as Record<string, unknown> | undefined)?.access_token
    if (typeof q === 'string') return q
  }
  return undefined
}

/**
 * Authenticates and authorises `req` against its route's rule.
 * @returns the principal, or undefined on an anonymous route.
 * @throws UnauthorizedError (401) or AggregatorError `RHN_AGG_FORBIDDEN` (403).
 */
export function authorize(req: FastifyRequest, access: RouteAccess, tokens: TokenTable): ApiPrincipal | undefined {
  if (access.role === 'anonymous') return undefined
  const token = tokenOf(req, access.queryToken === true)
  if (token === undefined) throw new UnauthorizedError('a bearer token is required (Authorization: Bearer <token>)')
  const principal = tokens.verify(token)
  if (principal === undefined) throw new UnauthorizedError('the bearer token is not valid', 'invalid_token')
  if (!roleAllows(principal.role, access.role)) {
    throw new AggregatorError('RHN_AGG_FORBIDDEN', `role ${principal.role} may not do this; it needs ${access.role} or higher`)
  }
  return principal
}
