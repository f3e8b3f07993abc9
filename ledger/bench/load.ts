/**
 * Load phases of the ledger bench: submissions at a steady rate and as fast as possible, with the
 * confirmation latency of each transaction measured on the node that took it (submit ▸ confirmed).
 */
import type { SubmittedTxInput } from '@rhn/protocols'
import type { LedgerNode } from '../src/node/types.js'
import { capacitySnapshotTx } from '../test/fixtures/txs.js'

/** What one phase measured. */
export interface PhaseResult {
  submitted: number
  confirmed: number
  /** Submit ▸ confirmed on the submitting node, ms, sorted. */
  latenciesMs: number[]
  /** First submission ▸ last confirmation, ms. */
  elapsedMs: number
  /** Submissions refused for back-pressure (mempool full) and retried. */
  retries: number
  /** CPU time of this process (user + system, every node in it) over the phase, ms: load-independent next to wall clock. */
  cpuMs: number
  /** Blocks the nodes wrote during the phase (all chains): each is signed, stored, gossiped and verified by every other node. */
  blocks: number
}

/** Blocks written so far by all `nodes`. */
const blocksProduced = (nodes: LedgerNode[]): number => nodes.reduce((n, node) => n + (node.metrics().blocks_produced_total ?? 0), 0)

/** The q-quantile (0..1) of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A valid capacity snapshot of `hospital`, distinct per `seq`. */
export const snapshot = (hospital: string, seq: number): SubmittedTxInput => capacitySnapshotTx(hospital, seq % 1_000_000, 1_736_150_400_000 + seq) as SubmittedTxInput

/** Tracks submissions and confirmations on every node. */
class Tracker {
  readonly submittedAt = new Map<string, number>()
  readonly latencies: number[] = []
  readonly #unsubscribe: Array<() => void>
  readonly #early = new Map<string, number>()
  inFlight = new Map<LedgerNode, number>()
  first = Infinity
  last = 0
  retries = 0
  readonly #cpu0 = process.cpuUsage()
  readonly #blocks0: number

  constructor(readonly nodes: LedgerNode[]) {
    this.#blocks0 = blocksProduced(nodes)
    this.#unsubscribe = nodes.map((node) =>
      node.onConfirmed((tx) => {
        const at = performance.now()
        const key = `${node.member}/${tx.txId}`
        const t0 = this.submittedAt.get(key)
        if (t0 === undefined) {
          this.#early.set(key, at) // confirmed before submit() resolved: joined below
          return
        }
        this.#record(node, key, t0, at)
      }),
    )
  }

  #record(node: LedgerNode, key: string, t0: number, at: number): void {
    this.submittedAt.delete(key)
    this.latencies.push(at - t0)
    this.last = Math.max(this.last, at)
    this.inFlight.set(node, (this.inFlight.get(node) ?? 1) - 1)
  }

  async submit(node: LedgerNode, tx: SubmittedTxInput): Promise<void> {
    for (;;) {
      const t0 = performance.now()
      this.first = Math.min(this.first, t0)
      try {
        const txId = await node.submit(tx)
        const key = `${node.member}/${txId}`
        this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1)
        const early = this.#early.get(key)
        if (early === undefined) this.submittedAt.set(key, t0)
        else {
          this.#early.delete(key)
          this.#record(node, key, t0, early)
        }
        return
      } catch (err) {
        if ((err as { code?: string }).code !== 'RHN_LEDGER_MEMPOOL_FULL') throw err
        this.retries++
        await sleep(5)
      }
    }
  }

  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.submittedAt.size > 0 && Date.now() < deadline) await sleep(20)
  }

  result(submitted: number): PhaseResult {
    for (const off of this.#unsubscribe) off()
    const cpu = process.cpuUsage(this.#cpu0)
    const cpuMs = (cpu.user + cpu.system) / 1_000
    return { submitted, confirmed: this.latencies.length, latenciesMs: [...this.latencies].sort((a, b) => a - b), elapsedMs: this.last - this.first, retries: this.retries, cpuMs, blocks: blocksProduced(this.nodes) - this.#blocks0 }
  }
}

/** Submits `ratePerS` transactions per second for `seconds`, round-robin over the nodes; waits up to `settleMs` for confirmations. */
export async function steadyPhase(nodes: LedgerNode[], ratePerS: number, seconds: number, seq0: number, settleMs: number): Promise<PhaseResult> {
  const tracker = new Tracker(nodes)
  const total = Math.round(ratePerS * seconds)
  const start = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1_000) / ratePerS
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    const node = nodes[i % nodes.length]!
    pending.push(tracker.submit(node, snapshot(node.member, seq0 + i)))
  }
  await Promise.all(pending)
  await tracker.settle(settleMs)
  return tracker.result(total)
}

/** Submits `total` transactions as fast as the nodes take them (at most `window` unconfirmed per node). */
export async function maxPhase(nodes: LedgerNode[], total: number, window: number, seq0: number, settleMs: number): Promise<PhaseResult> {
  const tracker = new Tracker(nodes)
  const per = Math.ceil(total / nodes.length)
  await Promise.all(
    nodes.map(async (node, n) => {
      for (let i = 0; i < per; i++) {
        while ((tracker.inFlight.get(node) ?? 0) >= window) await sleep(2)
        await tracker.submit(node, snapshot(node.member, seq0 + n * per + i))
      }
    }),
  )
  await tracker.settle(settleMs)
  return tracker.result(per * nodes.length)
}
