import type { Recommendation, RecommendedRequest } from './types.js'

/** `ResourceRequestTxSchema` caps a reason at 500 characters. */
const MAX_REASON_CHARS = 500

/**
 * Turn a recommendation into the resource request that asks for it, in one step: the hospital that
 * needs the resource asks the one that has it. For `ventilator`/`ppe` that is `to` asking `from`
 * (the donor); for `patient` it is `from` (short of beds) asking `to` for `unitType` beds.
 *
 * @param id - the request's UUID (the caller's source of randomness, e.g. `crypto.randomUUID()`)
 * @param neededBy - optional deadline, ms since 1970
 * @returns a `resource-request` transaction input that `ResourceRequestTxSchema` accepts
 */
export function toRequest(rec: Recommendation, id: string, neededBy?: number): RecommendedRequest {
  const asker = rec.kind === 'patient' ? rec.from : rec.to
  const holder = rec.kind === 'patient' ? rec.to : rec.from
  const reason = rec.reason.length > MAX_REASON_CHARS ? `${rec.reason.slice(0, MAX_REASON_CHARS - 1)}…` : rec.reason
  const request: RecommendedRequest = {
    kind: 'resource-request',
    id,
    from: asker,
    to: [holder],
    resource: rec.kind === 'patient' ? 'bed' : rec.kind,
    quantity: rec.quantity,
    reason,
  }
  if (rec.gtin !== undefined) request.gtin = rec.gtin
  if (rec.unitType !== undefined) request.unitType = rec.unitType
  if (neededBy !== undefined) request.neededBy = neededBy
  return request
}
