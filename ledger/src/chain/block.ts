/**
 * Blocks: creation (hash the canonical header, sign it), the wire/disk encoding, and decoding that
 * trusts nothing from the wire: size first, then shape, consortium, membership, transactions,
 * Merkle root and signature; hash and tx ids are always recomputed. Linking to the previous block
 * is a separate check (`checkLink`) because it needs the chain's state.
 */
import { type KeyObject, sign, verify } from 'node:crypto'
import { type BlockRef, type LedgerTx, LedgerTxSchema, txAuthor } from '@rhn/protocols'
import { LedgerError } from '../errors.js'
import type { Block, BlockFault, BlockHeader, ConsensusNode, Membership } from '../interface.js'
import { canonicalBytes, canonicalJson, sha256Digest, sha256Hex } from './canonical.js'
import { merkleRootOfDigests } from './merkle.js'

/** Prefix of every signed message: domain separation, so a block signature can never be replayed as anything else. */
export const BLOCK_SIGNING_DOMAIN = 'rhn-ledger/block/v1\n'
/** Default block size limit, bytes (1 MiB; `block.maxBytes` in the node config). */
export const DEFAULT_MAX_BLOCK_BYTES = 1024 * 1024
/** How far a block's time may lie before its predecessor's, ms (5 min: authors' clocks drift; a chain need not be strictly monotonic in time). */
export const MAX_BACKWARD_TIME_MS = 5 * 60_000

const HEX64 = /^[0-9a-f]{64}$/
/** An Ed25519 signature is 64 bytes: 88 base64 characters with padding. */
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/
const HEADER_KEYS = ['chain', 'consortium', 'height', 'member', 'prevHash', 'time', 'txCount', 'txRoot'] as const
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isName = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max

