/**
 * The asset model: the seed paper's decomposition of healthcare systems (Table 1) mapped onto
 * RHN's twin hierarchy. Pure data, shared by the registry, the twin and the region.
 */

/**
 * Levels of the hierarchy, top down. The seed's names, in the same order:
 * system-of-systems ▸ system ▸ sub-system ▸ asset section ▸ component.
 */
export const ASSET_LEVELS = ['region', 'hospital', 'unit', 'section', 'component'] as const
export type AssetLevel = (typeof ASSET_LEVELS)[number]

/** The seed paper's name for each level (Table 1), shown beside ours in the UI and docs. */
export const SEED_LEVEL_NAMES: Readonly<Record<AssetLevel, string>> = {
  region: 'system-of-systems',
  hospital: 'system',
  unit: 'sub-system',
  section: 'asset section',
  component: 'component',
}

/**
 * Unit types: the clinical areas capacity is reported by.
 * ICU = intensive care (level 3), HDU = high dependency (level 2), ED = emergency department.
 */
export const UNIT_TYPES = ['icu', 'hdu', 'ed', 'ward', 'theatre', 'isolation'] as const
export type UnitType = (typeof UNIT_TYPES)[number]

/** Component kinds: what a device binding delivers. */
export const COMPONENT_KINDS = ['bed', 'ventilator', 'ppe-cabinet', 'patient-flow'] as const
export type ComponentKind = (typeof COMPONENT_KINDS)[number]

/**
 * Resource classes (seed §2): renewable resources have a capacity per period (H2: fixed);
 * consumable resources have a stock and a burn rate (H3: constant supply).
 */
export const RESOURCE_CLASSES = ['renewable', 'consumable'] as const
export type ResourceClass = (typeof RESOURCE_CLASSES)[number]

/** The resources RHN counts, each with its class. */
export const RESOURCES = {
  beds: 'renewable',
  ventilators: 'renewable',
  staff: 'renewable',
  ppe: 'consumable',
} as const satisfies Record<string, ResourceClass>
export type Resource = keyof typeof RESOURCES

/** Which resource a component kind provides, if any (a patient-flow feed provides none: it measures demand). */
export const RESOURCE_OF_KIND: Readonly<Record<ComponentKind, Resource | undefined>> = {
  bed: 'beds',
  ventilator: 'ventilators',
  'ppe-cabinet': 'ppe',
  'patient-flow': undefined,
}

/** Device protocols a component can be bound through (DESIGN.md "The five layers"). */
export const DEVICE_PROTOCOLS = ['opcua', 'modbus', 'llrp', 'hl7-mllp'] as const
export type DeviceProtocol = (typeof DEVICE_PROTOCOLS)[number]

/** The protocols each kind may be read over. */
export const PROTOCOLS_OF_KIND: Readonly<Record<ComponentKind, readonly DeviceProtocol[]>> = {
  bed: ['modbus'],
  ventilator: ['opcua', 'modbus'],
  'ppe-cabinet': ['llrp'],
  'patient-flow': ['hl7-mllp'],
}

/** PPE item types carried in RFID cabinets. */
export const PPE_ITEMS = ['ffp3-mask', 'fluid-resistant-mask', 'gown', 'gloves', 'visor', 'apron'] as const
export type PpeItem = (typeof PPE_ITEMS)[number]

/** Clinical severity of a patient's condition (drives demand, seed H1). */
export const SEVERITIES = ['mild', 'severe', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

/** NHS OPEL escalation levels: 1 = steady state … 4 = extreme pressure. */
export const OPEL_LEVELS = [1, 2, 3, 4] as const
export type OpelLevel = (typeof OPEL_LEVELS)[number]
