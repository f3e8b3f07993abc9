/**
 * One ventilator's behaviour: breath by breath it writes measured values around the settings of
 * the patient on it, keeps its power and battery state, and raises the four catalogue alarms.
 * Protocol servers (OPC UA, Modbus) only read its {@link SimComponent}.
 */
import { VENTILATOR_ALARMS } from '@rhn/protocols'
import type { Clock, TimerHandle } from '../clock.js'
import type { Rng } from '../rng.js'
import type { SimComponent } from './component.js'
import { clamp, round1 } from './draws.js'
import { airwayPressures, DEFAULT_SETTINGS, type RespiratoryMechanics, type VentilatorSettings } from './ventilation.js'

/** One of the catalogue's ventilator alarms. */
export type VentilatorAlarm = (typeof VENTILATOR_ALARMS)[number]

/** What a ventilator needs. */
export interface VentilatorDynamicsComponents {
  component: SimComponent
  clock: Clock
  /** This ventilator's own stream, e.g. `createRng(seed, 'rxa-icu-bay-a-vent-01')`. */
  rng: Rng
}

/** Options; every field is optional. */
export interface VentilatorDynamicsInit {
  /** Write measurements at most this often, virtual ms (default 0: every breath). */
  sampleMs?: number
  /** HighPressure alarm limit, cmH2O (default {@link DEFAULT_HIGH_PRESSURE_LIMIT}). */
  highPressureLimit?: number
  /** Mean circuit disconnections per ventilated day (default {@link DEFAULT_DISCONNECTIONS_PER_DAY}). */
  disconnectionsPerDay?: number
  /** Minutes a full battery lasts (default {@link DEFAULT_BATTERY_MINUTES}). */
  batteryMinutes?: number
}

/** 40 cmH2O: the usual default high-pressure limit (set ~10 above peak, capped to protect the lung). */
export const DEFAULT_HIGH_PRESSURE_LIMIT = 40
/** LowTidalVolume fires below 70 % of the set volume (a leak or a kinked/partly blocked tube). */
export const LOW_TIDAL_VOLUME_FRACTION = 0.7
/** LowBattery below 20 % charge. */
export const LOW_BATTERY_PERCENT = 20
/** Disconnections are rare on a closed suction circuit: about one every two ventilated days. */
export const DEFAULT_DISCONNECTIONS_PER_DAY = 0.5
/** Coughs, secretions and asynchrony push single breaths over the limit about once every two hours. */
const PRESSURE_SPIKES_PER_HOUR = 0.5
/** ICU ventilators run about 1–2 h on internal batteries (manufacturer data sheets); 90 min here. */
export const DEFAULT_BATTERY_MINUTES = 90
/** Recharge on mains, % per minute (full from empty in a little over 3 h). */
const CHARGE_PERCENT_PER_MIN = 0.5

const MIN_MS = 60_000
const DAY_MS = 86_400_000

/** Identities by protocol: OPC UA ventilators are current models, Modbus ones older models behind a converter. */
const MODELS: Readonly<Record<'opcua' | 'legacy', readonly { manufacturer: string; model: string; prefix: string }[]>> = {
  opcua: [
    { manufacturer: 'Hamilton Medical', model: 'HAMILTON-C6', prefix: 'HC6' },
    { manufacturer: 'Dräger', model: 'Evita V800', prefix: 'EV8' },
    { manufacturer: 'Getinge', model: 'Servo-u', prefix: 'SVU' },
  ],
  legacy: [
    { manufacturer: 'Dräger', model: 'Evita XL', prefix: 'EXL' },
    { manufacturer: 'Medtronic', model: 'Puritan Bennett 840', prefix: 'PB8' },
    { manufacturer: 'Maquet', model: 'Servo-i', prefix: 'SVI' },
  ],
}

const MEASURED = ['RespiratoryRate', 'TidalVolume', 'PEEP', 'FiO2', 'PeakPressure', 'PlateauPressure', 'MinuteVolume', 'IERatio'] as const

/** Breath-by-breath behaviour of one ventilator. */
export class VentilatorDynamics {
  readonly id: string
  private readonly c: SimComponent
  private readonly clock: Clock
  private readonly rng: Rng
  private readonly sampleMs: number
  private readonly highPressureLimit: number
  private readonly disconnectionsPerDay: number
  private readonly batteryMinutes: number
  private readonly identity: { manufacturer: string; model: string; serial: string }
  private readonly timers = new Set<TimerHandle>()
  private readonly active = new Map<VentilatorAlarm, boolean>()
  private current: { settings: VentilatorSettings; mechanics: RespiratoryMechanics } | undefined
  private settingsShown: VentilatorSettings = DEFAULT_SETTINGS
  private breathTimer: TimerHandle | undefined
  private batteryTimer: TimerHandle | undefined
  private disconnectedUntil = -Infinity
  private battery = 100
  private onBatteryPower = false

