import type { ComponentAttribute, PpeStockLine } from './registry-schema.js'
import type { ComponentKind, DeviceProtocol, UnitType } from './model.js'

/** Where a component's data comes from: the Sparkplug edge node (gateway) and device ids. */
export interface DeviceBinding {
  gateway: string
  device: string
  protocol: DeviceProtocol
  /** Modbus unit id, when the device sits behind a Modbus gateway. */
  unitId?: number
}

/** Capacity a component contributes, with every default filled in. */
export interface ComponentCapacity {
  beds: number
  ventilators: number
  ventilatorCapable: boolean
  isolation: boolean
  ppe: readonly PpeStockLine[]
}

/** A component (asset) with its place in the tree. */
export interface Component {
  id: string
  name: string
  kind: ComponentKind
  binding: DeviceBinding
  capacity: ComponentCapacity
  attributes: readonly ComponentAttribute[]
  /** Seconds between reports before the twin marks the device stale. */
  expectedIntervalS: number
  hospitalId: string
  unitId: string
  sectionId: string
}

export interface Section {
  id: string
  name: string
  components: readonly Component[]
}

export interface Unit {
  id: string
  name: string
  type: UnitType
  staffPerShift: number
  flowsTo: readonly string[]
  sections: readonly Section[]
}

export interface Hospital {
  id: string
  name: string
  location?: { lat: number; lon: number }
  outbreakArea?: string
  specialisms: readonly string[]
  gateways: readonly { id: string; description?: string }[]
  units: readonly Unit[]
}

/** A validated registry with every series expanded and every default applied. */
export interface Registry {
  region: { id: string; name: string }
  hospitals: readonly Hospital[]
}
