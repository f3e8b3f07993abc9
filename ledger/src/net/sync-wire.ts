/**
 * Wire format of `/rhn/ledger/sync/1.0.0` (issue 6: "a request/response protocol catches a node
 * up after a partition or restart"). One stream per request; every frame is unsigned-varint
 * length-prefixed (it-length-prefixed, as libp2p protocols frame protobufs).
 *
 * - Request: one JSON frame, `{"type":"blocks","chain":"RXA-0","from":12,"max":500}`,
 *   `{"type":"heads"}` or `{"type":"peers"}`; the requester then closes its writing side.
 * - Response: one JSON status frame, `{"ok":true}` or `{"ok":false,"code":"RHN_LEDGER_SYNC_REFUSED",
 *   "message":"…"}`; then for `blocks` one frame per block (the encoded block bytes, in height
 *   order), for `heads` one JSON frame `{"<chain>":<height>,…}`, for `peers` one JSON frame
 *   `[{"peerId":"12D3KooW…","addrs":["/ip4/…/tcp/…"]}]`; then the responder closes the stream.
 *
 * The status frame lets a refusal carry its reason, which a bare stream reset cannot.
 */

/** The protocol id. */
export const SYNC_PROTOCOL = '/rhn/ledger/sync/1.0.0'

/** Largest request frame, bytes (a request is a few dozen bytes; chain ids are short). */
export const MAX_REQUEST_BYTES = 4 * 1024
/** Largest chain id accepted in a request, characters. */
export const MAX_CHAIN_ID_LENGTH = 128

/** One sync request. */
export type SyncRequest = { type: 'blocks'; chain: string; from: number; max: number } | { type: 'heads' } | { type: 'peers' }

/** The status frame that opens every response. */
export type SyncStatus = { ok: true } | { ok: false; code: string; message: string }

/** A member peer and the addresses this node knows for it (the `peers` answer). */
export interface PeerAddresses {
  peerId: string
  addrs: string[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Encodes a value as one UTF-8 JSON frame payload. */
export function jsonFrame(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/** Decodes a UTF-8 JSON frame payload; throws a plain `Error` naming what was wrong. */
export function parseJsonFrame(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown
  } catch (err) {
    throw new Error(`${what} is not UTF-8 JSON: ${(err as Error).message}`, { cause: err })
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isHeight = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/**
 * Parses and checks a request against this node's limits; returns the request, or the reason it
 * is refused (a string naming the field).
 */
export function parseRequest(bytes: Uint8Array, batchBlocks: number): SyncRequest | string {
  let v: unknown
  try {
    v = parseJsonFrame(bytes, 'the request')
  } catch (err) {
    return (err as Error).message
  }
  if (!isRecord(v)) return 'the request must be a JSON object'
  if (v.type === 'heads' || v.type === 'peers') return { type: v.type }
  if (v.type !== 'blocks') return `unknown request type ${JSON.stringify(v.type)} (expected "blocks", "heads" or "peers")`
  const { chain, from, max } = v
  if (typeof chain !== 'string' || chain.length === 0 || chain.length > MAX_CHAIN_ID_LENGTH) {
    return `"chain" must be a chain id of 1-${MAX_CHAIN_ID_LENGTH} characters`
  }
  if (!isHeight(from)) return '"from" must be a height (an integer ≥ 0)'
  if (!isHeight(max) || max < 1) return '"max" must be an integer ≥ 1'
  if (max > batchBlocks) return `"max" ${max} is above this node's sync.batchBlocks ${batchBlocks}`
  return { type: 'blocks', chain, from, max }
}

/** Checks a status frame. */
export function parseStatus(bytes: Uint8Array): SyncStatus {
  const v = parseJsonFrame(bytes, 'the status frame')
  if (isRecord(v) && v.ok === true) return { ok: true }
  if (isRecord(v) && v.ok === false && typeof v.code === 'string' && typeof v.message === 'string') {
    return { ok: false, code: v.code, message: v.message }
  }
  throw new Error('the status frame is not {"ok":true} or {"ok":false,"code":…,"message":…}')
}

/** Checks a heads frame: chain id ▸ height. */
export function parseHeads(bytes: Uint8Array): Record<string, number> {
  const v = parseJsonFrame(bytes, 'the heads frame')
  if (!isRecord(v)) throw new Error('the heads frame must be a JSON object of chain ▸ height')
  const heads: Record<string, number> = {}
  for (const [chain, height] of Object.entries(v)) {
    if (!isHeight(height)) throw new Error(`the heads frame gives chain ${JSON.stringify(chain)} a height that is not an integer ≥ 0`)
    heads[chain] = height
  }
  return heads
}

/** Checks a peers frame. */
export function parsePeers(bytes: Uint8Array): PeerAddresses[] {
  const v = parseJsonFrame(bytes, 'the peers frame')
  if (!Array.isArray(v)) throw new Error('the peers frame must be a JSON array')
  return v.map((p, i) => {
    if (!isRecord(p) || typeof p.peerId !== 'string' || !Array.isArray(p.addrs) || !p.addrs.every((a) => typeof a === 'string')) {
      throw new Error(`the peers frame entry ${i} is not {"peerId":string,"addrs":string[]}`)
    }
    return { peerId: p.peerId, addrs: p.addrs }
  })
}
