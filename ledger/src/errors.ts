import { type ledgerErrors, RhnError } from '@rhn/protocols'
import type { BlockFault } from './interface.js'

/** A code of the `@rhn/ledger` catalogue (`ledgerErrors` in `@rhn/protocols`). */
export type LedgerErrorCode = keyof typeof ledgerErrors

/** An error raised by the ledger; callers match on `code`. */
export class LedgerError extends RhnError {
  declare readonly code: LedgerErrorCode

  constructor(code: LedgerErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}

/** The error code of each block fault, for callers that turn a refused block into a thrown error or a log line. */
export const BLOCK_FAULT_CODES: Readonly<Record<BlockFault, LedgerErrorCode>> = Object.freeze({
  malformed: 'RHN_LEDGER_MALFORMED_BLOCK',
  oversized: 'RHN_LEDGER_OVERSIZED_BLOCK',
  'not-member': 'RHN_LEDGER_NOT_MEMBER',
  'wrong-consortium': 'RHN_LEDGER_WRONG_CONSORTIUM',
  'bad-signature': 'RHN_LEDGER_BAD_SIGNATURE',
  'bad-link': 'RHN_LEDGER_BAD_LINK',
  'bad-tx': 'RHN_LEDGER_BAD_TX',
  stale: 'RHN_LEDGER_STALE_BLOCK',
})