/** What is wrong with the shape of a wire block, or undefined (hand-written: this runs on every gossip message). */
function shapeProblem(json: unknown): string | undefined {
  if (!isObject(json)) return 'block is not a JSON object'
  const keys = Object.keys(json).sort().join(',')
  if (keys !== 'header,signature,txs') return `block has keys {${keys}}, expected {header,signature,txs}`
  const { header, signature, txs } = json
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'signature is not a 64-byte Ed25519 signature in base64'
  if (!Array.isArray(txs)) return 'txs is not an array'
  if (!isObject(header)) return 'header is not an object'
  const hkeys = Object.keys(header).sort().join(',')
  if (hkeys !== HEADER_KEYS.join(',')) return `header has keys {${hkeys}}, expected {${HEADER_KEYS.join(',')}}`
  if (!isName(header.consortium, 64)) return 'header.consortium is not a non-empty string'
  if (!isName(header.chain, 80)) return 'header.chain is not a non-empty string'
  if (!isName(header.member, 40)) return 'header.member is not a non-empty string'
  for (const k of ['height', 'time', 'txCount'] as const) if (!isUint(header[k])) return `header.${k} is not a non-negative integer`
  for (const k of ['prevHash', 'txRoot'] as const) if (typeof header[k] !== 'string' || !HEX64.test(header[k])) return `header.${k} is not 64 lower-case hex characters`
  return undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The message a block's signature covers. */
function signedMessage(hash: string): Buffer {
  return Buffer.from(BLOCK_SIGNING_DOMAIN + hash, 'utf8')
}

/**
 * The canonical bytes of blocks built or decoded here. A block is encoded for the store, for gossip
 * and for every sync answer; re-serialising it each time cost more than decoding it. Blocks are
 * never mutated once built (the store, the tally and the views only read them).
 */
const encoded = new WeakMap<Block, Uint8Array>()

/** What `createBlock` needs. `prev` is the chain's head (omit for height 0). */
export interface CreateBlockInit {
  membership: Membership
  node: ConsensusNode
  privateKey: KeyObject
  prev?: Block | undefined
  txs: LedgerTx[]
  /** ms since the epoch, from the node's clock. */
  time: number
  /**
   * True when every tx is already a `LedgerTxSchema` output (defaults filled), e.g. parsed at
   * submission or built by the node: they are not parsed again. Default false.
   */
  validated?: boolean
  /** With `validated`: the canonical JSON of each tx, when the caller has it already (the mempool keeps it from submission). */
  txTexts?: string[]
}

/**
 * Builds and signs the next block of `node`'s chain. Each transaction is validated against
 * `LedgerTxSchema` (`RHN_LEDGER_BAD_TX` if one is invalid); authorship is the caller's to check.
 */
export function createBlock(init: CreateBlockInit): Block {
  const { membership, node, privateKey, prev, time } = init
  // Parsed, so defaults are filled exactly as every decoder will fill them (else the Merkle root would differ).
  const txs = init.validated === true ? init.txs : init.txs.map((tx, i) => {
    const r = LedgerTxSchema.safeParse(tx)
    if (!r.success) throw new LedgerError('RHN_LEDGER_BAD_TX', `cannot put tx ${i} (${String((tx as { kind?: unknown }).kind)}) in a block: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'invalid'}`)
    return r.data
  })
  const txTexts = init.validated === true && init.txTexts !== undefined ? init.txTexts : txs.map((tx) => canonicalJson(tx))
  const digests = txTexts.map(sha256Digest)
  const txIds = digests.map((d) => d.toString('hex'))
  const header: BlockHeader = {
    consortium: membership.genesis.consortiumId,
    chain: node.chain,
    member: node.member,
    height: prev === undefined ? 0 : prev.header.height + 1,
    prevHash: prev === undefined ? membership.genesisHash : prev.hash,
    time,
    txRoot: merkleRootOfDigests(digests),
    txCount: txs.length,
  }
  const headerText = canonicalJson(header)
  const hash = sha256Hex(headerText)
  const signature = sign(null, signedMessage(hash), privateKey).toString('base64')
  const block: Block = { header, hash, signature, txs, txIds }
  encoded.set(block, Buffer.from(canonicalText(headerText, signature, txTexts), 'utf8'))
  return block
}

/** The canonical text of a block from the canonical texts of its header and txs (keys sorted: header, signature, txs). */
function canonicalText(headerText: string, signature: string, txTexts: string[]): string {
  return `{"header":${headerText},"signature":${JSON.stringify(signature)},"txs":[${txTexts.join(',')}]}`
}

/** The canonical bytes of a block, as gossiped, synced and stored: `{header, signature, txs}`. */
export function encodeBlock(block: Block): Uint8Array {
  let bytes = encoded.get(block)
  if (bytes === undefined) {
    bytes = canonicalBytes({ header: block.header, signature: block.signature, txs: block.txs })
    encoded.set(block, bytes)
  }
  return bytes
}

/** A reference to a block (what endorsements and evidence name). */
export function blockRef(block: Block): BlockRef {
  return { chain: block.header.chain, height: block.header.height, hash: block.hash }
}

/** Options of `decodeBlock`. */
export interface DecodeBlockOptions {
  /** Size limit, bytes (default `DEFAULT_MAX_BLOCK_BYTES`). */
  maxBytes?: number
}

/** The verdict of `decodeBlock`: a verified block, or the fault and a sentence naming what was wrong. */
export type DecodeResult = { block: Block; fault?: undefined } | { block?: undefined; fault: BlockFault; detail: string }

const refuse = (fault: BlockFault, detail: string): { fault: BlockFault; detail: string } => ({ fault, detail })

/**
 * Decodes and verifies block bytes against the membership: everything but the link to the
 * previous block (see `checkLink`). Never throws on bad input.
 */
export function decodeBlock(bytes: Uint8Array, membership: Membership, options: DecodeBlockOptions = {}): DecodeResult {
  const r = decodeUnverified(bytes, membership, options)
  if (r.fault !== undefined) return r
  return signatureVerdict(r, verify(null, signedMessage(r.block.hash), r.node.publicKey, Buffer.from(r.block.signature, 'base64')), bytes)
}

/**
 * `decodeBlock` of many blocks (a sync batch), their Ed25519 signatures checked in parallel on
 * libuv's thread pool (node:crypto `verify` with a callback) instead of one after the other on the
 * main thread: verifying is most of a catch-up's work. Results in input order.
 */
export async function decodeBlocks(list: Uint8Array[], membership: Membership, options: DecodeBlockOptions = {}): Promise<DecodeResult[]> {
  const pre = list.map((bytes) => decodeUnverified(bytes, membership, options))
  const valid = await Promise.all(
    pre.map((r) =>
      r.fault !== undefined
        ? Promise.resolve(false)
        : new Promise<boolean>((resolve) => verify(null, signedMessage(r.block.hash), r.node.publicKey, Buffer.from(r.block.signature, 'base64'), (err, ok) => resolve(err === null && ok))),
    ),
  )
  return pre.map((r, i) => (r.fault !== undefined ? r : signatureVerdict(r, valid[i]!, list[i]!)))
}

/** A block decoded and checked but for its signature. */
type Unverified = { block: Block; node: ConsensusNode; where: string; fault?: undefined } | { fault: BlockFault; detail: string }

function signatureVerdict(r: Extract<Unverified, { block: Block }>, valid: boolean, bytes: Uint8Array): DecodeResult {
  if (!valid) return refuse('bad-signature', `${r.where}: signature does not verify against ${r.node.chain}'s key ${r.node.publicKeyBase64}`)
  // A copy: the input may be a view into a larger buffer (a whole chain file, a network chunk) or be reused by the caller.
  encoded.set(r.block, new Uint8Array(bytes))
  return { block: r.block }
}

function decodeUnverified(bytes: Uint8Array, membership: Membership, options: DecodeBlockOptions): Unverified {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOCK_BYTES
  if (bytes.byteLength > maxBytes) return refuse('oversized', `block is ${bytes.byteLength} bytes, the limit is ${maxBytes}`)
  let text: string
  let json: unknown
  try {
    text = utf8.decode(bytes)
    json = JSON.parse(text)
  } catch (cause) {
    return refuse('malformed', `block is not UTF-8 JSON: ${(cause as Error).message}`)
  }
  const problem = shapeProblem(json)
  if (problem !== undefined) return refuse('malformed', problem)
  const wire = json as { header: BlockHeader; signature: string; txs: unknown[] }
  const { header, signature } = wire
  const where = `block ${header.chain}#${header.height}`
  if (header.consortium !== membership.genesis.consortiumId) {
    return refuse('wrong-consortium', `${where} is for consortium ${JSON.stringify(header.consortium)}, this is ${membership.genesis.consortiumId}`)
  }
  const node = membership.byChain.get(header.chain)
  if (node === undefined) return refuse('not-member', `${where}: chain ${JSON.stringify(header.chain)} is no consensus node of the genesis`)
  if (node.member !== header.member) return refuse('not-member', `${where} claims member ${JSON.stringify(header.member)}, the chain belongs to ${node.member}`)
  if (wire.txs.length !== header.txCount) return refuse('malformed', `${where} carries ${wire.txs.length} transactions, its header says ${header.txCount}`)
  const txs: LedgerTx[] = []
  for (const [i, raw] of wire.txs.entries()) {
    const tx = LedgerTxSchema.safeParse(raw)
    if (!tx.success) {
      const issue = tx.error.issues[0]
      return refuse('bad-tx', `${where} tx ${i} is not a ledger transaction at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`)
    }
    if (tx.data.kind !== 'endorsement') {
      const author = txAuthor(tx.data)
      if (author !== header.member) return refuse('bad-tx', `${where} tx ${i} (${tx.data.kind}) is authored by ${author}; a block of ${header.member} may carry only its own submissions`)
    }
    txs.push(tx.data)
  }
  const txTexts = txs.map((tx) => canonicalJson(tx))
  const digests = txTexts.map(sha256Digest)
  const root = merkleRootOfDigests(digests)
  if (root !== header.txRoot) return refuse('malformed', `${where}: the Merkle root of its transactions is ${root}, its header says ${header.txRoot}`)
  const headerText = canonicalJson(header)
  // One byte form per block: gossip message ids are content hashes, so a relay re-serialising a
  // block (spaces, key order, omitted defaults) must not make it a new message.
  if (text !== canonicalText(headerText, signature, txTexts)) {
    return refuse('malformed', `${where} is not in canonical encoding (sorted keys, no whitespace, defaults filled)`)
  }
  const hash = sha256Hex(headerText)
  const txIds = digests.map((d) => d.toString('hex'))
  return { block: { header, hash, signature, txs, txIds }, node, where }
}

/** Why `block` does not follow `prev` (its chain's block at height − 1; undefined at height 0), or undefined when it does. */
export function linkProblem(block: Block, prev: Block | undefined, membership: Membership): string | undefined {
  const h = block.header
  const where = `block ${h.chain}#${h.height}`
  if (prev === undefined) {
    if (h.height !== 0) return `${where} has no previous block to link to`
    if (h.prevHash !== membership.genesisHash) return `${where} links to ${h.prevHash}, not to the genesis ${membership.genesisHash}`
    return undefined
  }
  if (prev.header.chain !== h.chain) return `${where} cannot follow a block of chain ${prev.header.chain}`
  if (h.height !== prev.header.height + 1) return `${where} does not follow height ${prev.header.height}`
  if (h.prevHash !== prev.hash) return `${where} links to ${h.prevHash}, the block at height ${prev.header.height} is ${prev.hash}`
  if (h.time < prev.header.time - MAX_BACKWARD_TIME_MS) return `${where} is timed ${prev.header.time - h.time} ms before its predecessor (more than ${MAX_BACKWARD_TIME_MS} ms)`
  return undefined
}

/** `'bad-link'` when `block` does not follow `prev` (see `linkProblem`), else undefined. */
export function checkLink(block: Block, prev: Block | undefined, membership: Membership): BlockFault | undefined {
  return linkProblem(block, prev, membership) === undefined ? undefined : 'bad-link'
}
