/**
 * `createLedgerNode`: one consensus node at work (issue 6). Wires the store, the tally, block
 * production, gossip and catch-up; the model is in README.md ("Fault model").
 */
import { join, resolve } from 'node:path'
import {
  type BlockJson,
  type ChainHead,
  type ConfirmedPage,
  type ConfirmedTx,
  type EquivocationEvidence,
  type Genesis,
  type LedgerState,
  type LedgerStatus,
  type SubmittedTxInput,
  SubmittedTxSchema,
  type TxStatus,
  txAuthor,
  quorumSize,
} from '@rhn/protocols'
import { pino, type Logger } from 'pino'
import { canonicalJson, sha256Hex } from '../chain/canonical.js'
import { loadMemberKey, loadPeerKey } from '../chain/keys.js'
import { membershipFromGenesis } from '../chain/membership.js'
import { encodeBlock } from '../chain/block.js'
import { LedgerError } from '../errors.js'
import type { LedgerNetwork, LedgerNetworkHandlers, Membership } from '../interface.js'
import { CatchUp } from './catch-up.js'
import { ConfirmLog } from './confirm-log.js'
import { NodeCore } from './core.js'
import { GossipSide } from './gossip.js'
import { BLOCK_OVERHEAD_BYTES } from './mempool.js'
import { Producer } from './producer.js'
import { ConfirmedState } from './state.js'
import { defaultNetwork, openNodeStore, type NodeStoreOpener } from './wiring.js'
import type { LedgerMetrics, LedgerNode, LedgerNodeInit } from './types.js'
import { blockJson, evidenceJson, headJson, txStatusView } from './views.js'
import { evidenceMessage } from './wire.js'

/** Most submitted transactions waiting for a block (100,000: 50 s at 2,000 tx/s; beyond that the node is not keeping up). */
export const MAX_MEMPOOL_TXS = 100_000
/** Period of the anti-entropy heads comparison with one random peer, ms (2 s: gossip loss is rare, a gap is found within seconds). */
export const ANTI_ENTROPY_MS = 2_000
/** Name of the confirmation log in `dataDir`. */
export const CONFIRM_LOG_FILE = 'confirmed.log'

/** Internal seams of the node (tests); the public factory uses the defaults. */
export interface LedgerNodeDeps {
  openStore: NodeStoreOpener
}

/** Creates a ledger node; nothing is read or opened until `start()`. */
export function createLedgerNode(init: LedgerNodeInit, deps: LedgerNodeDeps = { openStore: openNodeStore }): LedgerNode {
  return new LedgerNodeImpl(init, deps)
}

interface Running {
  core: NodeCore
  network: LedgerNetwork
  producer: Producer
  catchUp: CatchUp
  log: ConfirmLog
  antiEntropy: NodeJS.Timeout
  /** The confirmed list folded up to its cursor, brought up to date when asked (so rebuilt after a restart as the list is). */
  state: ConfirmedState
}

class LedgerNodeImpl implements LedgerNode {
  readonly member: string
  #chain: string
  readonly #init: LedgerNodeInit
  readonly #deps: LedgerNodeDeps
  readonly #logger: Logger
  readonly #now: () => number
  #membership: Membership | undefined
  #running: Running | undefined
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined
  readonly #listeners = new Set<(tx: ConfirmedTx) => void>()

  constructor(init: LedgerNodeInit, deps: LedgerNodeDeps) {
    this.#init = init
    this.#deps = deps
    this.member = init.config.memberId
    const own = init.genesis.members.find((m) => m.id === this.member)
    // Known without I/O when the member has one key; otherwise fixed by the key file at start.
    this.#chain = own?.publicKeys.length === 1 ? `${this.member}-0` : ''
    this.#logger = (init.logger ?? pino({ level: 'silent' })).child({ member: this.member })
    this.#now = init.now ?? Date.now
  }

  get chain(): string {
    return this.#chain
  }

