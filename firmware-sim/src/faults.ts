import type { FaultConfig } from '@rhn/protocols'
import type { Clock, TimerHandle } from './clock.js'
import type { SimServer } from './devices/types.js'
import type { Hl7AdtSender } from './devices/hl7/index.js'
import type { HospitalModel, SimComponent } from './hospital/index.js'

/** What the fault scheduler acts on. */
export interface FaultTargets {
  clock: Clock
  components: ReadonlyMap<string, SimComponent>
  models: ReadonlyMap<string, HospitalModel>
  /** Every server, with the hospital it belongs to. */
  servers: readonly SimServer[]
  /** A server that a single component has to itself (LLRP reader, ADT feed), by component id. */
  ownServer: ReadonlyMap<string, SimServer>
  adtSenders: ReadonlyMap<string, Hl7AdtSender>
}

/** A fault starting or ending, for the CLI's event log. */
export interface FaultEvent {
  at: number
  phase: 'start' | 'end'
  fault: FaultConfig
  text: string
}

const HOUR_MS = 3_600_000

/** Describes a fault in words, e.g. `device-power-off rxa-icu-bay-a-vent-04 for 120 s`. */
export function describeFault(f: FaultConfig): string {
  switch (f.type) {
    case 'device-power-off':
      return `device-power-off ${f.device} for ${f.durationS} s`
    case 'network-drop':
      return `network-drop (${f.mode}) ${f.device ?? `hospital ${f.hospital ?? '?'}`} for ${f.durationS} s`
    case 'sensor-stuck':
      return `sensor-stuck ${f.device} ${f.metric}=${String(f.value)} for ${f.durationS} s`
    case 'alarm-burst':
      return `alarm-burst ${f.device}: ${f.count} alarms every ${f.intervalMs} ms`
    case 'clock-skew':
      return `clock-skew ${f.device} by ${f.skewMs} ms`
    case 'hl7-malformed':
      return `hl7-malformed ${f.count} messages from ${f.hospital ?? 'every hospital'}`
  }
}

/**
 * Schedules every fault of a scenario on the virtual clock: each starts at `atHours` and, where it
 * has a duration, ends after `durationS`. Faults on a component flip its flags (the protocol server
 * shows them as the real device would); faults on a network act on the servers. Returns a cancel function.
 */
export function scheduleFaults(faults: readonly FaultConfig[], t: FaultTargets, onEvent: (e: FaultEvent) => void): () => void {
  const timers: TimerHandle[] = []
  const at = (ms: number, fn: () => void): void => {
    timers.push(t.clock.setTimeout(fn, ms - t.clock.elapsedMs()))
  }
  const report = (phase: FaultEvent['phase'], fault: FaultConfig): void => onEvent({ at: t.clock.now(), phase, fault, text: describeFault(fault) })
  const network = (servers: readonly SimServer[], state: 'up' | 'reset' | 'refuse'): void => {
    for (const s of servers) void s.setNetwork(state)
  }

  for (const fault of faults) {
    const startMs = fault.atHours * HOUR_MS
    const endMs = 'durationS' in fault ? startMs + fault.durationS * 1000 : undefined
    const begin = (fn: () => void, undo?: () => void): void => {
      at(startMs, () => {
        report('start', fault)
        fn()
      })
      if (undo !== undefined && endMs !== undefined) {
        at(endMs, () => {
          undo()
          report('end', fault)
        })
      }
    }
    switch (fault.type) {
      case 'device-power-off': {
        const c = t.components.get(fault.device)
        begin(
          () => c?.setPowered(false),
          () => c?.setPowered(true),
        )
        break
      }
      case 'network-drop': {
        if (fault.device !== undefined) {
          const own = t.ownServer.get(fault.device)
          const c = t.components.get(fault.device)
          if (own !== undefined) begin(() => network([own], fault.mode), () => network([own], 'up'))
          else begin(() => c?.setReachability(fault.mode), () => c?.setReachability('up'))
        } else {
          const servers = t.servers.filter((s) => s.endpoint.hospitalId === fault.hospital)
          begin(() => network(servers, fault.mode), () => network(servers, 'up'))
        }
        break
      }
      case 'sensor-stuck': {
        const c = t.components.get(fault.device)
        begin(
          () => c?.stick(fault.metric, fault.value),
          () => c?.unstick(fault.metric),
        )
        break
      }
      case 'alarm-burst': {
        const model = [...t.models.values()].find((m) => m.ventilator(fault.device) !== undefined)
        begin(() => model?.ventilator(fault.device)?.alarmBurst(fault.count, fault.intervalMs))
        break
      }
      case 'clock-skew': {
        const c = t.components.get(fault.device)
        begin(() => {
          if (c !== undefined) c.clockSkewMs = fault.skewMs
        })
        break
      }
      case 'hl7-malformed': {
        const senders = fault.hospital === undefined ? [...t.adtSenders.values()] : [t.adtSenders.get(fault.hospital)].filter((s) => s !== undefined)
        begin(() => {
          for (const s of senders) s.sendMalformed(fault.count)
        })
        break
      }
    }
  }
  return () => {
    for (const h of timers) h.cancel()
  }
}
