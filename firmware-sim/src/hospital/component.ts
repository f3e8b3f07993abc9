import type { Component, ComponentKind, DeviceBinding } from '@rhn/protocols'
import type { Clock } from '../clock.js'

/** A metric value as devices serve it (catalogue datatypes: numbers, booleans, strings). */
export type MetricValue = number | boolean | string

/** A metric's value with the device-local time it was measured (already skewed by a clock-skew fault). */
export interface TimedValue {
  value: MetricValue
  /** Device clock at measurement, ms since 1970. */
  sourceTime: number
}

/** Called on every change of a metric (after stuck-sensor overrides). */
export type ChangeListener = (metric: string, value: TimedValue) => void

/** Reachability of a component on the ward network (a `network-drop` fault on one device). */
export type Reachability = 'up' | 'reset' | 'refuse'

/** Called when a fault changes whether the device answers (`powered`, `reachability`). */
export type StateListener = (component: SimComponent) => void

/**
 * One simulated component (bed, ventilator, PPE cabinet, ADT feed): the ground truth of its catalogue
 * metrics, plus the faults that hit it. The hospital model and device dynamics write values here;
 * protocol servers (OPC UA, Modbus, LLRP, MLLP) read them and show faults as the real device would.
 */
export class SimComponent {
  readonly id: string
  readonly kind: ComponentKind
  readonly hospitalId: string
  readonly unitId: string
  readonly sectionId: string
  readonly binding: DeviceBinding
  /** False while a `device-power-off` fault lasts: the device does not answer at all. */
  powered = true
  /** Per-device network state while a `network-drop` fault on this device lasts. */
  reachability: Reachability = 'up'
  /** Added to every timestamp the device reports (`clock-skew` fault), ms. */
  clockSkewMs = 0

  private readonly values = new Map<string, TimedValue>()
  private readonly stuck = new Map<string, MetricValue>()
  private readonly listeners = new Set<ChangeListener>()
  private readonly stateListeners = new Set<StateListener>()

  constructor(
    component: Component,
    private readonly clock: Clock,
  ) {
    this.id = component.id
    this.kind = component.kind
    this.hospitalId = component.hospitalId
    this.unitId = component.unitId
    this.sectionId = component.sectionId
    this.binding = component.binding
  }

  /** The device's own clock: virtual now plus any skew. */
  deviceTime(): number {
    return this.clock.now() + this.clockSkewMs
  }

  /** Current value of `metric` (a stuck sensor keeps returning its stuck value). */
  get(metric: string): MetricValue | undefined {
    return this.stuck.get(metric) ?? this.values.get(metric)?.value
  }

  /** Current value with its source time. */
  read(metric: string): TimedValue | undefined {
    const v = this.values.get(metric)
    const stuck = this.stuck.get(metric)
    if (stuck !== undefined) return { value: stuck, sourceTime: v?.sourceTime ?? this.deviceTime() }
    return v
  }

  /** Every metric with a value, for births and inventories. */
  metrics(): string[] {
    return [...new Set([...this.values.keys(), ...this.stuck.keys()])]
  }

  /** Records a measurement; listeners hear it unless the sensor is stuck on this metric. */
  set(metric: string, value: MetricValue): void {
    const prev = this.values.get(metric)
    const timed = { value, sourceTime: this.deviceTime() }
    this.values.set(metric, timed)
    if (this.stuck.has(metric) || (prev !== undefined && prev.value === value)) return
    for (const l of this.listeners) l(metric, timed)
  }

  /** `sensor-stuck` fault: `metric` reads `value` until {@link unstick}. */
  stick(metric: string, value: MetricValue): void {
    this.stuck.set(metric, value)
    for (const l of this.listeners) l(metric, { value, sourceTime: this.deviceTime() })
  }

  /** Ends a `sensor-stuck` fault; the live value shows again. */
  unstick(metric: string): void {
    if (!this.stuck.delete(metric)) return
    const v = this.values.get(metric)
    if (v !== undefined) for (const l of this.listeners) l(metric, v)
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** `device-power-off` fault and recovery; state listeners hear it (servers drop or restore connections). */
  setPowered(on: boolean): void {
    if (this.powered === on) return
    this.powered = on
    for (const l of this.stateListeners) l(this)
  }

  /** `network-drop` fault on this one device, and recovery. */
  setReachability(state: Reachability): void {
    if (this.reachability === state) return
    this.reachability = state
    for (const l of this.stateListeners) l(this)
  }

  /** Subscribes to power and reachability changes; returns the unsubscribe function. */
  onStateChange(listener: StateListener): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /** True when a client can talk to it now (powered and reachable). */
  answers(): boolean {
    return this.powered && this.reachability === 'up'
  }
}
