import type { OpcuaDeviceConfig } from '@rhn/protocols'
import type { DeviceDescriptor } from '../../reading.js'
import type { Driver, DriverComponents, DriverFactory } from '../types.js'
import { describeDevice, sessionKey } from './bindings.js'
import { OpcuaEndpoint } from './endpoint.js'
import { DeviceHealth } from '../device-health.js'

/** What the OPC UA driver needs beyond {@link DriverComponents}. */
export interface OpcuaDriverComponents extends DriverComponents {
  /** Jitter source for reconnect backoff, [0, 1); default `Math.random` (pass a seeded one for deterministic runs). */
  random?: () => number
}

/**
 * OPC UA driver: the entries that share endpoint, security and user share one session and one
 * subscription; each session is rebuilt from scratch, with backoff, whenever it is lost.
 */
class OpcuaDriver implements Driver {
  readonly name = 'opcua'
  private readonly descriptors: readonly DeviceDescriptor[]
  private readonly states: DeviceHealth
  /** One per session key, in config order. */
  readonly endpoints: readonly OpcuaEndpoint[]
  private started: Promise<void> | undefined

  constructor(configs: readonly OpcuaDeviceConfig[], components: OpcuaDriverComponents, baseDir: string) {
    const enabled = configs.filter((c) => c.enabled)
    this.descriptors = enabled.map(describeDevice)
    this.states = new DeviceHealth(components, enabled.map((c) => c.id))
    const groups = new Map<string, OpcuaDeviceConfig[]>()
    for (const c of enabled) groups.set(sessionKey(c), [...(groups.get(sessionKey(c)) ?? []), c])
    const log = components.logger.child({ driver: 'opcua' })
    const ctx = { components, states: this.states, log, baseDir, random: components.random ?? Math.random }
    this.endpoints = [...groups.values()].map((group) => new OpcuaEndpoint(group, ctx))
  }

  devices(): readonly DeviceDescriptor[] {
    return this.descriptors
  }

  health(): readonly { device: string; online: boolean; since: number; error?: string }[] {
    return this.states.list()
  }

  start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true })
    this.started ??= Promise.all(this.endpoints.map((e) => e.start())).then(() => undefined)
    return this.started
  }

  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.stop()))
  }
}

/**
 * The OPC UA driver plugin. Checks every entry's metrics against the catalogue at construction (no I/O).
 * @throws EdgeError `RHN_EDGE_CONFIG_INVALID` naming the key of an unknown metric.
 */
export const createOpcuaDriver: DriverFactory<OpcuaDeviceConfig> = (configs, components, baseDir) => new OpcuaDriver(configs, components, baseDir)
