/**
 * The ledger node's HTTP API as JSON (issue 6 "A small HTTP API per node"), shared by the node
 * (`@rhn/ledger`) and its clients (the hospital and regional aggregators). Paths:
 *
 * | method | path | body / answer |
 * |---|---|---|
 * | GET  | /api/status | {@link LedgerStatus} |
 * | GET  | /api/members | the genesis: consortium, members, quorum |
 * | GET  | /api/heads | {@link ChainHead}[] |
 * | GET  | /api/chains/:chain/blocks/:height | {@link BlockJson} |
 * | GET  | /api/txs/:txId | {@link TxStatus} |
 * | POST | /api/txs | a {@link SubmittedTxInput} with `Authorization: Bearer <token>` ▸ 202 {@link TxAccepted} |
 * | GET  | /api/confirmed?after=N&limit=M | {@link ConfirmedPage}: confirmed transactions in local confirmation order |
 * | GET  | /api/state?recent=N | {@link LedgerState}: the confirmed state at the node's cursor (a compacted feed: rebuild a view from it, then page on with `after=cursor`) |
 * | GET  | /api/evidence | {@link EquivocationEvidence}[] |
 * | GET  | /metrics | Prometheus text |
 *
 * Errors answer `{ code, message }` with a stable `RHN_LEDGER_…` code.
 */
import type { BlockRef, LedgerTx, SubmittedTx } from './transactions.js'

/** Answer to a submission: the transaction's id (hex SHA-256 of its canonical encoding). */
export interface TxAccepted {
  txId: string
}

/** One endorsement in a certificate: the endorsing node's block header and the Merkle path of its endorsement. */
export interface CertificateEntry {
  /** Endorsing chain (`<member>-<key index>`) and member. */
  chain: string
  member: string
  /** The endorsing block: its header (JSON, as signed), its signature (base64) and the endorsement's Merkle proof. */
  header: BlockHeaderJson
  signature: string
  txIndex: number
  merkleProof: string[]
}

/** A quorum certificate: enough endorsements to confirm the block holding a transaction. */
export interface Certificate {
  block: BlockRef
  quorum: number
  endorsements: CertificateEntry[]
}

/** A transaction's place and confirmation status. */
export interface TxStatus {
  txId: string
  tx: LedgerTx
  block: BlockRef
  member: string
  index: number
  status: 'pending' | 'confirmed'
  /** Distinct consensus nodes (author included) that have endorsed the block so far, and the quorum. */
  endorsements: number
  quorum: number
  confirmedAt?: number
  certificate?: Certificate
}

/** A block header, as JSON. Hashes hex, times ms since the epoch. */
export interface BlockHeaderJson {
  consortium: string
  chain: string
  member: string
  height: number
  prevHash: string
  time: number
  txRoot: string
  txCount: number
}

/** A block, as JSON. */
export interface BlockJson {
  header: BlockHeaderJson
  hash: string
  signature: string
  txs: LedgerTx[]
  txIds: string[]
}

/** A chain's tip as this node holds it. `frozenAt` is the height of proven equivocation, if any. */
export interface ChainHead {
  chain: string
  member: string
  height: number
  hash: string
  time: number
  frozenAt?: number
}

/** One confirmed (non-endorsement) transaction, as the region reads them. */
export interface ConfirmedTx {
  /** This node's confirmation sequence number: page with `after=<cursor>`. */
  cursor: number
  txId: string
  tx: SubmittedTx
  member: string
  block: BlockRef
  blockTime: number
  confirmedAt: number
}

/** A page of confirmed transactions. `next` is the cursor to ask `after=` for next. */
export interface ConfirmedPage {
  items: ConfirmedTx[]
  next: number
}

/**
 * One member's confirmed capacity snapshots, summed up to a {@link LedgerState}'s cursor: what a view
 * of the feed needs of a member beyond its latest snapshot, without reading every snapshot.
 */
export interface MemberCapacity {
  /** The snapshot's `hospital` (the member that wrote it). */
  hospital: string
  /**
   * The latest snapshot as `/api/confirmed` gave it: the newest `takenAt`; of two with the same
   * `takenAt`, the one confirmed later (a snapshot confirmed late does not replace a newer one).
   */
  latest: ConfirmedTx
  /** Confirmed snapshots of the member in all, and the admissions and discharges they carried (summed over units). */
  snapshots: number
  admissions: number
  discharges: number
  /**
   * `[hour start, admissions]` by the hour of `takenAt`, for hours with admissions, oldest first; the
   * newest 168 such hours (`@rhn/ledger` `STATE_ADMISSION_HOURS`: a week at least): what an admission trend reads.
   */
  admissionsByHour: [number, number][]
  /**
   * The cursor of the member's `recent`-th newest snapshot (`recent` of the request, at most
   * 1,000, `@rhn/ledger` `MAX_STATE_RECENT`; its oldest held when it has fewer): page `after=recentFrom - 1` up to
   * the state's cursor to read the member's newest snapshots (a trend line) without the rest.
   */
  recentFrom: number
}

/**
 * How many of the newest confirmed transactions of each kind `GET /api/state` carries in `others`
 * (its reader keeps no more: the region's flows and escalation records are bounded by the same
 * numbers, so a view seeded from the state equals a full replay). Requests, offers, decisions and
 * transfers: 2,000 each, months of a region's traffic; escalation changes: the newest 500.
 */
export const STATE_KEEP = {
  flows: 2_000,
  escalationChanges: 500,
} as const

/**
 * `GET /api/state`: the confirmed state at `cursor`, equal to what folding `/api/confirmed` from the
 * start up to `cursor` gives a reader that keeps {@link STATE_KEEP}: per member the latest capacity
 * snapshot and its sums, and the newest confirmed transactions that are not capacity snapshots
 * (requests, offers, decisions, transfers, escalation changes), up to {@link STATE_KEEP} per kind,
 * in confirmation order. Continue with `/api/confirmed?after=<cursor>`.
 */
export interface LedgerState {
  cursor: number
  /** By hospital id, sorted. */
  capacity: MemberCapacity[]
  others: ConfirmedTx[]
}

/** Two different blocks signed for one (chain, height): the proof that the chain's node equivocated. */
export interface EquivocationEvidence {
  chain: string
  member: string
  height: number
  blocks: [BlockJson, BlockJson]
  detectedAt: number
}

/** A node's own view: who it is, its peers, chains, pending and confirmed counts. */
export interface LedgerStatus {
  consortium: string
  member: string
  chain: string
  peerId: string
  listen: string[]
  peers: { peerId: string; member: string }[]
  heads: ChainHead[]
  pendingTxs: number
  confirmedTxs: number
  quorum: number
  consensusNodes: number
}
