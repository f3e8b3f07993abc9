/**
 * The `llrp` driver: RFID PPE cabinets over LLRP 1.0.1, one reader per config entry, each its own
 * Sparkplug device reporting `PPE/Stock|Taken|Restocked/{gtin}` and `PPE/Reads`.
 */
import { type LlrpDeviceConfig, getMetric } from '@rhn/protocols'
import { ppeMetricName } from '@rhn/protocols'
import type { MetricDescriptor } from '../../reading.js'
import type { Driver, DriverFactory } from '../types.js'
import { LlrpReaderLink, type LlrpTuning } from './reader.js'

/** 1 s inventory rounds (AISpec Duration): what cabinet readers commonly report at; 30 rounds per default absenceMs. */
export const LLRP_ROUND_MS = 1_000
/** 10 s reader KEEPALIVE: the session is declared dead after 3 silent periods (30 s), like a missed Sparkplug keepalive. */
export const LLRP_KEEPALIVE_MS = 10_000
/** ROSpecID of the driver's ROSpec: "RHN" in ASCII, recognisable in a reader's GET_ROSPECS. */
export const LLRP_ROSPEC_ID = 0x52484e

const descriptor = (name: string): MetricDescriptor => {
  const m = getMetric(name)
  return { name, datatype: m.datatype, ...(m.unit === undefined ? {} : { unit: m.unit }) }
}

/**
 * Builds the LLRP driver. Config is used as validated by `@rhn/protocols` (no network here); `start()`
 * connects every enabled reader and retries unreachable ones with the entry's `reconnect` backoff.
 */
export const createLlrpDriver: DriverFactory<LlrpDeviceConfig> = (configs, components) => {
  const tuning: LlrpTuning = { roundMs: LLRP_ROUND_MS, keepaliveMs: LLRP_KEEPALIVE_MS, roSpecId: LLRP_ROSPEC_ID }
  const links = configs.filter((c) => c.enabled).map((c) => new LlrpReaderLink(c, components, tuning))
  const driver: Driver = {
    name: 'llrp',
    devices: () =>
      links.map((link) => ({
        id: link.health().device,
        // GTINs are learnt from the tags: those seen so far, then PPE/Reads.
        metrics: [
          ...[...link.stock.snapshot().keys()].flatMap((gtin) => (['Stock', 'Taken', 'Restocked'] as const).map((k) => descriptor(ppeMetricName(k, gtin)))),
          descriptor('PPE/Reads'),
        ],
      })),
    start: (signal) => {
      signal?.throwIfAborted()
      for (const link of links) link.start()
      signal?.addEventListener('abort', () => void driver.stop(), { once: true })
      return Promise.resolve()
    },
    stop: () => {
      for (const link of links) link.stop()
      return Promise.resolve()
    },
    health: () => links.map((link) => link.health()),
  }
  return driver
}
