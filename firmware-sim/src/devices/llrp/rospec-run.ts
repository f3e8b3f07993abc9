/**
 * One installed ROSpec and its life on the reader's clock: Disabled ▸ Inactive ▸ Active and back
 * ("Reader Operations", ROSpec state machine), with its inventory rounds and the reports they produce.
 */
import type { Clock, TimerHandle } from '../../clock.js'
import { mergeReads, type TagRead } from './inventory.js'
import type { ReportSpec, RoSpec } from './rospec.js'
import { llrp } from '@rhn/protocols'
const { ReportTrigger, RoSpecState } = llrp

/** What a running ROSpec needs from its reader. */
export interface RunHost {
  clock: Clock
  /** Virtual ms per inventory round for this ROSpec. */
  roundMs(spec: RoSpec): number
  /** The report spec in force (the ROSpec's own, else the reader's). */
  reportSpec(spec: RoSpec): ReportSpec
  /** Runs one round over the tags present now. */
  inventory(spec: RoSpec): TagRead[]
  /** Sends an RO_ACCESS_REPORT for these reads (possibly none). */
  report(spec: RoSpec, reads: readonly TagRead[]): void
}

/** An ROSpec on the reader, with its timers. */
export class RoSpecRun {
  private roundTimer: TimerHandle | undefined
  private stopTimer: TimerHandle | undefined
  private periodicTimers: TimerHandle[] = []
  /** Reads held until the report trigger fires, one entry per (EPC, antenna). */
  private held = new Map<string, TagRead>()

  constructor(
    readonly spec: RoSpec,
    /** The ROSpec parameter as the client sent it, returned by GET_ROSPECS with its current state. */
    readonly raw: Buffer,
    private readonly host: RunHost,
  ) {}

  get state(): number {
    return this.spec.state
  }

  /** ENABLE_ROSPEC: Disabled ▸ Inactive; an Immediate start trigger starts it now, a Periodic one schedules it. */
  enable(): void {
    if (this.spec.state !== RoSpecState.Disabled) return
    this.spec.state = RoSpecState.Inactive
    if (this.spec.startTrigger === 1) this.start()
    if (this.spec.startTrigger === 2) {
      const { clock } = this.host
      this.periodicTimers.push(
        clock.setTimeout(() => {
          this.start()
          this.periodicTimers.push(clock.setInterval(() => this.start(), this.spec.periodicPeriodMs))
        }, this.spec.periodicOffsetMs),
      )
    }
  }

  /** START_ROSPEC (or a start trigger): Inactive ▸ Active, inventory rounds begin. */
  start(): void {
    if (this.spec.state !== RoSpecState.Inactive) return
    this.spec.state = RoSpecState.Active
    this.roundTimer = this.host.clock.setInterval(() => this.round(), this.host.roundMs(this.spec))
    if (this.spec.stopTrigger === 1 && this.spec.stopDurationMs > 0) {
      this.stopTimer = this.host.clock.setTimeout(() => this.stop(), this.spec.stopDurationMs)
    }
  }

  /** STOP_ROSPEC (or the Duration stop trigger): Active ▸ Inactive; an end-of-ROSpec report goes out now. */
  stop(): void {
    if (this.spec.state !== RoSpecState.Active) return
    this.spec.state = RoSpecState.Inactive
    this.cancelRun()
    if (this.host.reportSpec(this.spec).trigger === ReportTrigger.EndOfROSpec) this.flush()
  }

  /** DISABLE_ROSPEC: back to Disabled, periodic starts cancelled. */
  disable(): void {
    this.stop()
    for (const t of this.periodicTimers) t.cancel()
    this.periodicTimers = []
    this.spec.state = RoSpecState.Disabled
  }

  /** Sends whatever is held (GET_REPORT, end of ROSpec). */
  flush(): void {
    if (this.held.size === 0) return
    const reads = [...this.held.values()]
    this.held = new Map()
    this.host.report(this.spec, reads)
  }

  /** Drops every timer and held read (DELETE_ROSPEC, reader reboot, stop()). */
  dispose(): void {
    this.disable()
    this.held.clear()
  }

  private cancelRun(): void {
    this.roundTimer?.cancel()
    this.stopTimer?.cancel()
    this.roundTimer = undefined
    this.stopTimer = undefined
  }

  /** End of one AISpec round ("Reports", ROReportTrigger): report now, after N tags, or hold. */
  private round(): void {
    const reads = this.host.inventory(this.spec)
    const report = this.host.reportSpec(this.spec)
    if (report.trigger === ReportTrigger.EndOfAISpec && report.n === 0) {
      // One report per round, even an empty one: an empty cabinet looks different from a silent reader.
      this.held.clear()
      const merged = new Map<string, TagRead>()
      mergeReads(merged, reads)
      this.host.report(this.spec, [...merged.values()])
      return
    }
    mergeReads(this.held, reads)
    if (report.n > 0 && report.trigger !== ReportTrigger.None) {
      while (this.held.size >= report.n) {
        const batch = [...this.held.entries()].slice(0, report.n)
        for (const [k] of batch) this.held.delete(k)
        this.host.report(
          this.spec,
          batch.map(([, r]) => r),
        )
      }
      if (report.trigger === ReportTrigger.EndOfAISpec) this.flush()
    }
  }
}
