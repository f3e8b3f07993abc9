import type { ProtocolErrorCode } from './catalogue.js'
import { RhnError } from './error.js'

/** An error raised by `@rhn/protocols`; `code` is one of {@link ProtocolErrorCode}. */
export class ProtocolError extends RhnError {
  declare readonly code: ProtocolErrorCode

  constructor(code: ProtocolErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}
