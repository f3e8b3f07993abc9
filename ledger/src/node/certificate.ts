/**
 * Quorum certificates: for one transaction, the signed headers of enough consensus nodes'
 * blocks to prove that more than 2/3 of them endorsed the block holding it. Anyone with the
 * genesis can check one, offline, without trusting the node that served it.
 *
 * Entries (`CertificateEntry` in `@rhn/protocols`):
 * - the author's entry: the block's own header and signature; `txIndex`/`merkleProof` prove the
 *   transaction is in that block (Merkle path of its id under the header's `txRoot`);
 * - one entry per other endorsing node: its endorsing block's header and signature; `txIndex`/
 *   `merkleProof` prove the tx `{kind:'endorsement', blocks:[<the block ref>]}` is in that block.
 *   The verifier rebuilds that tx from the ref, which is why an endorsement names one block.
 */
import { verify } from 'node:crypto'
import type { BlockRef, Certificate, CertificateEntry } from '@rhn/protocols'
import { BLOCK_SIGNING_DOMAIN } from '../chain/block.js'
import { canonicalHash } from '../chain/canonical.js'
import { merkleProof, verifyMerkleProof } from '../chain/merkle.js'
import type { Block, Membership } from '../interface.js'

/** The endorsement transaction that endorses `ref` (what an endorsing node writes). */
export function endorsementTx(ref: BlockRef): { kind: 'endorsement'; blocks: [BlockRef] } {
  return { kind: 'endorsement', blocks: [{ chain: ref.chain, height: ref.height, hash: ref.hash }] }
}

function entry(block: Block, txIndex: number): CertificateEntry {
  return {
    chain: block.header.chain,
    member: block.header.member,
    header: { ...block.header },
    signature: block.signature,
    txIndex,
    merkleProof: merkleProof(block.txIds, txIndex),
  }
}

/**
 * Builds the certificate of the tx at `txIndex` of `block` from the endorsing blocks held
 * (`endorsers`: each endorsing block and the index of its endorsement tx).
 */
export function buildCertificate(block: Block, txIndex: number, quorum: number, endorsers: Array<{ block: Block; txIndex: number }>): Certificate {
  return {
    block: { chain: block.header.chain, height: block.header.height, hash: block.hash },
    quorum,
    endorsements: [entry(block, txIndex), ...endorsers.map((e) => entry(e.block, e.txIndex))],
  }
}

/**
 * Checks a certificate against the membership; with `txId`, also that the certificate is for that
 * transaction. Returns undefined when it holds, else a sentence naming the first problem.
 */
export function certificateProblem(cert: Certificate, membership: Membership, txId?: string): string | undefined {
  if (cert.quorum !== membership.quorum) return `certificate claims quorum ${cert.quorum}, the genesis gives ${membership.quorum}`
  const seen = new Set<string>()
  let authorSeen = false
  for (const [i, e] of cert.endorsements.entries()) {
    const where = `endorsement ${i} (${e.chain})`
    const node = membership.byChain.get(e.chain)
    if (node === undefined) return `${where}: no consensus node of the genesis has this chain`
    if (seen.has(e.chain)) return `${where}: this node is counted twice`
    seen.add(e.chain)
    const h = e.header
    if (h.chain !== e.chain || h.member !== node.member || e.member !== node.member) return `${where}: header names chain ${h.chain} of ${h.member}`
    if (h.consortium !== membership.genesis.consortiumId) return `${where}: header is for consortium ${h.consortium}`
    const hash = canonicalHash(h)
    if (!verify(null, Buffer.from(BLOCK_SIGNING_DOMAIN + hash, 'utf8'), node.publicKey, Buffer.from(e.signature, 'base64'))) {
      return `${where}: signature does not verify against ${node.chain}'s key`
    }
    if (e.chain === cert.block.chain) {
      if (hash !== cert.block.hash || h.height !== cert.block.height) return `${where}: the author's header is not the certified block ${cert.block.chain}#${cert.block.height}`
      if (txId !== undefined && !verifyMerkleProof(txId, e.txIndex, e.merkleProof, h.txRoot, h.txCount)) {
        return `${where}: transaction ${txId} is not at index ${e.txIndex} of the certified block`
      }
      authorSeen = true
    } else {
      const leaf = canonicalHash(endorsementTx(cert.block))
      if (!verifyMerkleProof(leaf, e.txIndex, e.merkleProof, h.txRoot, h.txCount)) {
        return `${where}: its block does not hold an endorsement of ${cert.block.chain}#${cert.block.height} at index ${e.txIndex}`
      }
    }
  }
  if (!authorSeen) return `certificate has no entry for the author of ${cert.block.chain}#${cert.block.height}`
  if (seen.size < membership.quorum) return `certificate has ${seen.size} endorsements, the quorum is ${membership.quorum}`
  return undefined
}
