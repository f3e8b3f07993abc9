/**
 * One simulated hospital: patients arrive on the scenario's surge curve, take beds, ventilators and
 * PPE, step down and go home; every move is written to the device components and emitted as ADT.
 */
import { admissionsPerHourAt, SEVERITIES, type Scenario, type Severity } from '@rhn/protocols'
import type { Clock } from '../clock.js'
import { createRng, type Rng } from '../rng.js'
import { scheduleExitAlarms, writeEmptyBed } from './beds.js'
import type { CabinetInventory } from './cabinet.js'
import { pickWeighted } from './draws.js'
import { PatientFlowCounters } from './flow.js'
import { createPatient, drawCondition } from './identity.js'
import { HospitalLayout } from './layout.js'
import { type MoveDetails, PatientMoves } from './moves.js'
import { censusByUnit, drawBaselineStay, drawStay, type PatientState, type StayTimes } from './patients.js'
import { BASELINE_SEVERITY, DETERIORATION_CHANCE, IMPROVED, placementChain, STEP_DOWN_CHAIN } from './placement.js'
import { DEFAULT_PPE_STEP_MS, PpeSupply } from './ppe.js'
import { snapshotOf } from './snapshot.js'
import { TimerSet } from './timers.js'
import type { AdtEvent, AdtEventType, AdtListener, HospitalModelComponents, HospitalModelInit, HospitalSnapshot } from './types.js'
import type { VentilatorDynamics } from './ventilator.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** A blocked step-down (no HDU or ward bed) is retried hourly: a "delayed discharge" from critical care. */
const STEP_DOWN_RETRY_MS = HOUR_MS

/** The simulated hospital: ground truth for every device and the ADT feed. */
export class HospitalModel {
  readonly hospitalId: string
  private readonly scenario: Scenario
  private readonly clock: Clock
  private readonly layout: HospitalLayout
  private readonly timers: TimerSet
  private readonly flow: PatientFlowCounters
  private readonly ppe: PpeSupply
  private readonly moves: PatientMoves
  private readonly patients = new Map<string, PatientState>()
  private readonly listeners = new Set<AdtListener>()
  private readonly nhsNumbers = new Set<string>()
  private readonly rng: Record<'arrivals' | 'patients' | 'clinical' | 'census' | 'beds' | 'ventilation' | 'exits', Rng>
  private readonly ppeStepMs: number
  private readonly totals = { admissions: 0, discharges: 0, transfers: 0 }
  private seq = 0
  private started = false

  constructor(components: HospitalModelComponents, init: HospitalModelInit = {}) {
    const { hospital, scenario, clock, seed } = components
    this.hospitalId = hospital.id
    this.scenario = scenario
    this.clock = clock
    this.timers = new TimerSet(clock)
    this.layout = new HospitalLayout({ hospital, components: components.components, clock, seed, ventilatorSampleMs: init.ventilatorSampleMs ?? 0 })
    const stream = (name: string) => createRng(seed, `${hospital.id}/${name}`)
    this.rng = {
      arrivals: stream('arrivals'),
      patients: stream('patients'),
      clinical: stream('clinical'),
      census: stream('census'),
      beds: stream('beds'),
      ventilation: stream('ventilation'),
      exits: stream('exits'),
    }
    this.flow = new PatientFlowCounters(this.layout.feeds, clock)
    this.ppe = new PpeSupply(this.layout, scenario, stream('ppe'))
    this.ppeStepMs = init.ppeStepMs ?? DEFAULT_PPE_STEP_MS
    this.moves = new PatientMoves({
      layout: this.layout,
      patients: this.patients,
      rng: { beds: this.rng.beds, ventilation: this.rng.ventilation },
      flow: this.flow,
      totals: this.totals,
      emit: (type, p, details) => this.emit(type, p, details),
    })
  }

