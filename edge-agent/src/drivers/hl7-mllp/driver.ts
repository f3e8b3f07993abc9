/**
 * The `hl7-mllp` driver: ADT feeds over MLLP, one listener per config entry (issue 4).
 */
import type { Hl7MllpDeviceConfig } from '@rhn/protocols'
import type { Driver, DriverFactory } from '../types.js'
import { AdtFeed } from './feed.js'

/** The driver, with the bound port of each feed (for `listen.port: 0`). */
export interface Hl7MllpDriver extends Driver {
  /** Bound listening port per feed device id, once started. */
  ports(): ReadonlyMap<string, number>
}

/**
 * Builds the HL7 MLLP driver from validated config. `start()` reads each feed's HMAC key file
 * (relative to `baseDir`) and listens; a missing or short key, or a port in use, rejects `start()`
 * with an `EdgeError` naming the device, since the feed cannot run safely without them.
 */
export const createHl7MllpDriver: DriverFactory<Hl7MllpDeviceConfig> = (configs, components, baseDir) => createHl7MllpDriverWithPorts(configs, components, baseDir)

/** {@link createHl7MllpDriver} with its concrete type. */
export function createHl7MllpDriverWithPorts(...[configs, components, baseDir]: Parameters<DriverFactory<Hl7MllpDeviceConfig>>): Hl7MllpDriver {
  const feeds = configs.filter((c) => c.enabled).map((c) => new AdtFeed(c, components, baseDir))
  let started = false
  const driver: Hl7MllpDriver = {
    name: 'hl7-mllp',
    devices: () => feeds.flatMap((f) => f.devices()),
    async start(signal) {
      signal?.throwIfAborted()
      if (started) return
      started = true
      try {
        for (const f of feeds) await f.start()
      } catch (err) {
        await driver.stop()
        throw err
      }
      signal?.addEventListener('abort', () => void driver.stop(), { once: true })
    },
    async stop() {
      await Promise.all(feeds.map((f) => f.stop()))
    },
    health: () => feeds.map((f) => f.health()),
    ports: () => new Map(feeds.map((f) => [f.health().device, f.port])),
  }
  return driver
}
