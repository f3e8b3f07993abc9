/**
 * Gossipsub configuration of the ledger's blocks topic: StrictSign, content-hash message ids, the
 * topic validator, scoring and size limits (issue 6; STACK.md "Pitfalls seen").
 */
import { createHash } from 'node:crypto'
import { type GossipsubOpts, type Message, StrictSign, TopicValidatorResult, type TopicValidatorFn } from '@libp2p/gossipsub'
import type { FastMsgIdFn, MsgIdFn } from '@libp2p/gossipsub/types'
import type { PeerId } from '@libp2p/interface'
import type { LedgerConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { GossipVerdict, LedgerNetworkHandlers } from '../interface.js'
import { ledgerScoreParams, ledgerScoreThresholds } from './scoring.js'

/** The one gossip topic of a consortium: fresh blocks. The version suffix lets the encoding change later. */
export function blocksTopic(consortiumId: string): string {
  return `/rhn/ledger/${consortiumId}/blocks/1`
}

/**
 * Bytes allowed in one gossipsub RPC frame above the largest message: the envelope (signature,
 * key, seqno, topic) and piggybacked control messages. An IWANT answer may bundle several
 * messages, so the frame limit is {@link RPC_FRAME_MESSAGES} messages' worth.
 */
export const RPC_FRAME_OVERHEAD_BYTES = 64 * 1024
/** Messages one RPC frame may carry at full size (IWANT answers bundle the messages asked for). */
export const RPC_FRAME_MESSAGES = 4

/**
 * Smallest message that makes this node send IDONTWANT (gossipsub v1.2) to its mesh peers, bytes
 * (16 KiB; gossipsub's default is 512). An IDONTWANT is one more RPC to every mesh peer for every
 * message received: for the few-KiB blocks of steady traffic it costs about what the duplicate it
 * might spare costs (an encrypted frame, a write and a yamux window update each), and in a consortium
 * every receiver sends it to every other at once. Large blocks still get it, where the duplicate's
 * bytes are the expensive part.
 */
export const IDONTWANT_MIN_BYTES = 16 * 1024

/** SHA-256 of the message data: the gossip message id (STACK.md: author + seqno would hide equivocation). */
function contentId(data: Uint8Array | undefined): Uint8Array {
  return createHash('sha256')
    .update(data ?? new Uint8Array(0))
    .digest()
}

/**
 * Content-hash message id: the same block relayed by two peers is one message, two different blocks
 * from one author are two (so equivocating blocks both reach every node as evidence).
 */
export const contentMsgId: MsgIdFn = (msg: Message) => contentId(msg.data)

/**
 * The fast id the seen-cache checks before verifying the libp2p signature of a duplicate: the same
 * content hash (a cheaper non-cryptographic hash would let a peer craft a collision that hides a
 * different block, e.g. equivocation evidence, as a "duplicate").
 */
export const contentFastMsgId: FastMsgIdFn = (msg) => Buffer.from(contentId(msg.data)).toString('base64')

/** Maps the node's verdict to gossipsub's result; anything unexpected is a Reject, never a throw (a throw counts as Ignore). */
export function toTopicValidatorResult(verdict: GossipVerdict): TopicValidatorResult {
  switch (verdict) {
    case 'accept':
      return TopicValidatorResult.Accept
    case 'ignore':
      return TopicValidatorResult.Ignore
    default:
      return TopicValidatorResult.Reject
  }
}

/** What the topic validator needs. */
export interface BlocksValidatorInit {
  handlers: Pick<LedgerNetworkHandlers, 'validate'>
  isMember: (peerId: string) => boolean
  maxMessageBytes: number
  logger: Logger
}

/**
 * The blocks topic validator: Rejects messages larger than `gossip.maxMessageBytes` or authored by
 * a libp2p key that is not a member's (a member could relay one it forged), then asks the node.
 * A validator that throws Rejects too: the node must not be able to turn a bug into an Ignore that
 * lets a peer spam without penalty.
 */
export function blocksValidator(init: BlocksValidatorInit): TopicValidatorFn {
  const { handlers, isMember, maxMessageBytes, logger } = init
  return (from: PeerId, msg: Message): TopicValidatorResult => {
    const fromPeer = from.toString()
    if (msg.data.length > maxMessageBytes) {
      logger.warn({ fromPeer, bytes: msg.data.length, maxMessageBytes }, 'rejected an oversized gossip message')
      return TopicValidatorResult.Reject
    }
    if (msg.type !== 'signed' || !isMember(msg.from.toString())) {
      logger.warn({ fromPeer, author: msg.type === 'signed' ? msg.from.toString() : undefined }, 'rejected a gossip message not authored by a member peer')
      return TopicValidatorResult.Reject
    }
    try {
      return toTopicValidatorResult(handlers.validate(msg.data, fromPeer))
    } catch (err) {
      logger.error({ err, fromPeer }, 'gossip validator threw; message rejected')
      return TopicValidatorResult.Reject
    }
  }
}

/** Builds the gossipsub options from the node's `gossip` config. */
export function gossipsubOptions(topic: string, gossip: LedgerConfig['gossip']): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: StrictSign,
    msgIdFn: contentMsgId,
    fastMsgIdFn: contentFastMsgId,
    heartbeatInterval: gossip.heartbeatIntervalMs,
    D: gossip.D,
    Dlo: gossip.Dlo,
    Dhi: gossip.Dhi,
    // Dscore and Dout must stay within the mesh bounds the config chose (gossipsub v1.1: Dout < Dlo, Dout ≤ D/2).
    Dscore: Math.min(4, gossip.Dlo),
    Dout: Math.max(0, Math.min(2, gossip.Dlo - 1, Math.floor(gossip.D / 2))),
    floodPublish: gossip.floodPublish,
    // The publish queue handles "no subscribed peer yet"; a block already seen (relayed to us first) is not an error.
    allowPublishToZeroTopicPeers: false,
    ignoreDuplicatePublishError: true,
    fallbackToFloodsub: false,
    doPX: false,
    emitSelf: false,
    allowedTopics: [topic],
    scoreParams: ledgerScoreParams(topic),
    scoreThresholds: ledgerScoreThresholds(),
    maxInboundDataLength: RPC_FRAME_MESSAGES * gossip.maxMessageBytes + RPC_FRAME_OVERHEAD_BYTES,
    idontwantMinDataSize: IDONTWANT_MIN_BYTES,
  }
}
