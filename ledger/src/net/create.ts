/**
 * `createLedgerNetwork`: the ledger's libp2p node (issue 6) — TCP + Noise + Yamux, identify,
 * gossipsub on one blocks topic, the member gater, the `/rhn/ledger/sync/1.0.0` protocol, the
 * publish queue and the re-dialler. Implements {@link LedgerNetwork}.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import type { LedgerConfig } from '@rhn/protocols'
import { createLibp2p } from 'libp2p'
import { pino, type Logger } from 'pino'
import { LedgerError } from '../errors.js'
import type { LedgerNetwork, LedgerNetworkHandlers, Membership } from '../interface.js'
import { parseBootstrap } from './bootstrap.js'
import { memberGater } from './gater.js'
import { blocksTopic, blocksValidator, gossipsubOptions } from './gossip.js'
import { knownMemberPeers, exchangePeers } from './peers.js'
import { PublishQueue, type PublishQueueInit } from './publish-queue.js'
import { Redialer, type RedialInit } from './redial.js'
import { syncHandler, syncRequest } from './sync.js'
import { parseHeads, SYNC_PROTOCOL } from './sync-wire.js'

/** Concurrent sync streams per peer and direction (default 16: a catch-up runs one request per chain at a time). */
export const SYNC_MAX_STREAMS = 16

/**
 * While this node is connected to fewer member peers than the genesis lists, it asks one connected
 * peer at random for the peers it knows this often, ms. Exchanging on connect alone misses a peer
 * that joined just after the exchange (a node given one bootstrap address, started beside another).
 */
export const PEER_EXCHANGE_MS = 10_000

/** Everything `createLedgerNetwork` needs; `logger`, `publishQueue` and `redial` are optional. */
export interface LedgerNetworkInit {
  /** This node's libp2p identity (its peer id must be listed in the genesis). */
  privateKey: PrivateKey
  /** Listen multiaddrs, e.g. `/ip4/127.0.0.1/tcp/0`. */
  listen: string[]
  /** Member peers to dial at start, each ending in `/p2p/<peer id>`. */
  bootstrap: string[]
  membership: Pick<Membership, 'peerMembers' | 'genesis'>
  gossip: LedgerConfig['gossip']
  sync: LedgerConfig['sync']
  logger?: Logger
  /** Publish queue bounds (defaults in `publish-queue.ts`). */
  publishQueue?: PublishQueueInit
  /** Re-dial backoff (defaults in `redial.ts`); tests shorten it. */
  redial?: RedialInit
  /** Period of the peer exchange while not connected to every member peer, ms (default {@link PEER_EXCHANGE_MS}). */
  peerExchangeMs?: number
}

/** The network as returned: {@link LedgerNetwork} plus the gossip topic and the queue depth. */
export interface LedgerNetworkNode extends LedgerNetwork {
  /** The blocks topic, `/rhn/ledger/<consortiumId>/blocks/1`. */
  readonly topic: string
  /** Peers known to be subscribed to the blocks topic (gossip reaches them). */
  topicPeers(): string[]
  /** Messages waiting in the publish queue for a subscribed peer. */
  queuedMessages(): number
  /** Asks `peerId` which member peers (and addresses) it knows; they are also dialled. */
  requestPeers(peerId: string, signal?: AbortSignal): Promise<Array<{ peerId: string; addrs: string[] }>>
}

type Services = { identify: unknown; pubsub: GossipSub }

/**
 * Starts the ledger's libp2p node: listens, dials the bootstrap peers, subscribes to the blocks
 * topic and serves the sync protocol. Throws `LedgerError` `RHN_LEDGER_NET_START` when a listen or
 * bootstrap address is unusable.
 */