  constructor(components: VentilatorDynamicsComponents, init: VentilatorDynamicsInit = {}) {
    this.c = components.component
    this.clock = components.clock
    this.rng = components.rng
    this.id = this.c.id
    this.sampleMs = init.sampleMs ?? 0
    this.highPressureLimit = init.highPressureLimit ?? DEFAULT_HIGH_PRESSURE_LIMIT
    this.disconnectionsPerDay = init.disconnectionsPerDay ?? DEFAULT_DISCONNECTIONS_PER_DAY
    this.batteryMinutes = init.batteryMinutes ?? DEFAULT_BATTERY_MINUTES
    // Drawn once: a ventilator keeps its identity however often it is started.
    const m = this.rng.pick(this.c.binding.protocol === 'opcua' ? MODELS.opcua : MODELS.legacy)
    this.identity = { manufacturer: m.manufacturer, model: m.model, serial: `${m.prefix}${String(this.rng.int(1_000_000)).padStart(6, '0')}` }
  }

  /** True while a patient is on it (mode is not standby). */
  get inUse(): boolean {
    return this.current !== undefined
  }

  /** The settings of the patient on it, if any. */
  get settings(): VentilatorSettings | undefined {
    return this.current?.settings
  }

  /** Writes identity, power source, battery level, cleared alarms and standby (the state after power-on). */
  start(): void {
    this.c.set('Identity/Manufacturer', this.identity.manufacturer)
    this.c.set('Identity/Model', this.identity.model)
    this.c.set('Identity/SerialNumber', this.identity.serial)
    this.c.set('Status/PowerSource', 'mains')
    this.c.set('Status/BatteryLevel', this.battery)
    for (const a of VENTILATOR_ALARMS) {
      this.active.set(a, false)
      this.c.set(`Alarms/${a}/Active`, false)
      this.c.set(`Alarms/${a}/Acknowledged`, false)
    }
    this.standby()
  }

  /** A patient goes on: apply the settings and start breathing. */
  ventilate(settings: VentilatorSettings, mechanics: RespiratoryMechanics): void {
    this.current = { settings, mechanics }
    this.writeSettings(settings)
    this.c.set('Status/OperatingMode', settings.mode)
    this.breathTimer?.cancel()
    this.breath()
  }

  /** The patient comes off: mode standby, measured values 0, settings kept as the device keeps them. */
  standby(): void {
    this.current = undefined
    this.breathTimer?.cancel()
    this.breathTimer = undefined
    this.disconnectedUntil = -Infinity
    this.writeSettings(this.settingsShown)
    this.c.set('Status/OperatingMode', 'standby')
    for (const m of MEASURED) this.c.set(`Ventilation/${m}`, 0)
    for (const a of ['HighPressure', 'LowTidalVolume', 'Disconnection'] as const) this.setAlarm(a, false)
  }

  /** Mains failure (`on`) or restored: the battery drains, then recharges. */
  onBattery(on: boolean): void {
    this.onBatteryPower = on
    this.c.set('Status/PowerSource', on ? 'battery' : 'mains')
    if (this.batteryTimer === undefined) this.batteryTimer = this.clock.setInterval(() => this.batteryStep(), MIN_MS)
  }

  /** Staff acknowledge one alarm, or every active one. */
  acknowledge(alarm?: VentilatorAlarm): void {
    for (const a of alarm === undefined ? VENTILATOR_ALARMS : [alarm]) {
      if (alarm !== undefined || this.active.get(a) === true) this.c.set(`Alarms/${a}/Acknowledged`, true)
    }
  }

  /** `alarm-burst` fault: `count` activations, `intervalMs` apart, cycling through the patient alarms; each clears halfway. */
  alarmBurst(count: number, intervalMs: number): void {
    const kinds = ['HighPressure', 'LowTidalVolume', 'Disconnection'] as const
    for (let i = 0; i < count; i++) {
      const alarm = kinds[i % kinds.length]!
      this.after(i * intervalMs, () => this.setAlarm(alarm, true))
      this.after(i * intervalMs + intervalMs / 2, () => this.setAlarm(alarm, false))
    }
  }

  /** Cancels every timer; values stay as they are. */
  stop(): void {
    this.breathTimer?.cancel()
    this.batteryTimer?.cancel()
    this.breathTimer = undefined
    this.batteryTimer = undefined
    for (const t of this.timers) t.cancel()
    this.timers.clear()
  }

  private writeSettings(s: VentilatorSettings): void {
    this.settingsShown = s
    this.c.set('Settings/RespiratoryRate', s.respiratoryRate)
    this.c.set('Settings/TidalVolume', s.tidalVolumeMl)
    this.c.set('Settings/PEEP', s.peepCmH2O)
    this.c.set('Settings/FiO2', s.fio2Percent)
  }

