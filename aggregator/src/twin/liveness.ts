/**
 * Online, last seen and staleness (issue 5 "The twin": offline detection users can trust).
 * Online follows births and deaths (DBIRTH/DDATA on, DDEATH/NDEATH off); stale means silent for
 * `staleAfterIntervals × expectedIntervalS` on the host clock. Either raises the asset's `offline` alarm.
 */
import type { AlarmBook } from './alarms.js'
import type { AssetState } from './state.js'
import type { AlarmPriority, TwinEvent } from './types.js'

/** Losing a ventilator's telemetry hides its alarms from the central station: prompt response. */
export const VENTILATOR_OFFLINE_PRIORITY: AlarmPriority = 'medium'
/** Any other device offline: a bed, cabinet or feed silent is a maintenance task. */
export const OFFLINE_PRIORITY: AlarmPriority = 'low'

/** Key of an asset's offline alarm. */
export function offlineKey(assetId: string): string {
  return `${assetId}/offline`
}

/** Keeps online/stale state and the offline alarm of assets. */
export class Liveness {
  constructor(
    private readonly alarms: AlarmBook,
    private readonly emit: (e: TwinEvent) => void,
    private readonly staleAfterIntervals: number,
  ) {}

  /** A live report (birth or live data) at host time `at`: online, fresh, offline alarm cleared. */
  seen(asset: AssetState, at: number): void {
    asset.lastSeen = at
    if (asset.online && !asset.stale) return
    const wasOnline = asset.online
    asset.online = true
    asset.dead = false
    asset.stale = false
    asset.markDirty()
    this.alarms.clear(offlineKey(asset.info.id), at)
    if (!wasOnline) this.emit({ type: 'online', asset: asset.info.id, path: asset.info.path, online: true, at })
  }

  /** A DDEATH, or an NDEATH of its edge node: offline now. */
  died(asset: AssetState, at: number, reason: string): void {
    const wasOnline = asset.online
    asset.online = false
    asset.dead = true
    asset.markDirty()
    this.raise(asset, `${asset.info.name} offline (${reason})`, at)
    if (wasOnline) this.emit({ type: 'online', asset: asset.info.id, path: asset.info.path, online: false, at })
  }

  /** Marks assets stale that stayed silent too long (counting from when the twin began watching, if never seen). */
  check(assets: Iterable<AssetState>, now: number): void {
    for (const asset of assets) {
      const since = asset.lastSeen ?? asset.watchedSince
      const limitMs = this.staleAfterIntervals * asset.info.expectedIntervalS * 1000
      const stale = now - since > limitMs
      if (stale === asset.stale) continue
      asset.stale = stale
      asset.markDirty()
      if (stale) {
        const what = asset.lastSeen === null ? 'no data since the twin started' : `no data for ${Math.round((now - since) / 1000)} s`
        this.raise(asset, `${asset.info.name} stale: ${what} (expected every ${asset.info.expectedIntervalS} s)`, now)
      } else if (!asset.dead) this.alarms.clear(offlineKey(asset.info.id), now)
    }
  }

  private raise(asset: AssetState, message: string, at: number): void {
    const priority = asset.info.kind === 'ventilator' ? VENTILATOR_OFFLINE_PRIORITY : OFFLINE_PRIORITY
    this.alarms.raise({ asset: asset.info.id, key: offlineKey(asset.info.id), source: 'offline', priority, message, path: asset.info.path, at })
  }
}
