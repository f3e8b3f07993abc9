/**
 * Ledger benchmark (issue 6 "Speed"), run by `make bench`:
 *   node --import tsx --conditions=rhn-source ledger/bench/ledger.ts
 * Real nodes (libp2p on loopback, gossipsub, file store) in this one process: 4 and then 7 members.
 * Per consortium: transactions at steady rates (confirmation latency p50/p99, submit ▸ confirmed
 * on the submitting node), then as fast as the nodes take them (confirmed tx/s); then a fresh node
 * catching up a chain of 10,000 blocks; and this machine's Ed25519 sign and verify rates, the
 * limit every figure runs into. Figures are printed against the targets, never asserted.
 *
 * Latency is judged at the first steady rate (default 20 tx/s: a region of 20 hospitals sends a
 * capacity snapshot each per minute plus requests, well under 5 tx/s, so 20 is several times its
 * design load); the next rates (default 500 tx/s) show where queueing starts, printed, not judged.
 *
 * Env: RHN_BENCH_LEDGER_RATES (steady tx/s, comma-separated, default "20,500"), RHN_BENCH_LEDGER_STEADY_S (default 5),
 * RHN_BENCH_LEDGER_TXS (max-rate phase, default 10,000), RHN_BENCH_LEDGER_BLOCKS (default 10,000),
 * RHN_BENCH_LEDGER_FSYNC (always|never, default always: the config default), RHN_BENCH_LEDGER_MEMBERS
 * (consortium sizes, default "4,7"; the targets are read from the last one), RHN_BENCH_LEDGER_PHASES
 * (default "load,catch-up").
 * Next to each wall-clock figure the bench prints the process's CPU time per confirmed transaction
 * (every node runs in this process): the machine is shared, and that figure does not depend on load.
 */
import '../src/polyfill.js'
import { generateKeyPairSync, sign, verify } from 'node:crypto'
import { cpus } from 'node:os'
import { catchUpPhase } from './catch-up.js'
import { fullyConnected, makeBenchConsortium } from './consortium.js'
import { maxPhase, type PhaseResult, quantile, steadyPhase } from './load.js'

const RATES = (process.env.RHN_BENCH_LEDGER_RATES ?? process.env.RHN_BENCH_LEDGER_RATE ?? '20,500').split(',').map(Number)
const STEADY_S = Number(process.env.RHN_BENCH_LEDGER_STEADY_S ?? 5)
const TXS = Number(process.env.RHN_BENCH_LEDGER_TXS ?? 10_000)
const BLOCKS = Number(process.env.RHN_BENCH_LEDGER_BLOCKS ?? 10_000)
const FSYNC = process.env.RHN_BENCH_LEDGER_FSYNC === 'never' ? 'never' : 'always'
const MEMBERS = (process.env.RHN_BENCH_LEDGER_MEMBERS ?? '4,7').split(',').map(Number)
const PHASES = new Set((process.env.RHN_BENCH_LEDGER_PHASES ?? 'load,catch-up').split(','))
/** How long a phase waits for the last confirmations after its last submission, s. */
const SETTLE_S = 120
/** Unconfirmed transactions allowed per node in the max-rate phase: a few blocks' worth (block.maxTxs 1000). */
const WINDOW = 3_000
/** Targets for 7 members (issue 6). */
const TARGET = { p50Ms: 100, p99Ms: 500, txPerS: 2_000, blocksPerS: 5_000 }

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a')
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met')

/** Ed25519 signs and verifies per second on one core, over the block-signing message size. */
function ed25519Rates(): { signPerS: number; verifyPerS: number } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const message = Buffer.from(`rhn-ledger/block/v1\n${'ab'.repeat(32)}`)
  const signature = sign(null, message, privateKey)
  const perSecond = (fn: () => void): number => {
    let n = 0
    const t0 = performance.now()
    while (performance.now() - t0 < 1_000) {
      for (let i = 0; i < 100; i++) fn()
      n += 100
    }
    return (n * 1_000) / (performance.now() - t0)
  }
  return { signPerS: perSecond(() => sign(null, message, privateKey)), verifyPerS: perSecond(() => verify(null, message, publicKey, signature)) }
}

/** Confirmed tx/s of a phase (0 when nothing was confirmed). */
const rate = (r: PhaseResult): number => (r.confirmed === 0 ? 0 : (r.confirmed * 1_000) / r.elapsedMs)

