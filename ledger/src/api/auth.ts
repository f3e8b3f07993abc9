/**
 * Bearer-token check for submissions (RFC 6750). One token per node (`api.tokenFile`): the hospital
 * aggregator beside the node holds it. Compared as SHA-256 digests with `timingSafeEqual`, so
 * neither the token's content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { LedgerError } from '../errors.js'

/** Realm sent in `WWW-Authenticate` (RFC 6750 §3). */
export const AUTH_REALM = 'rhn-ledger'

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** A 401: the `WWW-Authenticate` challenge goes with it. */
export class UnauthorizedError extends LedgerError {
  constructor(
    message: string,
    /** RFC 6750 §3.1: absent when no token was sent at all. */
    readonly bearerError?: 'invalid_token',
  ) {
    super('RHN_LEDGER_UNAUTHORIZED', message)
  }

  /** The `WWW-Authenticate` header value. */
  challenge(): string {
    return `Bearer realm="${AUTH_REALM}"${this.bearerError === undefined ? '' : `, error="${this.bearerError}"`}`
  }
}

/** Returns a checker of `Authorization` header values against `token`; it throws {@link UnauthorizedError}. */
export function bearerCheck(token: string): (header: string | undefined) => void {
  const expected = digest(token)
  return (header) => {
    if (header === undefined) throw new UnauthorizedError('submitting needs a bearer token (Authorization: Bearer <token from api.tokenFile>)')
    // A malformed header counts as a wrong token, not as "no token".
    const given = /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1] ?? ''
    if (!timingSafeEqual(digest(given), expected)) throw new UnauthorizedError('the bearer token is not this node\'s api token', 'invalid_token')
  }
}
