/**
 * The simulated hospital's places: per unit its beds, ventilators and PPE cabinets, built from the
 * registry and the components that are simulated. Free-bed and free-ventilator search lives here.
 */
import type { Component, Hospital, Unit, UnitType } from '@rhn/protocols'
import type { Clock } from '../clock.js'
import { createRng } from '../rng.js'
import { CabinetInventory } from './cabinet.js'
import type { SimComponent } from './component.js'
import { VentilatorDynamics } from './ventilator.js'

/** A bed and who lies in it (a patient key), if anyone. */
export interface BedSlot {
  readonly id: string
  readonly unitId: string
  readonly component: SimComponent
  readonly ventilatorCapable: boolean
  occupant: string | undefined
}

/** A ventilator and whose patient it ventilates, if anyone. */
export interface VentilatorSlot {
  readonly id: string
  readonly unitId: string
  readonly dynamics: VentilatorDynamics
  user: string | undefined
}

/** One unit's simulated equipment. */
export interface UnitPlaces {
  readonly unit: Unit
  readonly beds: readonly BedSlot[]
  readonly ventilators: readonly VentilatorSlot[]
  readonly cabinets: readonly CabinetInventory[]
}

/** What building a layout needs. */
export interface LayoutComponents {
  hospital: Hospital
  components: ReadonlyMap<string, SimComponent>
  clock: Clock
  seed: number
  ventilatorSampleMs: number
}

/** Units in registry order, with their places. */
export class HospitalLayout {
  readonly units: readonly UnitPlaces[]
  readonly cabinets: readonly CabinetInventory[]
  readonly ventilators: readonly VentilatorSlot[]
  readonly beds: readonly BedSlot[]
  /** Patient-flow (ADT feed) components of the hospital. */
  readonly feeds: readonly SimComponent[]
  private readonly byUnit = new Map<string, UnitPlaces>()

  constructor(c: LayoutComponents) {
    const units: UnitPlaces[] = []
    const feeds: SimComponent[] = []
    for (const unit of c.hospital.units) {
      const beds: BedSlot[] = []
      const ventilators: VentilatorSlot[] = []
      const cabinets: CabinetInventory[] = []
      for (const section of unit.sections) {
        for (const reg of section.components) {
          const sim = c.components.get(reg.id)
          if (sim === undefined) continue
          this.add(reg, sim, c, { beds, ventilators, cabinets, feeds })
        }
      }
      const places: UnitPlaces = { unit, beds, ventilators, cabinets }
      units.push(places)
      this.byUnit.set(unit.id, places)
    }
    this.units = units
    this.feeds = feeds
    this.beds = units.flatMap((u) => u.beds)
    this.ventilators = units.flatMap((u) => u.ventilators)
    this.cabinets = units.flatMap((u) => u.cabinets)
  }

  /** The unit with this id (throws for an unknown id: a model bug, not a user error). */
  unit(id: string): UnitPlaces {
    const u = this.byUnit.get(id)
    if (u === undefined) throw new RangeError(`unknown unit ${id}`)
    return u
  }

  /** Units of a type, in registry order. */
  unitsOfType(type: UnitType): UnitPlaces[] {
    return this.units.filter((u) => u.unit.type === type)
  }

  /** Where patients board: the first ED, else the first unit (a hospital without an ED still needs a front door). */
  boardingUnit(): UnitPlaces {
    const u = this.unitsOfType('ed')[0] ?? this.units[0]
    if (u === undefined) throw new RangeError('hospital has no units')
    return u
  }

  /**
   * A free bed in the first unit type of `chain` that has one. Among units of one type the one with
   * the most free beds wins (spreads load as bed managers do); ventilated patients prefer beds
   * rated for ventilation.
   */
  findBed(chain: readonly UnitType[], wantsVentilation: boolean): BedSlot | undefined {
    for (const type of chain) {
      let best: { free: BedSlot[]; n: number } | undefined
      for (const u of this.unitsOfType(type)) {
        const free = u.beds.filter((b) => b.occupant === undefined)
        if (free.length > 0 && (best === undefined || free.length > best.n)) best = { free, n: free.length }
      }
      if (best !== undefined) return (wantsVentilation ? best.free.find((b) => b.ventilatorCapable) : undefined) ?? best.free[0]
    }
    return undefined
  }

  /** A free ventilator: in `unitId` first, then other units in `lenders` order. */
  findVentilator(unitId: string, lenders: readonly UnitType[]): VentilatorSlot | undefined {
    const own = this.byUnit.get(unitId)?.ventilators.find((v) => v.user === undefined)
    if (own !== undefined) return own
    for (const type of lenders) {
      for (const u of this.unitsOfType(type)) {
        const v = u.ventilators.find((x) => x.user === undefined)
        if (v !== undefined) return v
      }
    }
    return undefined
  }

  private add(
    reg: Component,
    sim: SimComponent,
    c: LayoutComponents,
    into: { beds: BedSlot[]; ventilators: VentilatorSlot[]; cabinets: CabinetInventory[]; feeds: SimComponent[] },
  ): void {
    switch (reg.kind) {
      case 'bed':
        into.beds.push({ id: reg.id, unitId: reg.unitId, component: sim, ventilatorCapable: reg.capacity.ventilatorCapable, occupant: undefined })
        break
      case 'ventilator': {
        const rng = createRng(c.seed, `ventilator/${reg.id}`)
        const dynamics = new VentilatorDynamics({ component: sim, clock: c.clock, rng }, { sampleMs: c.ventilatorSampleMs })
        into.ventilators.push({ id: reg.id, unitId: reg.unitId, dynamics, user: undefined })
        break
      }
      case 'ppe-cabinet':
        into.cabinets.push(new CabinetInventory({ component: sim, stock: reg.capacity.ppe, clock: c.clock }))
        break
      case 'patient-flow':
        into.feeds.push(sim)
        break
    }
  }
}
