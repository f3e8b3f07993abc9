/** Shared fixtures of the ledger link tests: a fake clock with timers, and the RXA twin wired to a snapshot builder. */
import { escalationSchema } from '@rhn/protocols'
import { EscalationMonitor } from '../src/escalation/index.js'
import { SnapshotBuilder } from '../src/ledger-link/snapshot.js'
import type { LinkTimers } from '../src/ledger-link/link.js'
import { SystemAlarmView } from '../src/system-alarms.js'
import { data, makeTwin, T0 } from './twin-support.js'

/** A clock whose timers fire only when the test advances it. */
export class FakeClock implements LinkTimers {
  t = T0
  #timers: { at: number; fn: () => void; id: number }[] = []
  #id = 0
  readonly now = (): number => this.t

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#id
    this.#timers.push({ at: this.t + ms, fn, id })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((x) => x.id !== handle)
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    await settle()
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id)
      const next = this.#timers[0]
      if (next === undefined || next.at > end) break
      this.#timers.shift()
      this.t = next.at
      next.fn()
      await settle()
    }
    this.t = end
    await settle()
  }
}

/** Lets queued promise callbacks run (a few macrotask turns, for fetch-free stubs). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r))
}

/** The RXA twin with an escalation monitor and a snapshot builder on `clock`. */
export function hospitalTwin(clock: FakeClock) {
  const { twin } = makeTwin({ now: clock.now })
  const view = new SystemAlarmView(twin, clock.now)
  const monitor = new EscalationMonitor({ twin, alarms: view, config: escalationSchema.parse({}), hospitalId: 'RXA' }, { now: clock.now })
  const builder = new SnapshotBuilder('RXA')
  const snapshot = () => builder.build(twin.tree(), monitor.evaluate(), clock.now())
  const occupy = (bed: string, occupied = true) => twin.apply(data(bed, { 'Bed/Occupied': occupied }, clock.now()))
  return { twin, view, monitor, builder, snapshot, occupy }
}

/** ICU bed ids of RXA: bays a and b, 12 beds each. */
export const ICU_BEDS = ['a', 'b'].flatMap((bay) => Array.from({ length: 12 }, (_, i) => `rxa-icu-bay-${bay}-bed-${String(i + 1).padStart(2, '0')}`))