  /** One breath (or one sample of several): write values, evaluate alarms, schedule the next. */
  private breath(): void {
    const cur = this.current
    if (cur === undefined) return
    const { settings: s, mechanics } = cur
    const periodMs = Math.max((MIN_MS / s.respiratoryRate) * (1 + this.rng.normal(0, 0.02)), this.sampleMs)
    const now = this.clock.now()
    if (now >= this.disconnectedUntil && this.rng.chance((this.disconnectionsPerDay * periodMs) / DAY_MS)) {
      // A disconnection lasts until someone reconnects the circuit: 5–30 s on a staffed ICU.
      const lastsMs = this.rng.uniform(5_000, 30_000)
      this.disconnectedUntil = now + lastsMs
      this.after(lastsMs, () => {
        // Reconnected: the next breath comes now, replacing the one already scheduled.
        this.breathTimer?.cancel()
        this.breath()
      })
    }
    const disconnected = now < this.disconnectedUntil
    if (disconnected) {
      // Gas escapes at the open wye: almost no returned volume, no PEEP, pressure stays near zero.
      this.writeMeasured({ rr: s.respiratoryRate, vt: this.rng.uniform(0, 20), peep: 0, fio2: s.fio2Percent, peak: this.rng.uniform(1, 3), plateau: 0, ie: s.ieRatio })
    } else {
      const vt = s.tidalVolumeMl * clamp(1 + this.rng.normal(0, 0.02), 0.95, 1.05)
      const p = airwayPressures(s, mechanics, vt)
      const spike = this.rng.chance((PRESSURE_SPIKES_PER_HOUR * periodMs) / 3_600_000) ? this.rng.uniform(8, 15) : 0
      this.writeMeasured({
        rr: s.respiratoryRate * clamp(1 + this.rng.normal(0, 0.02), 0.95, 1.05),
        vt,
        peep: s.peepCmH2O + this.rng.normal(0, 0.2),
        fio2: clamp(s.fio2Percent + this.rng.normal(0, 0.5), 21, 100),
        peak: p.peak + this.rng.normal(0, 0.3) + spike,
        plateau: p.plateau + this.rng.normal(0, 0.2),
        ie: s.ieRatio,
      })
    }
    this.breathTimer = this.clock.setTimeout(() => this.breath(), periodMs)
  }

  private writeMeasured(v: { rr: number; vt: number; peep: number; fio2: number; peak: number; plateau: number; ie: number }): void {
    const s = this.current!.settings
    const rr = round1(v.rr)
    const vt = Math.round(v.vt)
    const peak = round1(v.peak)
    this.c.set('Ventilation/RespiratoryRate', rr)
    this.c.set('Ventilation/TidalVolume', vt)
    this.c.set('Ventilation/PEEP', round1(Math.max(0, v.peep)))
    this.c.set('Ventilation/FiO2', round1(v.fio2))
    this.c.set('Ventilation/PeakPressure', peak)
    this.c.set('Ventilation/PlateauPressure', round1(Math.max(0, v.plateau)))
    // Minute volume = RR × VT, L/min.
    this.c.set('Ventilation/MinuteVolume', Math.round(rr * vt) / 1000)
    this.c.set('Ventilation/IERatio', v.ie)
    const disconnected = this.clock.now() < this.disconnectedUntil
    this.setAlarm('Disconnection', disconnected)
    this.setAlarm('HighPressure', peak > this.highPressureLimit)
    // Ventilators show the disconnection, not the low volume it causes, so LowTidalVolume is suppressed then.
    this.setAlarm('LowTidalVolume', !disconnected && vt < LOW_TIDAL_VOLUME_FRACTION * s.tidalVolumeMl)
  }

  private batteryStep(): void {
    const delta = this.onBatteryPower ? -100 / this.batteryMinutes : CHARGE_PERCENT_PER_MIN
    this.battery = clamp(this.battery + delta, 0, 100)
    this.c.set('Status/BatteryLevel', round1(this.battery))
    this.setAlarm('LowBattery', this.battery < LOW_BATTERY_PERCENT)
    if (!this.onBatteryPower && this.battery >= 100) {
      this.batteryTimer?.cancel()
      this.batteryTimer = undefined
    }
  }

  /** A new activation clears Acknowledged; clearing leaves Acknowledged as staff left it. */
  private setAlarm(alarm: VentilatorAlarm, on: boolean): void {
    if (this.active.get(alarm) === on) return
    this.active.set(alarm, on)
    if (on) this.c.set(`Alarms/${alarm}/Acknowledged`, false)
    this.c.set(`Alarms/${alarm}/Active`, on)
  }

  private after(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }
}