function line(label: string, r: PhaseResult): string {
  const lost = r.submitted - r.confirmed
  return `  ${label.padEnd(30)} p50 ${ms(quantile(r.latenciesMs, 0.5)).padStart(9)}  p99 ${ms(quantile(r.latenciesMs, 0.99)).padStart(9)}  ${fmt(rate(r)).padStart(6)} confirmed tx/s  (${fmt(r.confirmed)} of ${fmt(r.submitted)}${lost > 0 ? `, ${fmt(lost)} NOT confirmed within ${SETTLE_S} s of the last submission` : ''}${r.retries > 0 ? `, ${fmt(r.retries)} mempool-full retries` : ''}; CPU ${r.confirmed === 0 ? 'n/a' : `${(r.cpuMs / r.confirmed).toFixed(2)} ms`}/tx; ${fmt(r.blocks)} blocks)`
}

async function consortiumRun(n: number, seq0: number): Promise<{ steady: PhaseResult; max: PhaseResult }> {
  const consortium = await makeBenchConsortium(n, FSYNC)
  try {
    for (let i = 0; i < n; i++) await consortium.start(i)
    await fullyConnected(consortium.nodes)
    await steadyPhase(consortium.nodes, 100, 1, seq0, SETTLE_S * 1_000) // warm-up: JIT, gossip meshes
    const steady: PhaseResult[] = []
    for (const [k, rate] of RATES.entries()) steady.push(await steadyPhase(consortium.nodes, rate, STEADY_S, seq0 + (k + 1) * 1_000_000, SETTLE_S * 1_000))
    const max = await maxPhase(consortium.nodes, TXS, WINDOW, seq0 + 9_000_000, SETTLE_S * 1_000)
    console.log(`${n} members (${n} consensus nodes, quorum ${Math.floor((2 * n) / 3) + 1}):`)
    for (const [k, rate] of RATES.entries()) console.log(line(`steady ${fmt(rate)} tx/s for ${STEADY_S} s${k === 0 ? ' (judged)' : ''}`, steady[k]!))
    console.log(line(`as fast as possible`, max))
    return { steady: steady[0]!, max }
  } finally {
    await consortium.close()
  }
}

console.log(`rhn-ledger bench: ${cpus().length} cores, Node ${process.version}, fsync ${FSYNC}${FSYNC === 'always' ? ' (the config default: fsync before a block is announced)' : ''}, every node in this one process on loopback`)
const ed = ed25519Rates()
console.log(`Ed25519 on one core (node:crypto): ${fmt(ed.signPerS)} signs/s, ${fmt(ed.verifyPerS)} verifies/s — one sign per block and one verify per block received, per node\n`)
let seven: { steady: PhaseResult; max: PhaseResult } | undefined
if (PHASES.has('load')) for (const [k, n] of MEMBERS.entries()) seven = await consortiumRun(n, k * 10_000_000)
let blocksPerS = NaN
if (PHASES.has('catch-up')) {
  const cu = await catchUpPhase(BLOCKS, FSYNC)
  blocksPerS = cu.syncPerS
  console.log(`catch-up: a fresh node synced ${fmt(cu.blocks)} blocks at ${fmt(blocksPerS)} blocks/s once the first arrived (${((blocksPerS / ed.verifyPerS) * 100).toFixed(0)} % of the one-core verify rate; CPU ${((cu.cpuMs * 1_000) / cu.blocks).toFixed(0)} µs/block, both nodes)`)
  console.log(`  start ▸ first block ${fmt(cu.firstBlockMs)} ms (store, libp2p, dial, heads); start ▸ whole chain ${fmt(cu.elapsedMs)} ms = ${fmt((cu.blocks * 1_000) / cu.elapsedMs)} blocks/s overall; chain written in ${fmt(cu.buildMs)} ms`)
}

const p50 = quantile(seven?.steady.latenciesMs ?? [], 0.5)
const p99 = quantile(seven?.steady.latenciesMs ?? [], 0.99)
const tps = seven === undefined ? NaN : rate(seven.max)
console.log(`\ntargets for ${MEMBERS.at(-1)} members:`)
console.log(`  confirmation at ${fmt(RATES[0]!)} tx/s: p50 ${ms(p50)} ≤ ${TARGET.p50Ms} ms: ${verdict(p50 <= TARGET.p50Ms)}; p99 ${ms(p99)} ≤ ${TARGET.p99Ms} ms: ${verdict(p99 <= TARGET.p99Ms)}`)
console.log(`  confirmed ${fmt(tps)} tx/s ≥ ${fmt(TARGET.txPerS)}: ${verdict(tps >= TARGET.txPerS)} (${(tps / 372).toFixed(1)}× Fabric 1.4's published 372 TPS)`)
console.log(`  catch-up ${fmt(blocksPerS)} blocks/s (first block ▸ tip) ≥ ${fmt(TARGET.blocksPerS)}: ${verdict(blocksPerS >= TARGET.blocksPerS)}`)
