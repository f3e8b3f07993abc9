/**
 * The Merkle tree over a block's transaction ids, as RFC 6962 §2.1 (Certificate Transparency)
 * defines it: a leaf hashes `0x00 ‖ id`, an inner node `0x01 ‖ left ‖ right` (domain separation,
 * so a leaf can never pass for an inner node), and a tree of n leaves splits at the largest power
 * of two below n. Proofs are RFC 6962 §2.1.1 audit paths, checked as RFC 9162 §2.1.3.2 says.
 */
import { createHash, hash } from 'node:crypto'
import { LedgerError } from '../errors.js'

/** Root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1, MTH({}) = SHA-256()). */
export const EMPTY_MERKLE_ROOT = createHash('sha256').digest('hex')

const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

function idBytes(id: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new LedgerError('RHN_LEDGER_MALFORMED_BLOCK', `Merkle leaf ${JSON.stringify(id.slice(0, 80))} is not a 64-hex-character SHA-256 id`)
  return Buffer.from(id, 'hex')
}

/** SHA-256 of the concatenation of `parts` (one-shot `crypto.hash` where Node has it: about twice as fast). */
function sha256(parts: Buffer[]): Buffer {
  if (typeof hash === 'function') return hash('sha256', Buffer.concat(parts), 'buffer')
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

function leafHash(id: string): Buffer {
  return sha256([LEAF, idBytes(id)])
}

/** Merkle root (hex) of transaction ids given as their 32-byte SHA-256 digests (no hex round trip: the block decoder's path). */
export function merkleRootOfDigests(digests: readonly Buffer[]): string {
  if (digests.length === 0) return EMPTY_MERKLE_ROOT
  return root(digests.map((d) => sha256([LEAF, d]))).toString('hex')
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256([NODE, left, right])
}

/** The largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function root(leaves: Buffer[]): Buffer {
  // Bottom-up over the RFC 6962 shape: pairing left to right and promoting an odd last node
  // gives the same tree as splitting at the largest power of two below n.
  let level = leaves
  while (level.length > 1) {
    const next: Buffer[] = []
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!)
    level = next
  }
  return level[0]!
}

/** Merkle root (hex) of transaction ids (hex SHA-256), in block order. */
export function merkleRoot(ids: readonly string[]): string {
  if (ids.length === 0) return EMPTY_MERKLE_ROOT
  return root(ids.map(leafHash)).toString('hex')
}

/** The audit path (hex hashes, leaf to root) proving `ids[index]` is in the tree of `ids`. */
export function merkleProof(ids: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= ids.length) {
    throw new RangeError(`Merkle proof index ${index} is outside the ${ids.length} transactions of the block`)
  }
  const path: string[] = []
  let leaves = ids.map(leafHash)
  let m = index
  // RFC 6962 §2.1.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]).
  const stack: string[] = []
  while (leaves.length > 1) {
    const k = split(leaves.length)
    if (m < k) {
      stack.push(root(leaves.slice(k)).toString('hex'))
      leaves = leaves.slice(0, k)
    } else {
      stack.push(root(leaves.slice(0, k)).toString('hex'))
      leaves = leaves.slice(k)
      m -= k
    }
  }
  // Collected root-first; the path is read leaf-first.
  for (let i = stack.length - 1; i >= 0; i--) path.push(stack[i]!)
  return path
}

/** Checks an audit path: true when `leafId` at `index` of a tree of `count` leaves has root `rootHex`. */
export function verifyMerkleProof(leafId: string, index: number, proof: readonly string[], rootHex: string, count: number): boolean {
  // RFC 9162 §2.1.3.2.
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return false
  if (!/^[0-9a-f]{64}$/.test(leafId) || proof.some((p) => !/^[0-9a-f]{64}$/.test(p))) return false
  let fn = index
  let sn = count - 1
  let r = leafHash(leafId)
  for (const p of proof) {
    if (sn === 0) return false
    const sibling = Buffer.from(p, 'hex')
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(sibling, r)
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      r = nodeHash(r, sibling)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && r.toString('hex') === rootHex
}
