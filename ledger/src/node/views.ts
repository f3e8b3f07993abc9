/** JSON views of what a node holds, in the shapes of `@rhn/protocols` `ledger/api.ts`. */
import type { BlockJson, ChainHead, EquivocationEvidence, TxStatus } from '@rhn/protocols'
import type { Block, ChainStore } from '../interface.js'
import { buildCertificate } from './certificate.js'
import type { Tally } from './tally.js'

/** A block as JSON (copies: callers may keep or change it). */
export function blockJson(block: Block): BlockJson {
  return { header: { ...block.header }, hash: block.hash, signature: block.signature, txs: block.txs, txIds: [...block.txIds] }
}

/** A chain's head as JSON. */
export function headJson(block: Block, frozenAt: number | undefined): ChainHead {
  const head: ChainHead = { chain: block.header.chain, member: block.header.member, height: block.header.height, hash: block.hash, time: block.header.time }
  if (frozenAt !== undefined) head.frozenAt = frozenAt
  return head
}

/** Evidence as JSON. */
export function evidenceJson(e: ReturnType<ChainStore['evidence']>[number]): EquivocationEvidence {
  const [a, b] = e.blocks
  return { chain: e.chain, member: a.header.member, height: e.height, blocks: [blockJson(a), blockJson(b)], detectedAt: e.detectedAt }
}

/** A transaction's status, with its certificate once confirmed; undefined when the tx is not in a held block. */
export function txStatusView(txId: string, tally: Tally, store: ChainStore): TxStatus | undefined {
  const loc = tally.locate(txId)
  if (loc === undefined) return undefined
  const block = store.get(loc.chain, loc.height)
  const tx = block?.txs[loc.index]
  if (block === undefined || tx === undefined) return undefined
  const endorsers = tally.endorsers(block)
  const confirmedAt = tally.confirmedAt(loc.chain, loc.height)
  const status: TxStatus = {
    txId,
    tx,
    block: { chain: loc.chain, height: loc.height, hash: block.hash },
    member: block.header.member,
    index: loc.index,
    status: confirmedAt === undefined ? 'pending' : 'confirmed',
    endorsements: 1 + endorsers.length,
    quorum: tally.quorum,
  }
  if (confirmedAt !== undefined) {
    status.confirmedAt = confirmedAt
    const held = endorsers.flatMap((e) => {
      const b = store.get(e.chain, e.height)
      return b === undefined ? [] : [{ block: b, txIndex: e.txIndex }]
    })
    status.certificate = buildCertificate(block, loc.index, tally.quorum, held)
  }
  return status
}
