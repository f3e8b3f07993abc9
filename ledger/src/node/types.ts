/**
 * The public surface of a ledger node (issue 6): what the HTTP API (`api/`), the CLI (`cli/`) and
 * the benches call. The model is in README.md ("Fault model") and in `interface.ts`.
 */
import type {
  BlockJson,
  ChainHead,
  ConfirmedPage,
  ConfirmedTx,
  EquivocationEvidence,
  LedgerState,
  Genesis,
  LedgerConfig,
  LedgerStatus,
  SubmittedTxInput,
  TxStatus,
} from '@rhn/protocols'
import type { Logger } from 'pino'
import type { LedgerNetwork, LedgerNetworkHandlers } from '../interface.js'

/** What a ledger node needs; every field but `config` and `genesis` is optional. */
export interface LedgerNodeInit {
  /** The validated node config (`parseLedgerConfig`). */
  config: LedgerConfig
  /** The validated genesis (`parseGenesis`); must list `config.memberId` and this node's key. */
  genesis: Genesis
  /** Directory that relative paths in `config` (keyFile, peerKeyFile, dataDir) resolve against; default the process cwd. */
  baseDir?: string
  /** Structured logger (pino); default silent. */
  logger?: Logger
  /** Clock, ms since the epoch; default `Date.now` (tests pass a fake one). */
  now?: () => number
  /**
   * Test seam: builds the p2p layer given the node's handlers. Default: the libp2p network of
   * `net/` (`createLedgerNetwork`) from the config's listen, bootstrap and gossip settings.
   */
  network?: (handlers: LedgerNetworkHandlers) => Promise<LedgerNetwork>
}

/** Counters of a node; names end in their unit (`_total`). Rendered as Prometheus text by the API. */
export type LedgerMetrics = Record<string, number>

/** One consensus node of the consortium at work: its own chain, the others' chains, endorsements, confirmations. */
export interface LedgerNode {
  /** Opens the store and the keys, starts the network, catches up and begins producing blocks. */
  start(): Promise<void>
  /** Stops producing, closes the network and the store; idempotent. */
  stop(): Promise<void>
  /** The member hospital this node belongs to. */
  readonly member: string
  /** This node's own chain id (`<member>-<key index>`). */
  readonly chain: string
  /**
   * Queues a transaction of this node's member for the next block; resolves with its id (hex SHA-256
   * of its canonical encoding); submitting the same tx again returns the same id. Throws `LedgerError`
   * `RHN_LEDGER_TX_INVALID` when the schema refuses it (or it cannot fit a block), `RHN_LEDGER_FORBIDDEN`
   * when another member authored it, `RHN_LEDGER_NOT_RUNNING` before start or after stop,
   * `RHN_LEDGER_MEMPOOL_FULL` when too many transactions wait to be written.
   */
  submit(tx: SubmittedTxInput): Promise<string>
  /** A transaction's place and confirmation status (with its certificate once confirmed), or undefined if unknown. */
  txStatus(txId: string): TxStatus | undefined
  /** Confirmed (non-endorsement) transactions with cursor > `after`, at most `limit`, in local confirmation order. */
  confirmed(after: number, limit: number): ConfirmedPage
  /**
   * The confirmed state at the current cursor (`GET /api/state`): per member the latest capacity
   * snapshot and its sums, and every other confirmed transaction; `recent` (1–1,000, default 1) sets
   * each member's `recentFrom`. Equal to folding `confirmed(0, …)` up to its cursor (`./state.ts`).
   */
  state(recent?: number): LedgerState
  /** Every chain's head as this node holds it (with `frozenAt` for proven equivocation). */
  heads(): ChainHead[]
  /** A held block, or undefined. */
  block(chain: string, height: number): BlockJson | undefined
  /** Equivocation evidence held. */
  evidence(): EquivocationEvidence[]
  /** Who this node is, its peers, heads and counts. */
  status(): LedgerStatus
  /** The genesis membership and the quorum. */
  members(): { consortium: string; quorum: number; members: Genesis['members'] }
  /** Calls `listener` with each newly confirmed transaction; returns the unsubscribe function. */
  onConfirmed(listener: (tx: ConfirmedTx) => void): () => void
  /**
   * Counters: `blocks_produced_total`, `blocks_received_total`, `blocks_rejected_total{reason="…"}`,
   * `txs_submitted_total`, `txs_confirmed_total`, `equivocations_total`, `sync_blocks_total`, `peers`,
   * `mempool_txs`, `confirmed_cursor`. Label sets are written inline in the key, Prometheus style.
   */
  metrics(): LedgerMetrics
}
