/** The topics of one edge node (spec §4.1 "Topic Namespace Elements"), built once. */
import { buildTopic, stateTopicFilter, topicFilter } from '@rhn/protocols'

/** Topics and subscription filters of the edge node `edgeNodeId` in group `groupId`. */
export class EdgeTopics {
  readonly #groupId: string
  readonly #edgeNodeId: string

  constructor(groupId: string, edgeNodeId: string) {
    this.#groupId = groupId
    this.#edgeNodeId = edgeNodeId
  }

  /** `spBv1.0/{group}/{type}/{edgeNode}`. */
  node(type: 'NBIRTH' | 'NDEATH' | 'NCMD'): string {
    return buildTopic({ kind: 'node', groupId: this.#groupId, edgeNodeId: this.#edgeNodeId, messageType: type })
  }

  /** `spBv1.0/{group}/{type}/{edgeNode}/{device}`. */
  device(type: 'DBIRTH' | 'DDATA' | 'DDEATH', deviceId: string): string {
    return buildTopic({ kind: 'device', groupId: this.#groupId, edgeNodeId: this.#edgeNodeId, deviceId, messageType: type })
  }

  /**
   * What the node subscribes to, in the one SUBSCRIBE that precedes NBIRTH: its NCMD and every DCMD
   * [tck-id-message-flow-edge-node-ncmd-subscribe] [tck-id-message-flow-device-dcmd-subscribe], and the
   * primary host's STATE when one is configured
   * [tck-id-operational-behavior-primary-application-state-with-multiple-servers-state-subs].
   */
  subscriptions(primaryHostId: string | undefined): string[] {
    const filters = [this.node('NCMD'), topicFilter({ groupId: this.#groupId, edgeNodeId: this.#edgeNodeId, messageType: 'DCMD' })]
    if (primaryHostId !== undefined) filters.push(stateTopicFilter(primaryHostId))
    return filters
  }
}