export async function createLedgerNetwork(init: LedgerNetworkInit, handlers: LedgerNetworkHandlers): Promise<LedgerNetworkNode> {
  const logger = init.logger ?? pino({ level: 'silent' })
  const { peerMembers, genesis } = init.membership
  const isMember = (peerId: string): boolean => peerMembers.has(peerId)
  const topic = blocksTopic(genesis.consortiumId)
  const bootstrap = parseBootstrap(init.bootstrap, isMember)

  let libp2p: Libp2p<Services>
  try {
    libp2p = await createLibp2p<Services>({
      privateKey: init.privateKey,
      addresses: { listen: init.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: memberGater(isMember, logger),
      services: {
        identify: identify(),
        pubsub: gossipsub(gossipsubOptions(topic, init.gossip)),
      },
    })
  } catch (err) {
    throw new LedgerError('RHN_LEDGER_NET_START', `libp2p could not start on ${init.listen.join(', ')}: ${(err as Error).message}`, { cause: err })
  }
  const self = libp2p.peerId.toString()
  const log = logger.child({ peerId: self })
  if (!isMember(self)) log.warn('this node\'s peer id is not in the genesis: members will refuse its connections')
  const pubsub = libp2p.services.pubsub
  const maxFrameBytes = init.gossip.maxMessageBytes

  pubsub.topicValidators.set(topic, blocksValidator({ handlers, isMember, maxMessageBytes: init.gossip.maxMessageBytes, logger: log }))
  const onGossip = (evt: CustomEvent<{ propagationSource: PeerId; msg: { topic: string; data: Uint8Array } }>): void => {
    const { propagationSource, msg } = evt.detail
    if (msg.topic !== topic) return
    try {
      handlers.onMessage(msg.data, propagationSource.toString())
    } catch (err) {
      log.error({ err }, 'onMessage handler threw')
    }
  }
  pubsub.addEventListener('gossipsub:message', onGossip)
  pubsub.subscribe(topic)

  const queue = new PublishQueue((data) => pubsub.publish(topic, data), log, init.publishQueue)
  const onSubscription = (): void => queue.flush()
  pubsub.addEventListener('subscription-change', onSubscription)

  const redialer = new Redialer(libp2p, log, init.redial)
  const knownPeers = (): Promise<Array<{ peerId: string; addrs: string[] }>> => knownMemberPeers(libp2p, isMember)
  const requestPeers = async (peerId: string, signal?: AbortSignal): Promise<Array<{ peerId: string; addrs: string[] }>> => {
    const [frame] = await syncRequest(libp2p, peerId, { type: 'peers' }, { maxFrameBytes, maxFrames: 1, timeoutMs: init.sync.timeoutMs, signal })
    if (frame === undefined) throw new LedgerError('RHN_LEDGER_SYNC_FAILED', `sync peers request to ${peerId}: no peers frame`)
    return exchangePeers(libp2p, frame, isMember, redialer)
  }

  const onConnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    if (!isMember(peerId)) return
    redialer.track(peerId)
    redialer.connected(peerId)
    log.debug({ remote: peerId, member: peerMembers.get(peerId) }, 'member peer connected')
    queue.flush()
    requestPeers(peerId).catch((err: unknown) => log.debug({ err: (err as Error).message, remote: peerId }, 'peer exchange failed'))
    try {
      handlers.onPeerConnected?.(peerId)
    } catch (err) {
      log.error({ err }, 'onPeerConnected handler threw')
    }
  }
  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    log.debug({ remote: peerId }, 'peer disconnected')
    redialer.disconnected(peerId)
  }
  libp2p.addEventListener('peer:connect', onConnect)
  libp2p.addEventListener('peer:disconnect', onDisconnect)

  await libp2p.handle(SYNC_PROTOCOL, syncHandler({ handlers, knownPeers, isMember, batchBlocks: init.sync.batchBlocks, timeoutMs: init.sync.timeoutMs, logger: log }), {
    maxInboundStreams: SYNC_MAX_STREAMS,
    maxOutboundStreams: SYNC_MAX_STREAMS,
  })
  for (const { peerId, addr } of bootstrap) redialer.track(peerId, addr)

  const memberPeers = peerMembers.size - (isMember(self) ? 1 : 0)
  const exchange = setInterval(() => {
    const connected = libp2p.getPeers().map(String).filter(isMember)
    if (connected.length === 0 || connected.length >= memberPeers) return
    const peerId = connected[Math.floor(Math.random() * connected.length)]!
    requestPeers(peerId).catch((err: unknown) => log.debug({ err: (err as Error).message, remote: peerId }, 'periodic peer exchange failed'))
  }, init.peerExchangeMs ?? PEER_EXCHANGE_MS)
  exchange.unref()

  let stopped = false
  return {
    peerId: self,
    topic,
    addresses: () => libp2p.getMultiaddrs().map((ma) => (ma.toString().endsWith(`/p2p/${self}`) ? ma.toString() : `${ma.toString()}/p2p/${self}`)),
    peers: () =>
      libp2p
        .getPeers()
        .map((p) => p.toString())
        .flatMap((peerId) => {
          const member = peerMembers.get(peerId)
          return member === undefined ? [] : [{ peerId, member }]
        }),
    publish: (data) => {
      // Peers would Reject it and score us down: refuse it here, loudly (publish never throws).
      if (data.length > init.gossip.maxMessageBytes) {
        log.error({ bytes: data.length, maxMessageBytes: init.gossip.maxMessageBytes }, 'not published: message above gossip.maxMessageBytes')
        return
      }
      queue.push(data)
    },
    queuedMessages: () => queue.size,
    topicPeers: () => pubsub.getSubscribers(topic).map(String),
    requestBlocks: async (peerId, chain, from, max, signal) => {
      const capped = Math.min(Math.floor(max), init.sync.batchBlocks)
      if (!(capped >= 1)) return []
      return syncRequest(libp2p, peerId, { type: 'blocks', chain, from, max: capped }, { maxFrameBytes, maxFrames: capped, timeoutMs: init.sync.timeoutMs, signal })
    },
    requestHeads: async (peerId, signal) => {
      const [frame] = await syncRequest(libp2p, peerId, { type: 'heads' }, { maxFrameBytes, maxFrames: 1, timeoutMs: init.sync.timeoutMs, signal })
      if (frame === undefined) throw new LedgerError('RHN_LEDGER_SYNC_FAILED', `sync heads request to ${peerId}: no heads frame`)
      try {
        return parseHeads(frame)
      } catch (err) {
        throw new LedgerError('RHN_LEDGER_SYNC_FAILED', `sync heads request to ${peerId}: ${(err as Error).message}`)
      }
    },
    requestPeers,
    score: (peerId) => (pubsub as unknown as { getScore(id: string): number }).getScore(peerId),
    stop: async () => {
      if (stopped) return
      stopped = true
      clearInterval(exchange)
      redialer.stop()
      queue.stop()
      libp2p.removeEventListener('peer:connect', onConnect)
      libp2p.removeEventListener('peer:disconnect', onDisconnect)
      pubsub.removeEventListener('gossipsub:message', onGossip)
      pubsub.removeEventListener('subscription-change', onSubscription)
      await libp2p.stop()
    },
  }
}
