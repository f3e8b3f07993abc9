import type { EdgeDeviceConfig } from '@rhn/protocols'
import type { Logger } from 'pino'
import type { DeviceDescriptor, Reading } from '../reading.js'

/**
 * What a driver is given (house rule 4: dependencies come in through the constructor). Drivers never
 * publish themselves: they hand readings and device state to the agent, which owns the outbox and MQTT.
 */
export interface DriverComponents {
  logger: Logger
  /** Wall clock for timestamps when a device gives none, ms since 1970. */
  now(): number
  /** New readings (already converted to catalogue names and engineering units). */
  emit(readings: readonly Reading[]): void
  /**
   * A device started or stopped answering. `online: false` makes the edge node send DDEATH;
   * `online: true` after that sends DBIRTH. `error` says why, with the device named.
   */
  deviceState(device: string, online: boolean, error?: string): void
  /** Counts a driver error (bad frame, exception, timeout) for `/metrics`; also log it. */
  countError(device: string, kind: string): void
}

/**
 * A device driver plugin (house rule 3: one folder per plugin, core code never branches on which
 * it holds). One driver instance may serve several config entries (e.g. every ventilator on one
 * OPC UA server shares a session).
 */
export interface Driver {
  /** Plugin name: `opcua`, `modbus`, `llrp`, `hl7-mllp`. */
  readonly name: string
  /** Every Sparkplug device this driver reports, with its metrics (known before start: from config and protocols). */
  devices(): readonly DeviceDescriptor[]
  /** Connects/listens and starts emitting; resolves once started (devices may still be unreachable: that is not an error). */
  start(signal?: AbortSignal): Promise<void>
  /** Stops every timer, session and socket; idempotent. */
  stop(): Promise<void>
  /** Health of each device for `/healthz`. */
  health(): readonly { device: string; online: boolean; since: number; error?: string }[]
}

/** Builds a driver for the config entries of one plugin. */
export type DriverFactory<C extends EdgeDeviceConfig = EdgeDeviceConfig> = (configs: readonly C[], components: DriverComponents, baseDir: string) => Driver
