/**
 * `GET /healthz` of the aggregator (anonymous, so free of secrets): is the host connected, does the
 * store accept writes and how much waits, which edge nodes are online, is the registry file in force.
 */
import type { HostStats, KnownEdgeNode } from './host/index.js'
import type { RegistryFileStatus } from './registry-watch.js'
import type { StoreStats } from './store/index.js'
import type { Rollup } from './twin/index.js'

/** The body of `/healthz`. */
export interface AggregatorHealth {
  /** `ok` when connected, the store available and the registry file in force; `degraded` otherwise. */
  status: 'ok' | 'degraded'
  hospital: string
  uptimeS: number
  mqtt: { connected: boolean; url: string; hostId: string; messages: number; seqGaps: number; badPayloads: number; unknownAliases: number; rebirthRequests: number }
  store: { backend: string; available: boolean; pendingPoints: number; writtenPoints: number; failedWrites: number }
  nodes: { groupId: string; edgeNodeId: string; online: boolean; bdSeq: number | null; lastSeen: number | null; devices: number }[]
  devices: Rollup['devices']
  /** Alarms not cleared, the aggregator's own (registry file) included. */
  alarmsActive: number
  registry: RegistryFileStatus
}

/** What {@link healthOf} reads. */
export interface HealthInput {
  hospital: string
  uptimeS: number
  mqtt: { url: string; hostId: string }
  host: HostStats
  nodes: readonly KnownEdgeNode[]
  storeName: string
  store: StoreStats
  rollup: Rollup
  systemAlarms: number
  registry: RegistryFileStatus
}

/** Builds the `/healthz` body. */
export function healthOf(i: HealthInput): AggregatorHealth {
  const h = i.host
  const s = i.store
  return {
    status: h.connected && s.available && i.registry.error === undefined ? 'ok' : 'degraded',
    hospital: i.hospital,
    uptimeS: i.uptimeS,
    mqtt: { connected: h.connected, url: i.mqtt.url, hostId: i.mqtt.hostId, messages: h.messages, seqGaps: h.seqGaps, badPayloads: h.badPayloads, unknownAliases: h.unknownAliases, rebirthRequests: h.rebirthRequests },
    store: { backend: i.storeName, available: s.available, pendingPoints: s.pendingPoints, writtenPoints: s.writtenPoints, failedWrites: s.failedWrites },
    nodes: i.nodes.map((n) => ({ groupId: n.groupId, edgeNodeId: n.edgeNodeId, online: n.online, bdSeq: n.bdSeq ?? null, lastSeen: n.lastSeen ?? null, devices: n.devices.length })),
    devices: i.rollup.devices,
    alarmsActive: i.rollup.alarms.active + i.systemAlarms,
    registry: i.registry,
  }
}
