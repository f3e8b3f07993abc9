/**
 * Requests, offers, decisions and transfers between hospitals as the region sees them, joined from
 * the confirmed transactions (issue 7: "open resource requests with their offers/decisions and
 * patient transfers"). Each member's chain confirms independently, so an offer may be confirmed
 * here before the request it answers: it is listed as an orphan until the request arrives.
 */
import type { RegionStateData } from './state.js'
import type { OfferFlow, RegionFlows, RequestFlow, RequestStatus, TransferFlow } from './types.js'

function offerFlow(s: RegionStateData, id: string): OfferFlow {
  const { tx, txId, confirmedAt } = s.offers[id]!
  const d = s.decisions[id]
  return {
    id,
    requestId: tx.requestId,
    from: tx.from,
    to: tx.to,
    quantity: tx.quantity,
    ...(tx.note === undefined ? {} : { note: tx.note }),
    confirmedAt,
    txId,
    ...(d === undefined
      ? {}
      : { decision: { kind: d.tx.kind === 'resource-accept' ? 'accept' : 'decline', id: d.tx.id, ...(d.tx.reason === undefined ? {} : { reason: d.tx.reason }), confirmedAt: d.confirmedAt } }),
  }
}

function statusOf(quantity: number, offers: readonly OfferFlow[]): { status: RequestStatus; accepted: number } {
  const accepted = offers.filter((o) => o.decision?.kind === 'accept').reduce((n, o) => n + o.quantity, 0)
  if (accepted >= quantity) return { status: 'fulfilled', accepted }
  if (accepted > 0) return { status: 'partly-accepted', accepted }
  return { status: offers.some((o) => o.decision === undefined) ? 'offered' : 'open', accepted }
}

/** Every request with its offers, orphan offers and transfers, newest first. */
export function regionFlows(s: RegionStateData): RegionFlows {
  const byRequest = new Map<string, OfferFlow[]>()
  const orphanOffers: OfferFlow[] = []
  for (const id of Object.keys(s.offers)) {
    const offer = offerFlow(s, id)
    if (s.requests[offer.requestId] === undefined) orphanOffers.push(offer)
    else byRequest.set(offer.requestId, [...(byRequest.get(offer.requestId) ?? []), offer])
  }
  const requests: RequestFlow[] = Object.values(s.requests).map(({ tx, txId, confirmedAt }) => {
    const offers = byRequest.get(tx.id) ?? []
    return {
      id: tx.id,
      from: tx.from,
      to: [...tx.to],
      resource: tx.resource,
      ...(tx.gtin === undefined ? {} : { gtin: tx.gtin }),
      ...(tx.unitType === undefined ? {} : { unitType: tx.unitType }),
      quantity: tx.quantity,
      reason: tx.reason,
      ...(tx.neededBy === undefined ? {} : { neededBy: tx.neededBy }),
      confirmedAt,
      txId,
      ...statusOf(tx.quantity, offers),
      offers,
    }
  })
  const transfers: TransferFlow[] = Object.values(s.transfers).map(({ tx, txId, confirmedAt }) => ({
    id: tx.id,
    origin: tx.origin,
    destination: tx.destination,
    category: { ...tx.category },
    unitType: tx.unitType,
    at: tx.at,
    confirmedAt,
    txId,
    status: 'confirmed',
  }))
  const newest = (a: { confirmedAt: number }, b: { confirmedAt: number }): number => b.confirmedAt - a.confirmedAt
  return { requests: requests.sort(newest), orphanOffers: orphanOffers.sort(newest), transfers: transfers.sort(newest) }
}

/** Requests not yet fulfilled. */
export function openRequests(flows: RegionFlows): RequestFlow[] {
  return flows.requests.filter((r) => r.status !== 'fulfilled')
}
