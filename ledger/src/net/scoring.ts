/**
 * Gossipsub v1.1 peer scoring for a small permissioned consortium (issue 6: "topic score
 * parameters so rejected senders are penalised"). Every peer already passed the member gater, so
 * the score is about behaviour, not identity:
 *
 * - P4 (invalid messages) dominates: one Rejected message costs more than the whole positive cap,
 *   so a single forged, badly linked or malformed block sends the sender below 0 (out of our mesh,
 *   no gossip exchanged); two put it at the graylist (its RPCs are ignored). The counter decays by
 *   1 % per second (half-life ≈ 69 s), and is kept for an hour after a disconnect, so reconnecting
 *   does not wash it out.
 * - P1/P2 (time in mesh, first deliveries) give honest members a small positive score, capped.
 * - P3/P3b (mesh delivery deficit) are off: members publish in bursts and may be idle for minutes;
 *   a deficit penalty would prune quiet but honest members.
 * - P6 (IP colocation) is off: members are admitted by key, and several nodes may share an address
 *   (loopback in tests, one NAT per hospital).
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/** Score added per invalid (Rejected) message, squared counter: 1 → -20, 2 → -80, 3 → -180. */
export const INVALID_MESSAGE_WEIGHT = -20

/** Topic score parameters of the blocks topic. */
export function blocksTopicScoreParams(): TopicScoreParams {
  return {
    topicWeight: 1,
    // P1: +0.01 per second in the mesh, capped at 5 minutes (+3).
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1_000,
    timeInMeshCap: 300,
    // P2: +0.5 per first delivery, counter capped at 14 (+7), decaying 10 % per second.
    firstMessageDeliveriesWeight: 0.5,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 14,
    // P3, P3b: off (see above); the remaining fields must still be valid.
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 100,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5_000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    // P4: see INVALID_MESSAGE_WEIGHT; decays 1 % per decay interval (1 s).
    invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
    invalidMessageDeliveriesDecay: 0.99,
  }
}

/** Peer score parameters with the blocks topic scored (topics without params are not scored at all). */
export function ledgerScoreParams(topic: string): Partial<PeerScoreParams> {
  return {
    topics: { [topic]: blocksTopicScoreParams() },
    // Positive topic contributions are capped at +10: less than one invalid message costs.
    topicScoreCap: 10,
    appSpecificScore: () => 0,
    appSpecificWeight: 1,
    IPColocationFactorWeight: 0,
    IPColocationFactorThreshold: 10,
    // P7 (re-graft during backoff, broken IWANT promises): mild, after 6 offences; decays 10 %/s.
    behaviourPenaltyWeight: -1,
    behaviourPenaltyThreshold: 6,
    behaviourPenaltyDecay: 0.9,
    decayInterval: 1_000,
    decayToZero: 0.01,
    // Keep a disconnected peer's score for an hour: reconnecting must not reset a penalty.
    retainScore: 3_600_000,
  }
}

/**
 * Thresholds (the gossipsub v1.1 defaults): below -10 no gossip is exchanged, below -50 we do not
 * publish to the peer, below -80 its RPCs are ignored. PX is off (`doPX: false`), so
 * `acceptPXThreshold` only matters if it is turned on.
 */
export function ledgerScoreThresholds(): PeerScoreThresholds {
  return {
    gossipThreshold: -10,
    publishThreshold: -50,
    graylistThreshold: -80,
    acceptPXThreshold: 100,
    opportunisticGraftThreshold: 5,
  }
}
