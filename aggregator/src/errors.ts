import { type aggregatorErrors, RhnError } from '@rhn/protocols'

/** A code of the `@rhn/aggregator` catalogue (`aggregatorErrors` in `@rhn/protocols`). */
export type AggregatorErrorCode = keyof typeof aggregatorErrors

/** An error raised by the aggregator; callers match on `code`. */
export class AggregatorError extends RhnError {
  declare readonly code: AggregatorErrorCode

  constructor(code: AggregatorErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}
