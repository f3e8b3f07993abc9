/**
 * Requests, offers, decisions and transfers that involve this hospital (issue 7: "their confirmation
 * status is visible on both sides"): read from the node's confirmed feed (`/api/confirmed`, paged
 * incrementally) and merged with this aggregator's own submissions not confirmed yet.
 */
import type { BlockRef, ConfirmedPage, SubmittedTx, SubmittedTxInput, TxStatus } from '@rhn/protocols'
import type { Submission } from './link.js'

/** What the tracker reads on the node (`LedgerClient` satisfies it). */
export interface FlowSource {
  confirmed(after: number, limit?: number, signal?: AbortSignal): Promise<ConfirmedPage>
  tx(txId: string, signal?: AbortSignal): Promise<TxStatus | undefined>
}

/** Flow kinds. */
export const FLOW_KINDS = ['resource-request', 'resource-offer', 'resource-accept', 'resource-decline', 'patient-transfer'] as const
type FlowKind = (typeof FLOW_KINDS)[number]
type FlowTx = Extract<SubmittedTxInput, { kind: FlowKind }>

/** One flow as the API lists it. */
export interface FlowItem {
  kind: FlowKind
  id: string
  tx: FlowTx
  /** `queued`: waiting for the node; `pending`: in a block, not yet endorsed by a quorum; `rejected`: refused by the node. */
  status: 'queued' | 'pending' | 'confirmed' | 'rejected'
  /** Whether this hospital authored it. */
  own: boolean
  txId?: string
  endorsements?: number
  quorum?: number
  block?: BlockRef
  confirmedAt?: number
  queuedAt?: number
  error?: string
}

/** `GET /api/ledger/flows`. */
export interface FlowList {
  hospital: string
  items: FlowItem[]
  /** Set when the node could not be read: the list then holds what is known locally. */
  nodeError?: string
}

/** Page size of `/api/confirmed` reads. */
const PAGE = 1_000
/** At most this many status reads per listing (pending own submissions, newest first). */
export const MAX_STATUS_READS = 50

const isFlow = (tx: SubmittedTxInput | SubmittedTx): tx is FlowTx => (FLOW_KINDS as readonly string[]).includes(tx.kind)
const author = (tx: FlowTx): string => (tx.kind === 'patient-transfer' ? tx.origin : tx.from)

/** See the module comment. */
export class FlowTracker {
  readonly #source: FlowSource
  readonly #hospital: string
  readonly #submissions: () => Submission[]
  #cursor = 0
  readonly #confirmed = new Map<string, FlowItem>()
  /** Offer id → author, to know whether a decision concerns one of our offers. */
  readonly #offers = new Map<string, { from: string; to: string }>()
  readonly #statusCache = new Map<string, TxStatus>()

  constructor(source: FlowSource, hospital: string, submissions: () => Submission[]) {
    this.#source = source
    this.#hospital = hospital
    this.#submissions = submissions
  }

  /** Whether `tx` involves this hospital. */
  involves(tx: FlowTx): boolean {
    const me = this.#hospital
    switch (tx.kind) {
      case 'resource-request':
        return tx.from === me || (tx.to ?? []).length === 0 || (tx.to ?? []).includes(me)
      case 'resource-offer':
        return tx.from === me || tx.to === me
      case 'patient-transfer':
        return tx.origin === me || tx.destination === me
      default: {
        const offer = this.#offers.get(tx.offerId)
        return tx.from === me || offer?.from === me
      }
    }
  }

  /** Every flow involving this hospital, newest first. */
  async list(signal?: AbortSignal): Promise<FlowList> {
    let nodeError: string | undefined
    try {
      await this.#sync(signal)
    } catch (err) {
      nodeError = err instanceof Error ? err.message : String(err)
    }
    const items = new Map(this.#confirmed)
    let reads = 0
    for (const s of [...this.#submissions()].reverse()) {
      if (!isFlow(s.tx) || (s.txId !== undefined && items.has(s.txId))) continue
      const item: FlowItem = { kind: s.tx.kind, id: s.tx.id, tx: s.tx, own: true, status: s.state === 'submitted' ? 'pending' : s.state, queuedAt: s.queuedAt, ...(s.txId === undefined ? {} : { txId: s.txId }), ...(s.error === undefined ? {} : { error: s.error }) }
      if (s.txId !== undefined && nodeError === undefined && reads < MAX_STATUS_READS) {
        reads += 1
        const st = await this.#source.tx(s.txId, signal).catch(() => undefined)
        if (st !== undefined) Object.assign(item, { status: st.status, endorsements: st.endorsements, quorum: st.quorum, block: st.block, ...(st.confirmedAt === undefined ? {} : { confirmedAt: st.confirmedAt }) })
      }
      items.set(s.txId ?? `local-${s.seq}`, item)
    }
    // Endorsement counts of confirmed flows, read once each (a confirmed status is final).
    for (const item of this.#confirmed.values()) {
      if (item.quorum !== undefined || item.txId === undefined || nodeError !== undefined || reads >= MAX_STATUS_READS) continue
      reads += 1
      const st = this.#statusCache.get(item.txId) ?? (await this.#source.tx(item.txId, signal).catch(() => undefined))
      if (st !== undefined) {
        this.#statusCache.set(item.txId, st)
        Object.assign(item, { endorsements: st.endorsements, quorum: st.quorum })
      }
    }
    const time = (i: FlowItem): number => i.confirmedAt ?? i.queuedAt ?? 0
    const list = [...items.values()].sort((a, b) => time(b) - time(a))
    return { hospital: this.#hospital, items: list, ...(nodeError === undefined ? {} : { nodeError }) }
  }

  async #sync(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const page = await this.#source.confirmed(this.#cursor, PAGE, signal)
      for (const c of page.items) {
        const tx = c.tx
        if (!isFlow(tx)) continue
        if (tx.kind === 'resource-offer') this.#offers.set(tx.id, { from: tx.from, to: tx.to })
        if (!this.involves(tx)) continue
        this.#confirmed.set(c.txId, { kind: tx.kind, id: tx.id, tx, own: author(tx) === this.#hospital, status: 'confirmed', txId: c.txId, block: c.block, confirmedAt: c.confirmedAt })
      }
      if (page.items.length === 0 || page.next <= this.#cursor) return
      this.#cursor = page.next
      if (page.items.length < PAGE) return
    }
  }
}
