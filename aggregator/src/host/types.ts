import type { SparkplugMetric } from '@rhn/protocols'

/** Identifies a Sparkplug device: group (hospital), edge node (gateway) and device id. */
export interface DeviceRef {
  groupId: string
  edgeNodeId: string
  deviceId: string
}

/** A metric value the host resolved (name from the alias table, value, source timestamp). */
export interface ResolvedMetric {
  name: string
  value: SparkplugMetric['value']
  /** Source timestamp (metric timestamp, else payload timestamp), ms. */
  timestamp: number
  /** `is_historical`: replayed data; stored, but never overwrites newer live state. */
  historical: boolean
}

/** What the host application tells the twin, in order. */
export type HostEvent =
  | { type: 'node-online'; groupId: string; edgeNodeId: string; bdSeq: number; at: number }
  | { type: 'node-offline'; groupId: string; edgeNodeId: string; at: number; reason: string }
  | { type: 'device-birth'; device: DeviceRef; metrics: ResolvedMetric[]; units: Record<string, string | undefined>; at: number }
  | { type: 'device-data'; device: DeviceRef; metrics: ResolvedMetric[]; at: number }
  | { type: 'device-death'; device: DeviceRef; at: number }

/** Host counters for `/healthz` and `/metrics`. */
export interface HostStats {
  connected: boolean
  messages: number
  births: number
  deaths: number
  rebirthRequests: number
  seqGaps: number
  unknownAliases: number
  badPayloads: number
  badTopics: number
  duplicates: number
}
