/**
 * Rebuilds the twin after a restart (issue 5 "Faults": aggregator restarted ⇒ twin rebuilt from the
 * last values in the store plus rebirth requests). The last stored values go in as *historical*
 * data: they become the current values, but no asset counts as online until a birth or live data
 * arrives (the twin's rule: a replay alone is no sign of life), and nothing is stored again.
 */
import type { Registry } from '@rhn/protocols'
import type { HostEvent } from './host/index.js'
import type { TelemetryStore } from './store/index.js'
import type { Twin } from './twin/index.js'

/** Store queries in flight while rebuilding: InfluxDB answers one `last()` per field, so a few at a time. */
export const REBUILD_CONCURRENCY = 8

/** What {@link rebuildTwin} did. */
export interface RebuildResult {
  assets: number
  values: number
}

/** Seeds `twin` with the newest stored value of every metric of every registry component of `hospitalId`. */
export async function rebuildTwin(twin: Twin, store: TelemetryStore, registry: Registry, hospitalId: string, at: number): Promise<RebuildResult> {
  const hospital = registry.hospitals.find((h) => h.id === hospitalId)
  const components = hospital?.units.flatMap((u) => u.sections.flatMap((s) => s.components)) ?? []
  const result: RebuildResult = { assets: 0, values: 0 }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < components.length) {
      const c = components[next++]!
      const latest = await store.latest(c.id)
      const metrics = Object.entries(latest).map(([name, v]) => ({ name, value: v.value, timestamp: v.timestamp, historical: true }))
      if (metrics.length === 0) continue
      const event: HostEvent = { type: 'device-data', device: { groupId: c.hospitalId, edgeNodeId: c.binding.gateway, deviceId: c.binding.device }, metrics, at }
      twin.apply(event) // the points it returns are in the store already
      result.assets += 1
      result.values += metrics.length
    }
  }
  await Promise.all(Array.from({ length: Math.min(REBUILD_CONCURRENCY, components.length) }, worker))
  return result
}
