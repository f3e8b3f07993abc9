/**
 * Reading store files back: the record scan, then every block decoded, its signature verified and
 * its link to the previous block checked. Shared by `openChainStore` (which truncates a torn tail)
 * and the read-only `verifyDataDir`.
 */
import { readFile } from 'node:fs/promises'
import { canonicalBytes } from '../chain/canonical.js'
import { decodeBlock, linkProblem } from '../chain/block.js'
import type { Block, Membership } from '../interface.js'
import type { ScanResult } from './records.js'

/** Blocks are checked against this size on load: the record limit, not the gossip limit (a node may lower `block.maxBytes` later). */
const LOAD_MAX_BLOCK_BYTES = Number.MAX_SAFE_INTEGER

/** One piece of evidence: two different blocks signed at one (chain, height). */
export interface Evidence {
  chain: string
  height: number
  blocks: [Block, Block]
  detectedAt: number
}

/** Reads a whole file; an absent file reads as empty. */
export async function readIfExists(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw e
  }
}

/** A block that failed on load: where it is and why. */
export interface LoadProblem {
  offset: number
  /** Height of the bad block when its header could be read, else the record's position. */
  where: string
  detail: string
}

/** The verified blocks of one chain file, stopping at the first bad block. */
export function loadChain(scan: ScanResult, chain: string, membership: Membership): { blocks: Block[]; problem?: LoadProblem } {
  const blocks: Block[] = []
  for (const [i, { offset, payload }] of scan.records.entries()) {
    const r = decodeBlock(payload, membership, { maxBytes: LOAD_MAX_BLOCK_BYTES })
    if (r.fault !== undefined) return { blocks, problem: { offset, where: `record ${i}, height ${blocks.length} expected`, detail: `${r.fault}: ${r.detail}` } }
    const b = r.block
    const where = `height ${b.header.height}`
    if (b.header.chain !== chain) return { blocks, problem: { offset, where, detail: `block of chain ${b.header.chain} in the file of ${chain}` } }
    const link = linkProblem(b, blocks.at(-1), membership)
    if (link !== undefined) return { blocks, problem: { offset, where, detail: `bad-link: ${link}` } }
    blocks.push(b)
  }
  return { blocks }
}

/** The payload of an evidence record: both blocks in their wire form. */
export function encodeEvidence(a: Block, b: Block, detectedAt: number): Uint8Array {
  const wire = (x: Block) => ({ header: x.header, signature: x.signature, txs: x.txs })
  return canonicalBytes({ detectedAt, blocks: [wire(a), wire(b)] })
}

/** Decodes and re-verifies an evidence record: two validly signed, different blocks at one (chain, height). */
export function decodeEvidence(payload: Uint8Array, membership: Membership): Evidence | string {
  let parsed: { detectedAt?: unknown; blocks?: unknown }
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as typeof parsed
  } catch (e) {
    return `not JSON: ${(e as Error).message}`
  }
  if (!Number.isSafeInteger(parsed.detectedAt) || !Array.isArray(parsed.blocks) || parsed.blocks.length !== 2) return 'not an evidence record {detectedAt, blocks: [a, b]}'
  const decoded: Block[] = []
  for (const [i, wire] of (parsed.blocks as unknown[]).entries()) {
    const r = decodeBlock(canonicalBytes(wire), membership, { maxBytes: LOAD_MAX_BLOCK_BYTES })
    if (r.fault !== undefined) return `block ${i}: ${r.fault}: ${r.detail}`
    decoded.push(r.block)
  }
  const [a, b] = decoded as [Block, Block]
  if (a.header.chain !== b.header.chain || a.header.height !== b.header.height || a.hash === b.hash) {
    return `blocks ${a.header.chain}#${a.header.height} and ${b.header.chain}#${b.header.height} are not two different blocks at one height`
  }
  return { chain: a.header.chain, height: a.header.height, blocks: [a, b], detectedAt: parsed.detectedAt as number }
}
