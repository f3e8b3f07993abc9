import type { Component, Hospital, Registry, Unit } from './registry-types.js'

/** Fast look-ups over a registry: by component id and by Sparkplug binding (gateway, device). */
export interface RegistryIndex {
  readonly registry: Registry
  component(id: string): Component | undefined
  /** The component a Sparkplug (edge node, device) pair is bound to. */
  byBinding(gateway: string, device: string): Component | undefined
  hospital(id: string): Hospital | undefined
  unit(id: string): Unit | undefined
  /** Every component, in registry order. */
  components(): readonly Component[]
}

/** Indexes a validated registry once; look-ups are O(1). */
export function indexRegistry(registry: Registry): RegistryIndex {
  const components: Component[] = []
  const byId = new Map<string, Component>()
  const byBinding = new Map<string, Component>()
  const hospitals = new Map<string, Hospital>()
  const units = new Map<string, Unit>()
  for (const h of registry.hospitals) {
    hospitals.set(h.id, h)
    for (const u of h.units) {
      units.set(u.id, u)
      for (const s of u.sections) {
        for (const c of s.components) {
          components.push(c)
          byId.set(c.id, c)
          byBinding.set(`${c.binding.gateway}\u0000${c.binding.device}`, c)
        }
      }
    }
  }
  return {
    registry,
    component: (id) => byId.get(id),
    byBinding: (gateway, device) => byBinding.get(`${gateway}\u0000${device}`),
    hospital: (id) => hospitals.get(id),
    unit: (id) => units.get(id),
    components: () => components,
  }
}
