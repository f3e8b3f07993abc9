/** Shared fixtures of the twin tests: the example registry, a manual clock and host-event builders. */
import { readFileSync } from 'node:fs'
import { indexRegistry, parseRegistry, type Registry, type SparkplugValue } from '@rhn/protocols'
import type { HostEvent, ResolvedMetric } from '../src/host/types.js'
import { type AlarmRule, Twin, type TwinEvent, type TwinInit } from '../src/twin/index.js'

const file = new URL('../../protocols/examples/region-north.yaml', import.meta.url).pathname

/** The example North region registry text (hospital RXA is the one under test). */
export const REGISTRY_TEXT = readFileSync(file, 'utf8')
/** The parsed example registry. */
export const REGISTRY: Registry = parseRegistry(REGISTRY_TEXT, file)
const index = indexRegistry(REGISTRY)

/** Start of every test's host clock and data time: 2025-01-06 08:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 8)

/** A GTIN of the example cabinets: FFP3 masks (capacity 1200, reorder point 300). */
export const FFP3 = '05012345000015'

/** A host clock the test moves by hand. */
export class ManualClock {
  t = T0
  readonly now = (): number => this.t
  advance(ms: number): number {
    this.t += ms
    return this.t
  }
}

/** A twin of RXA on a manual clock, with every event it emits collected. */
export function makeTwin(opts: { rules?: AlarmRule[]; staleAfterIntervals?: number; registry?: Registry } & Partial<TwinInit> = {}) {
  const clock = new ManualClock()
  const twin = new Twin({
    registry: opts.registry ?? REGISTRY,
    hospitalId: 'RXA',
    config: { staleAfterIntervals: opts.staleAfterIntervals ?? 2, rules: opts.rules ?? [] },
    now: clock.now,
    ...opts,
  })
  const events: TwinEvent[] = []
  twin.onEvent((e) => events.push(e))
  return { twin, clock, events }
}

/** A threshold rule with defaults. */
export function rule(r: Partial<AlarmRule> & Pick<AlarmRule, 'id' | 'metric' | 'op' | 'value'>): AlarmRule {
  return { severity: 'medium', forMs: 0, ...r }
}

type Values = Record<string, SparkplugValue>

interface Where {
  /** Edge node; default the registry binding of `device`. */
  gateway?: string
  group?: string
  historical?: boolean
  /** Host receive time; default the data timestamp. */
  at?: number
}

function ref(device: string, w: Where) {
  const gateway = w.gateway ?? index.component(device)?.binding.gateway
  if (gateway === undefined) throw new Error(`give a gateway for unknown device ${device}`)
  return { groupId: w.group ?? 'RXA', edgeNodeId: gateway, deviceId: device }
}

function metrics(values: Values, timestamp: number, historical: boolean): ResolvedMetric[] {
  return Object.entries(values).map(([name, value]) => ({ name, value, timestamp, historical }))
}

/** A DDATA of `device` (registry id = Sparkplug device id) with `values` at data time `ts`. */
export function data(device: string, values: Values, ts: number, w: Where = {}): HostEvent {
  return { type: 'device-data', device: ref(device, w), metrics: metrics(values, ts, w.historical ?? false), at: w.at ?? ts }
}

/** A DBIRTH of `device` with `values` and optional units. */
export function birth(device: string, values: Values, ts: number, w: Where & { units?: Record<string, string> } = {}): HostEvent {
  return { type: 'device-birth', device: ref(device, w), metrics: metrics(values, ts, false), units: w.units ?? {}, at: w.at ?? ts }
}

/** A DDEATH of `device`. */
export function death(device: string, at: number, w: Where = {}): HostEvent {
  return { type: 'device-death', device: ref(device, w), at }
}

/** The registry's components of RXA, for expected totals. */
export function rxaComponents() {
  return index.components().filter((c) => c.hospitalId === 'RXA')
}