  start(): Promise<void> {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start(): Promise<void> {
    const { config, genesis } = this.#init
    const base = this.#init.baseDir ?? process.cwd()
    const membership = membershipFromGenesis(genesis)
    if (!genesis.members.some((m) => m.id === config.memberId)) {
      throw new LedgerError('RHN_LEDGER_CONFIG_INVALID', `memberId ${config.memberId} is not a member of consortium ${genesis.consortiumId}`)
    }
    const { privateKey, node: self } = await loadMemberKey(resolve(base, config.keyFile), membership, config.memberId)
    this.#chain = self.chain
    this.#membership = membership
    const dataDir = resolve(base, config.dataDir)
    const { store, guard } = await this.#deps.openStore({ dataDir, membership, self, fsync: config.fsync, logger: this.#logger })
    const log = new ConfirmLog(join(dataDir, CONFIRM_LOG_FILE))
    let network: LedgerNetwork | undefined
    const core = new NodeCore({
      membership,
      self,
      store,
      confirmLog: log,
      now: this.#now,
      logger: this.#logger,
      announceEvidence: (a, b) => network?.publish(evidenceMessage(a, b)),
    })
    core.onConfirmed((tx) => this.#dispatch(tx))
    try {
      core.rebuild()
      const maxBlockBytes = config.block.maxBytes
      const catchUp = new CatchUp({ core, network: () => network, batchBlocks: config.sync.batchBlocks, maxBlockBytes, logger: this.#logger })
      const gossip = new GossipSide({ core, maxBlockBytes, now: this.#now, logger: this.#logger, onGap: (peer, chain, height) => catchUp.want(peer, chain, height) })
      const handlers: LedgerNetworkHandlers = {
        validate: (data, from) => gossip.validate(data, from),
        onMessage: (data, from) => gossip.onMessage(data, from),
        blocks: (chain, from, max) => store.range(chain, from, max).map(encodeBlock),
        heads: () => Object.fromEntries(store.chains().flatMap((c) => { const h = store.head(c); return h === undefined ? [] : [[c, h.header.height]] })),
        onPeerConnected: (peerId) => void catchUp.fromPeer(peerId),
      }
      const peerKey = this.#init.network === undefined ? await loadPeerKey(resolve(base, config.peerKeyFile)) : undefined
      network = await (this.#init.network ?? ((h) => defaultNetwork(config, membership, peerKey!, h, this.#logger)))(handlers)
      const net = network
      const producer = new Producer({
        core,
        privateKey,
        guard,
        publish: (data) => net.publish(data),
        intervalMs: config.block.intervalMs,
        maxTxs: config.block.maxTxs,
        maxBytes: config.block.maxBytes,
        now: this.#now,
        logger: this.#logger,
      })
      producer.start()
      const antiEntropy = setInterval(() => {
        const peers = net.peers()
        const peer = peers[Math.floor(Math.random() * peers.length)]
        if (peer !== undefined) void catchUp.fromPeer(peer.peerId)
      }, ANTI_ENTROPY_MS)
      this.#running = { core, network: net, producer, catchUp, log, antiEntropy, state: new ConfirmedState() }
      for (const peer of net.peers()) void catchUp.fromPeer(peer.peerId)
      this.#logger.info({ chain: self.chain, peerId: net.peerId, heads: store.chains().length, confirmed: core.confirmedTxs.length }, 'ledger node started')
    } catch (err) {
      await network?.stop().catch(() => undefined)
      log.close()
      await store.close()
      throw err
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    await this.#starting?.catch(() => undefined)
    const r = this.#running
    if (r === undefined) return
    this.#running = undefined
    clearInterval(r.antiEntropy)
    await r.producer.stop()
    await r.catchUp.stop()
    await r.network.stop()
    await r.core.serial(() => r.core.settled())
    r.log.close()
    await r.core.store.close()
    this.#logger.info('ledger node stopped')
  }

  #core(): NodeCore {
    const r = this.#running
    if (r === undefined) throw new LedgerError('RHN_LEDGER_NOT_RUNNING', `ledger node ${this.member} is not running (start() it first)`)
    return r.core
  }

  submit(input: SubmittedTxInput): Promise<string> {
    // A throw inside the executor rejects the promise: callers get one error path.
    return new Promise((resolve) => resolve(this.#submit(input)))
  }

  #submit(input: SubmittedTxInput): string {
    const core = this.#core()
    const parsed = SubmittedTxSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new LedgerError('RHN_LEDGER_TX_INVALID', `transaction is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`)
    }
    const tx = parsed.data
    const author = txAuthor(tx)
    if (author !== this.member) throw new LedgerError('RHN_LEDGER_FORBIDDEN', `a ${tx.kind} authored by ${author} cannot be written by ${this.member}'s node: a node writes only its own member's transactions`)
    const json = canonicalJson(tx)
    const budget = this.#init.config.block.maxBytes - BLOCK_OVERHEAD_BYTES
    if (json.length > budget) throw new LedgerError('RHN_LEDGER_TX_INVALID', `transaction is ${json.length} bytes; a block holds at most ${budget} bytes of transactions (block.maxBytes)`)
    const id = sha256Hex(json)
    if (core.tally.locate(id) !== undefined || core.mempool.has(id)) return id
    if (core.mempool.size >= MAX_MEMPOOL_TXS) throw new LedgerError('RHN_LEDGER_MEMPOOL_FULL', `${core.mempool.size} transactions wait for a block already (limit ${MAX_MEMPOOL_TXS})`)
    core.mempool.add(id, tx, json)
    core.metrics.inc('txs_submitted_total')
    return id
  }

  txStatus(txId: string): TxStatus | undefined {
    const r = this.#running
    return r === undefined ? undefined : txStatusView(txId, r.core.tally, r.core.store)
  }

  confirmed(after: number, limit: number): ConfirmedPage {
    const list = this.#running?.core.confirmedTxs ?? []
    const from = Math.max(0, Math.floor(after))
    const items = list.slice(from, from + Math.max(0, Math.floor(limit)))
    return { items, next: items.length === 0 ? from : items[items.length - 1]!.cursor }
  }

  state(recent?: number): LedgerState {
    const r = this.#running
    if (r === undefined) return new ConfirmedState().view(recent)
    const list = r.core.confirmedTxs
    for (let i = r.state.cursor; i < list.length; i++) r.state.add(list[i]!)
    return r.state.view(recent)
  }

  heads(): ChainHead[] {
    const core = this.#running?.core
    if (core === undefined) return []
    return [...core.store.chains()].sort().flatMap((chain) => {
      const head = core.store.head(chain)
      return head === undefined ? [] : [headJson(head, core.tally.frozenAt(chain))]
    })
  }

  block(chain: string, height: number): BlockJson | undefined {
    const b = this.#running?.core.store.get(chain, height)
    return b === undefined ? undefined : blockJson(b)
  }

  evidence(): EquivocationEvidence[] {
    return this.#running?.core.store.evidence().map(evidenceJson) ?? []
  }

  status(): LedgerStatus {
    const r = this.#running
    const g = this.#init.genesis
    return {
      consortium: g.consortiumId,
      member: this.member,
      chain: this.#chain,
      peerId: r?.network.peerId ?? '',
      listen: r?.network.addresses() ?? [],
      peers: r?.network.peers() ?? [],
      heads: this.heads(),
      pendingTxs: r?.core.mempool.size ?? 0,
      confirmedTxs: r?.core.confirmedTxs.length ?? 0,
      quorum: this.#membership?.quorum ?? membershipQuorum(g),
      consensusNodes: g.members.reduce((n, m) => n + m.publicKeys.length, 0),
    }
  }

  members(): { consortium: string; quorum: number; members: Genesis['members'] } {
    const g = this.#init.genesis
    return { consortium: g.consortiumId, quorum: this.#membership?.quorum ?? membershipQuorum(g), members: g.members }
  }

  onConfirmed(listener: (tx: ConfirmedTx) => void): () => void {
    // Kept on the node, not the core: a subscription made before start() (or across a restart) holds.
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #dispatch(tx: ConfirmedTx): void {
    for (const listener of this.#listeners) {
      try {
        listener(tx)
      } catch (err) {
        this.#logger.error({ err, txId: tx.txId }, 'an onConfirmed listener threw')
      }
    }
  }

  metrics(): LedgerMetrics {
    const r = this.#running
    if (r === undefined) return {}
    r.core.metrics.set('peers', r.network.peers().length)
    r.core.metrics.set('mempool_txs', r.core.mempool.size)
    r.core.metrics.set('confirmed_cursor', r.core.confirmedTxs.length)
    return r.core.metrics.snapshot()
  }
}

function membershipQuorum(g: Genesis): number {
  return quorumSize(g.members.reduce((k, m) => k + m.publicKeys.length, 0))
}