  /** Subscribes to ADT events (register before `start()` to hear the initial census); returns the unsubscribe function. */
  onAdt(listener: AdtListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The dynamics of a ventilator of this hospital (for faults: `onBattery`, `alarmBurst`, `acknowledge`). */
  ventilator(id: string): VentilatorDynamics | undefined {
    return this.layout.ventilators.find((v) => v.id === id)?.dynamics
  }

  /** Every ventilator's dynamics, in registry order. */
  ventilators(): readonly VentilatorDynamics[] {
    return this.layout.ventilators.map((v) => v.dynamics)
  }

  /** A PPE cabinet of this hospital (for the LLRP reader). */
  cabinet(id: string): CabinetInventory | undefined {
    return this.layout.cabinets.find((c) => c.id === id)
  }

  /** Every PPE cabinet, in registry order. */
  cabinets(): readonly CabinetInventory[] {
    return this.layout.cabinets
  }

  /** Writes the initial state (empty beds, ventilators on standby, stocked cabinets, the baseline census) and schedules everything. */
  start(): void {
    if (this.started) return
    this.started = true
    for (const b of this.layout.beds) writeEmptyBed(b.component)
    for (const v of this.layout.ventilators) v.dynamics.start()
    this.ppe.fillInitial()
    this.admitBaseline()
    this.flow.publish()
    this.scheduleArrivals()
    this.timers.every(this.ppeStepMs, () => this.ppe.step(this.ppeStepMs, censusByUnit(this.patients.values())))
    for (const d of this.scenario.deliveries) {
      const mine = d.hospital === this.hospitalId || (d.cabinet !== undefined && this.cabinet(d.cabinet) !== undefined)
      const inMs = d.atHours * HOUR_MS - this.clock.elapsedMs()
      if (mine && inMs >= 0) this.timers.after(inMs, () => this.ppe.deliver(d))
    }
    scheduleExitAlarms(this.timers, this.rng.exits, this.layout.beds, (key) => this.patients.get(key)?.ventilator !== undefined)
    // Daily counters restart at midnight even when nothing happens then.
    this.timers.after(DAY_MS - (this.clock.now() % DAY_MS), () => {
      this.flow.publish()
      this.timers.every(DAY_MS, () => this.flow.publish())
    })
  }

  /** Cancels every timer the model and its ventilators set; values stay as they are. */
  stop(): void {
    this.timers.cancelAll()
    for (const v of this.layout.ventilators) v.dynamics.stop()
  }

  /** Pending timers of the model itself (not its ventilators): 0 after `stop()`. */
  pendingTimers(): number {
    return this.timers.size
  }

  /** The truth now: per unit beds, ventilators, boarding, census and PPE; hospital totals. */
  snapshot(): HospitalSnapshot {
    return snapshotOf(this.hospitalId, this.clock.now(), this.layout, this.patients.values(), this.ppe.unmet, this.totals)
  }

  /** Patients already in at start: each unit filled to its baseline occupancy with a case mix fitting the unit. */
  private admitBaseline(): void {
    const now = this.clock.now()
    for (const u of this.layout.units) {
      const type = u.unit.type
      const beds = [...u.beds]
      for (let i = beds.length - 1; i > 0; i--) {
        const j = this.rng.census.int(i + 1)
        ;[beds[i], beds[j]] = [beds[j]!, beds[i]!]
      }
      const n = Math.round(beds.length * this.scenario.baselineOccupancy[type])
      for (const bed of beds.slice(0, n)) {
        const severity = pickWeighted(this.rng.census, BASELINE_SEVERITY[type], SEVERITIES)
        const stay = drawBaselineStay(this.rng.census, this.scenario, severity, type, now)
        const p = this.newPatient(severity, stay, type === 'ed' ? 'E' : 'I', [type])
        this.moves.place(p, bed)
        this.moves.assignVentilator(p)
        this.emit('A01', p, { initial: true })
        this.flow.admitted(severity, true)
      }
    }
  }

  /** Non-homogeneous Poisson arrivals by thinning (Lewis & Shedler 1979) against the curve's peak rate. */
  private scheduleArrivals(): void {
    const peak = Math.max(...this.scenario.surge.map((p) => p.admissionsPerHour))
    if (!(peak > 0)) return
    const next = () => {
      this.timers.after(this.rng.arrivals.exponential(HOUR_MS / peak), () => {
        const rate = admissionsPerHourAt(this.scenario.surge, this.clock.elapsedMs() / HOUR_MS)
        if (this.rng.arrivals.next() * peak < rate) this.admit()
        next()
      })
    }
    next()
  }

  /** A new admission: severity from the mix, placed down the fallback chain, else boarding in ED. */
  private admit(): void {
    const severity = pickWeighted(this.rng.clinical, this.scenario.severityMix, SEVERITIES)
    const stay = drawStay(this.rng.clinical, this.scenario, severity, this.clock.now())
    const chain = placementChain(this.scenario, severity)
    const p = this.newPatient(severity, stay, 'I', chain)
    const bed = this.layout.findBed(chain, p.needsVentilator)
    if (bed !== undefined) this.moves.place(p, bed)
    else this.moves.board(p)
    this.moves.assignVentilator(p)
    this.emit('A01', p)
    this.flow.admitted(severity)
    this.totals.admissions++
    if (severity === 'mild' && this.rng.clinical.chance(DETERIORATION_CHANCE)) {
      this.timers.after(this.rng.clinical.uniform(0.1, 0.6) * (stay.dischargeAt - stay.admittedAt), () => this.changeSeverity(p, 'severe'))
    }
  }

  private newPatient(severity: Severity, stay: StayTimes, patientClass: 'E' | 'I', wants: PatientState['wants']): PatientState {
    const seq = ++this.seq
    const p: PatientState = {
      identity: createPatient(this.rng.patients, this.hospitalId, seq, Math.round(stay.admittedAt), this.nhsNumbers),
      condition: drawCondition(this.rng.patients),
      seq,
      severity,
      patientClass,
      unitId: this.layout.boardingUnit().unit.id,
      bed: undefined,
      boarding: false,
      wants,
      needsVentilator: this.rng.clinical.chance(this.scenario.ventilatorNeed[severity]),
      ventilator: undefined,
      dischargeAt: stay.dischargeAt,
      stepDownAt: stay.stepDownAt,
    }
    this.patients.set(p.identity.key, p)
    const now = this.clock.now()
    if (p.stepDownAt !== undefined) this.timers.after(p.stepDownAt - now, () => this.stepDown(p))
    this.timers.after(p.dischargeAt - now, () => this.discharge(p))
    return p
  }

  /** Severity improves: weaned off the ventilator, then moved to a step-down bed if the current unit is no longer right. */
  private stepDown(p: PatientState): void {
    const to = IMPROVED[p.severity]
    if (!this.patients.has(p.identity.key) || to === undefined) return
    p.needsVentilator = false
    this.moves.releaseVentilator(p)
    this.changeSeverity(p, to)
    if (p.boarding) p.wants = placementChain(this.scenario, to)
    this.tryStepDownMove(p)
  }

  private tryStepDownMove(p: PatientState): void {
    if (!this.patients.has(p.identity.key)) return
    if (p.boarding) return this.moves.fillBeds()
    const chain = STEP_DOWN_CHAIN[p.severity]
    if (chain.includes(this.layout.unit(p.unitId).unit.type)) return
    const bed = this.layout.findBed(chain, false)
    if (bed !== undefined) this.moves.transfer(p, bed)
    else if (this.clock.now() + STEP_DOWN_RETRY_MS < p.dischargeAt) this.timers.after(STEP_DOWN_RETRY_MS, () => this.tryStepDownMove(p))
  }

  private changeSeverity(p: PatientState, to: Severity): void {
    if (!this.patients.has(p.identity.key) || p.severity === to) return
    const from = p.severity
    p.severity = to
    this.moves.writeBed(p)
    this.flow.severityChanged(from, to)
    this.emit('A08', p)
  }

  private discharge(p: PatientState): void {
    if (!this.patients.has(p.identity.key)) return
    const fromUnit = p.unitId
    const fromBedId = p.bed?.id ?? ''
    this.moves.releaseVentilator(p)
    this.moves.vacate(p)
    this.patients.delete(p.identity.key)
    this.emit('A03', p, { fromUnit, fromBedId, bedId: fromBedId })
    this.flow.discharged(p.severity)
    this.totals.discharges++
    this.moves.fillBeds()
  }

  private emit(type: AdtEventType, p: PatientState, extra: MoveDetails = {}): void {
    const event: AdtEvent = {
      type,
      at: Math.round(this.clock.now()),
      hospitalId: this.hospitalId,
      patient: p.identity,
      patientClass: p.patientClass,
      ...(extra.fromUnit === undefined ? {} : { fromUnit: extra.fromUnit, fromBedId: extra.fromBedId ?? '' }),
      toUnit: p.unitId,
      bedId: extra.bedId ?? p.bed?.id ?? '',
      severity: p.severity,
      condition: p.condition,
      ventilated: p.ventilator !== undefined,
      boarding: p.boarding,
      initial: extra.initial ?? false,
    }
    for (const l of this.listeners) l(event)
  }
}
