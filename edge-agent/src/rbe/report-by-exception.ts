/**
 * Report by exception (issue 4, "Sparkplug B Edge Node"): a reading is published only when its value
 * moved past the metric's deadband since the value last published, and an unchanged value is re-sent
 * after `maxSilenceMs` so the aggregator can tell a steady device from a dead one.
 *
 * Time: the agent calls {@link ReportByException.due} about once a second with its clock; no timer
 * lives in here, so tests drive time by passing numbers and nothing needs stopping.
 */
import type { EdgeConfig } from '@rhn/protocols'
import type { Reading, ReadingValue } from '../reading.js'

/** Deadbands and maximum silence of one metric: the `rbe` config keys. */
export type RbeOptions = EdgeConfig['rbe']

/** Per-device/per-metric overrides of the defaults; called once per metric, when first seen. */
export type RbeOverrides = (device: string, metric: string) => Partial<RbeOptions> | undefined

/** Options of {@link ReportByException}. */
export interface ReportByExceptionInit {
  /** The `rbe` config section; missing keys mean 0 (publish every change, no keep-alive). */
  defaults?: Partial<RbeOptions>
  optionsFor?: RbeOverrides
}

/** What {@link ReportByException} needs. */
export interface ReportByExceptionComponents {
  /** Agent wall clock, ms since 1970: when a value was last published. */
  now: () => number
}

interface MetricState {
  readonly absolute: number
  readonly percent: number
  readonly silenceMs: number
  /** Last value published. */
  sent: ReadingValue
  /** Agent time of the last publish. */
  sentAt: number
  /** Newest reading held back since, re-sent in preference to `sent` when the silence runs out. */
  held: Reading | undefined
}

/**
 * Whether `value` moved past the deadband from `last`. A deadband of 0 is off; with both off, any change
 * publishes; with both on, exceeding either publishes. Percent is of |last| (any change from 0 counts).
 * Booleans, strings and a change of type publish on any change; NaN equals NaN here.
 */
function moved(state: MetricState, value: ReadingValue): boolean {
  const last = state.sent
  if (typeof value !== 'number' || typeof last !== 'number') return value !== last
  if (value === last || (Number.isNaN(value) && Number.isNaN(last))) return false
  const delta = Math.abs(value - last)
  if (Number.isNaN(delta)) return true // to or from NaN, or between infinities of opposite sign
  if (state.absolute === 0 && state.percent === 0) return true
  return (state.absolute > 0 && delta > state.absolute) || (state.percent > 0 && delta * 100 > state.percent * Math.abs(last))
}

/**
 * Per-metric report-by-exception state for one agent. Hot path: `filter` allocates only for a metric
 * seen for the first time (two nested maps keyed by device then metric: no key strings built per reading).
 */
export class ReportByException {
  readonly #defaults: RbeOptions
  readonly #optionsFor: RbeOverrides | undefined
  readonly #now: () => number
  readonly #devices = new Map<string, Map<string, MetricState>>()

  constructor(init: ReportByExceptionInit, components: ReportByExceptionComponents) {
    this.#defaults = { deadbandAbsolute: 0, deadbandPercent: 0, maxSilenceMs: 0, ...init.defaults }
    this.#optionsFor = init.optionsFor
    this.#now = components.now
  }

  /**
   * The readings of `readings` to publish, appended to `out` (pass a reused array to avoid allocating)
   * and returned. The first reading of a metric always passes; a reading within the deadband passes
   * anyway once `maxSilenceMs` went by since the last publish of its metric.
   */
  filter(readings: readonly Reading[], out: Reading[] = []): Reading[] {
    const now = this.#now()
    for (const reading of readings) {
      let metrics = this.#devices.get(reading.device)
      if (metrics === undefined) {
        metrics = new Map()
        this.#devices.set(reading.device, metrics)
      }
      const state = metrics.get(reading.metric)
      if (state === undefined) {
        metrics.set(reading.metric, this.#create(reading, now))
        out.push(reading)
      } else if (moved(state, reading.value) || (state.silenceMs > 0 && now - state.sentAt >= state.silenceMs)) {
        state.sent = reading.value
        state.sentAt = now
        state.held = undefined
        out.push(reading)
      } else {
        state.held = reading
      }
    }
    return out
  }

  /**
   * Keep-alives of the metrics silent for `maxSilenceMs` or more at `now`, appended to `out`: the newest
   * held-back reading when there is one (a real measurement), else the last value published stamped
   * `now` (nothing new arrived: with subscriptions and server-side deadbands, the value still holds; a
   * fresh timestamp also keeps the aggregator's (device, metric, timestamp) dedupe from eating it).
   * Cost: one pass over every metric, so call it about once a second, not per reading.
   */
  due(now: number = this.#now(), out: Reading[] = []): Reading[] {
    for (const [device, metrics] of this.#devices) {
      for (const [metric, state] of metrics) {
        if (state.silenceMs === 0 || now - state.sentAt < state.silenceMs) continue
        const reading = state.held ?? { device, metric, value: state.sent, timestamp: now }
        state.sent = reading.value
        state.sentAt = now
        state.held = undefined
        out.push(reading)
      }
    }
    return out
  }

  /** Forgets a device (it went offline: DDEATH); its next readings publish as if first seen. */
  forget(device: string): void {
    this.#devices.delete(device)
  }

  #create(reading: Reading, now: number): MetricState {
    const o = { ...this.#defaults, ...this.#optionsFor?.(reading.device, reading.metric) }
    return { absolute: o.deadbandAbsolute, percent: o.deadbandPercent, silenceMs: o.maxSilenceMs, sent: reading.value, sentAt: now, held: undefined }
  }
}

/**
 * The RBE override for an OPC UA device's `deadband` config (`{ type, value }`): the same deadband
 * applied at the agent, for servers that do not offer it and for the polling fallback.
 */
export function deadbandOverride(deadband: { type: 'absolute' | 'percent'; value: number } | undefined): Partial<RbeOptions> | undefined {
  if (deadband === undefined) return undefined
  return deadband.type === 'absolute' ? { deadbandAbsolute: deadband.value, deadbandPercent: 0 } : { deadbandAbsolute: 0, deadbandPercent: deadband.value }
}
