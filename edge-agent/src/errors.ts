import { type edgeErrors, RhnError } from '@rhn/protocols'

/** A code of the `@rhn/edge-agent` catalogue (`edgeErrors` in `@rhn/protocols`). */
export type EdgeErrorCode = keyof typeof edgeErrors

/** An error raised by the edge agent; callers match on `code`. */
export class EdgeError extends RhnError {
  declare readonly code: EdgeErrorCode

  constructor(code: EdgeErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}
