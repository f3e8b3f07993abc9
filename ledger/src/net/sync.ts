/**
 * `/rhn/ledger/sync/1.0.0` server and client over libp2p 3 streams (wire format: `sync-wire.ts`).
 * Each side bounds what it reads (frame size, frame count) and how long it waits (`sync.timeoutMs`).
 */
import type { Connection, Libp2p, Stream, StreamHandler } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { decode, encode } from 'it-length-prefixed'
import type { Logger } from 'pino'
import { LedgerError } from '../errors.js'
import type { LedgerNetworkHandlers } from '../interface.js'
import { jsonFrame, MAX_REQUEST_BYTES, parseRequest, parseStatus, type PeerAddresses, SYNC_PROTOCOL, type SyncRequest } from './sync-wire.js'

/** What the sync server needs. */
export interface SyncServerInit {
  handlers: Pick<LedgerNetworkHandlers, 'blocks' | 'heads'>
  /** Member peers this node knows addresses for (the `peers` answer). */
  knownPeers: () => Promise<PeerAddresses[]>
  isMember: (peerId: string) => boolean
  batchBlocks: number
  timeoutMs: number
  logger: Logger
}

/** A timer that aborts a stream, cleared on every path (no handle outlives the request). */
function streamDeadline(stream: Stream, ms: number, what: string): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    const err = new LedgerError('RHN_LEDGER_SYNC_FAILED', `${what}: no answer within sync.timeoutMs ${ms} ms`)
    controller.abort(err)
    stream.abort(err)
  }, ms)
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}

/** Sends one length-prefixed frame, waiting for the send buffer to drain (backpressure). */
async function sendFrame(stream: Stream, payload: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(encode.single(payload))) await stream.onDrain({ signal })
}

/** Bytes of frames sent in one write (64 KiB): a batch of small blocks is a few writes, not one (yamux + Noise frame) per block. */
const SEND_CHUNK_BYTES = 64 * 1024

/**
 * Sends length-prefixed frames, coalesced into writes of about {@link SEND_CHUNK_BYTES}: the bytes
 * on the wire are exactly those of one `sendFrame` per payload (the reader splits frames by their
 * prefixes), at a fraction of the per-write cost (catch-up answers are hundreds of small blocks).
 */
async function sendFrames(stream: Stream, payloads: Uint8Array[], signal: AbortSignal): Promise<void> {
  let chunk: Uint8Array[] = []
  let bytes = 0
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return
    const data = Buffer.concat(chunk)
    chunk = []
    bytes = 0
    if (!stream.send(data)) await stream.onDrain({ signal })
  }
  for (const payload of payloads) {
    const frame = encode.single(payload).subarray()
    chunk.push(frame)
    bytes += frame.byteLength
    if (bytes >= SEND_CHUNK_BYTES) await flush()
  }
  await flush()
}

/** Reads every frame until the remote closes its writing side; at most `maxFrames` frames of `maxFrameBytes` each. */
async function readFrames(stream: Stream, maxFrameBytes: number, maxFrames: number): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = []
  for await (const frame of decode(stream, { maxDataLength: maxFrameBytes })) {
    if (frames.length >= maxFrames) throw new Error(`more than the ${maxFrames} frames expected`)
    frames.push(frame.subarray())
  }
  return frames
}

/** Reads the first frame of a stream (the request). */
async function readFirstFrame(stream: Stream, maxFrameBytes: number): Promise<Uint8Array | undefined> {
  for await (const frame of decode(stream, { maxDataLength: maxFrameBytes })) return frame.subarray()
  return undefined
}

/** Builds the stream handler of the sync protocol. */
export function syncHandler(init: SyncServerInit): StreamHandler {
  const { handlers, isMember, batchBlocks, timeoutMs, logger } = init
  return async (stream: Stream, connection: Connection): Promise<void> => {
    const remote = connection.remotePeer.toString()
    const { signal, clear } = streamDeadline(stream, timeoutMs, `sync request from ${remote}`)
    const refuse = async (message: string): Promise<void> => {
      logger.warn({ peerId: remote, reason: message }, 'refused a sync request')
      await sendFrame(stream, jsonFrame({ ok: false, code: 'RHN_LEDGER_SYNC_REFUSED', message }), signal)
      await stream.close({ signal })
    }
    try {
      // The gater already keeps non-members out; this holds even if a gater is ever misconfigured.
      if (!isMember(remote)) return await refuse(`peer ${remote} is not a consortium member`)
      const bytes = await readFirstFrame(stream, MAX_REQUEST_BYTES)
      if (bytes === undefined) return await refuse('no request frame before the stream closed')
      const request = parseRequest(bytes, batchBlocks)
      if (typeof request === 'string') return await refuse(request)
      await sendFrame(stream, jsonFrame({ ok: true }), signal)
      await sendFrames(stream, await answer(request, handlers, init.knownPeers), signal)
      await stream.close({ signal })
    } catch (err) {
      logger.warn({ err, peerId: remote }, 'sync request failed')
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      clear()
    }
  }
}

async function answer(request: SyncRequest, handlers: SyncServerInit['handlers'], knownPeers: () => Promise<PeerAddresses[]>): Promise<Uint8Array[]> {
  switch (request.type) {
    case 'blocks':
      return handlers.blocks(request.chain, request.from, request.max).slice(0, request.max)
    case 'heads':
      return [jsonFrame(handlers.heads())]
    case 'peers':
      return [jsonFrame(await knownPeers())]
  }
}

/** Options of one sync request. */
export interface SyncRequestOptions {
  /** Largest response frame accepted, bytes (a block: `gossip.maxMessageBytes`). */
  maxFrameBytes: number
  /** Data frames accepted after the status frame. */
  maxFrames: number
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * Sends one request and returns the data frames of the answer (status frame checked and removed).
 * Throws `LedgerError` `RHN_LEDGER_SYNC_REFUSED` when the peer refuses, `RHN_LEDGER_SYNC_FAILED`
 * for anything else (unreachable, timeout, bad framing).
 */
export async function syncRequest(libp2p: Libp2p, peerId: string, request: SyncRequest, opts: SyncRequestOptions): Promise<Uint8Array[]> {
  const what = `sync ${request.type} request to ${peerId}`
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new LedgerError('RHN_LEDGER_SYNC_FAILED', `${what}: no answer within sync.timeoutMs ${opts.timeoutMs} ms`)), opts.timeoutMs)
  const signal = opts.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, opts.signal])
  let stream: Stream | undefined
  const onAbort = (): void => stream?.abort(signal.reason instanceof Error ? signal.reason : new Error(`${what}: aborted`))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    stream = await libp2p.dialProtocol(peerIdFromString(peerId), SYNC_PROTOCOL, { signal })
    // Listen before writing: the answer may arrive (and the stream end) before we would start reading.
    const reading = readFrames(stream, opts.maxFrameBytes, opts.maxFrames + 1)
    reading.catch(() => {})
    await sendFrame(stream, jsonFrame(request), signal)
    await stream.close({ signal })
    const [status, ...frames] = await reading
    if (signal.aborted) throw signal.reason
    if (status === undefined) throw new Error('the stream closed without a status frame')
    const parsed = parseStatus(status)
    if (!parsed.ok) throw new LedgerError('RHN_LEDGER_SYNC_REFUSED', `${what} refused: ${parsed.message}`)
    return frames
  } catch (err) {
    if (err instanceof LedgerError) throw err
    if (signal.aborted && signal.reason instanceof LedgerError) throw signal.reason
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    throw new LedgerError('RHN_LEDGER_SYNC_FAILED', `${what} failed: ${(err as Error).message}`, { cause: err })
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
}
