/**
 * `rhn-ledger status` and `rhn-ledger inspect`: a running node as a person reads it, over its HTTP
 * API (through `LedgerClient`, the client the aggregators use). `--json` prints the raw answers.
 */
import type { BlockJson, ChainHead, TxStatus } from '@rhn/protocols'
import { LedgerClient, LedgerClientError } from '../client.js'
import { iso, short, table } from './usage.js'

/** The node API address when `--url` is not given: the config default `api.host:api.port`. */
export const DEFAULT_URL = 'http://127.0.0.1:8090'

/** Blocks of a chain `inspect --chain` shows, newest first. */
export const INSPECT_BLOCKS = 10

/** Confirmed transactions `inspect` lists, newest last. */
export const INSPECT_CONFIRMED = 20

/** Output sink, so tests and the entry point choose where lines go. */
export type Print = (text: string) => void

function headsTable(heads: ChainHead[]): string {
  return table(
    ['CHAIN', 'MEMBER', 'HEIGHT', 'HASH', 'TIME', 'FROZEN AT'],
    heads.map((h) => [h.chain, h.member, String(h.height), short(h.hash), iso(h.time), h.frozenAt === undefined ? '' : String(h.frozenAt)]),
  )
}

/** `status`: who the node is, its peers and every chain head. */
export async function status(url: string, json: boolean, print: Print): Promise<number> {
  const s = await new LedgerClient({ url }).status()
  if (json) {
    print(JSON.stringify(s, null, 2))
    return 0
  }
  print(`consortium ${s.consortium} · member ${s.member} · chain ${s.chain}`)
  print(`peer id    ${s.peerId}`)
  for (const addr of s.listen) print(`listening  ${addr}`)
  print(`peers      ${s.peers.length}${s.peers.length === 0 ? '' : `: ${s.peers.map((p) => `${p.member} ${p.peerId}`).join(', ')}`}`)
  print(`quorum     ${s.quorum} of ${s.consensusNodes} consensus nodes · pending ${s.pendingTxs} · confirmed ${s.confirmedTxs}`)
  print('')
  print(headsTable(s.heads))
  return 0
}

function txLine(t: TxStatus): string[] {
  return [t.txId, t.tx.kind, `${t.block.chain}@${t.block.height}`, t.status, `${t.endorsements}/${t.quorum}`, t.confirmedAt === undefined ? '' : iso(t.confirmedAt)]
}

const TX_HEADER = ['TX', 'KIND', 'BLOCK', 'STATUS', 'ENDORSED', 'CONFIRMED AT']

/** `inspect --tx ID`: one transaction, its block and its certificate. */
async function inspectTx(client: LedgerClient, txId: string, json: boolean, print: Print): Promise<number> {
  const t = await client.tx(txId)
  if (t === undefined) {
    print(`transaction ${txId}: not known to the node at ${client.url}`)
    return 1
  }
  if (json) {
    print(JSON.stringify(t, null, 2))
    return 0
  }
  print(table(TX_HEADER, [txLine(t)]))
  print(`block ${t.block.chain} height ${t.block.height} hash ${t.block.hash}, transaction #${t.index} of member ${t.member}`)
  if (t.certificate === undefined) {
    print(`no certificate yet: ${t.endorsements} of ${t.quorum} endorsements`)
    return 0
  }
  const c = t.certificate
  print(`certificate: ${c.endorsements.length} endorsements, quorum ${c.quorum}, for block ${c.block.chain}@${c.block.height} ${c.block.hash}`)
  print(table(['ENDORSING CHAIN', 'MEMBER', 'HEIGHT', 'BLOCK HASH (prev)', 'TX #', 'PROOF'], c.endorsements.map((e) => [e.chain, e.member, String(e.header.height), short(e.header.prevHash), String(e.txIndex), `${e.merkleProof.length} hashes`])))
  return 0
}

/** `inspect --chain C`: the chain's newest blocks and the status of each transaction in them. */
async function inspectChain(client: LedgerClient, chain: string, json: boolean, print: Print): Promise<number> {
  const head = (await client.heads()).find((h) => h.chain === chain)
  if (head === undefined) {
    print(`chain ${chain}: not held by the node at ${client.url}`)
    return 1
  }
  const blocks: BlockJson[] = []
  for (let h = head.height; h >= 0 && blocks.length < INSPECT_BLOCKS; h--) {
    const res = await fetch(`${client.url}/api/chains/${encodeURIComponent(chain)}/blocks/${h}`)
    if (!res.ok) throw new LedgerClientError(`ledger node ${client.url} answered ${res.status} for block ${chain}@${h}`, res.status, undefined)
    blocks.push((await res.json()) as BlockJson)
  }
  const txs = (await Promise.all(blocks.flatMap((b) => b.txIds.map((id) => client.tx(id))))).filter((t) => t !== undefined)
  if (json) {
    print(JSON.stringify({ head, blocks, txs }, null, 2))
    return 0
  }
  print(headsTable([head]))
  print('')
  print(table(['HEIGHT', 'HASH', 'TIME', 'TXS'], blocks.map((b) => [String(b.header.height), short(b.hash), iso(b.header.time), String(b.header.txCount)])))
  const own = txs.filter((t) => t.tx.kind !== 'endorsement')
  print('')
  print(own.length === 0 ? `no submitted transactions in the last ${blocks.length} blocks (only endorsements)` : table(TX_HEADER, own.map(txLine)))
  return 0
}

/** `inspect`: chains and heads, pending count and the latest confirmed transactions; or one chain / one tx. */
export async function inspect(url: string, opts: { chain?: string; tx?: string; json: boolean }, print: Print): Promise<number> {
  const client = new LedgerClient({ url })
  if (opts.tx !== undefined) return inspectTx(client, opts.tx, opts.json, print)
  if (opts.chain !== undefined) return inspectChain(client, opts.chain, opts.json, print)
  const s = await client.status()
  // Cursors count confirmations from 1, so the latest ones start just after confirmedTxs - N.
  const latest = (await client.confirmed(Math.max(0, s.confirmedTxs - INSPECT_CONFIRMED), INSPECT_CONFIRMED)).items
  if (opts.json) {
    print(JSON.stringify({ heads: s.heads, pendingTxs: s.pendingTxs, confirmedTxs: s.confirmedTxs, confirmed: latest }, null, 2))
    return 0
  }
  print(headsTable(s.heads))
  print('')
  print(`pending ${s.pendingTxs} · confirmed ${s.confirmedTxs}${latest.length === 0 ? '' : ` (latest ${latest.length}):`}`)
  if (latest.length > 0) {
    print(table(['CURSOR', 'TX', 'KIND', 'MEMBER', 'BLOCK', 'CONFIRMED AT'], latest.map((c) => [String(c.cursor), c.txId, c.tx.kind, c.member, `${c.block.chain}@${c.block.height}`, iso(c.confirmedAt)])))
  }
  return 0
}
