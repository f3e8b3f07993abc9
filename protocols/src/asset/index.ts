// Public surface of the asset model and registry.
export {
  ASSET_LEVELS,
  SEED_LEVEL_NAMES,
  UNIT_TYPES,
  COMPONENT_KINDS,
  RESOURCE_CLASSES,
  RESOURCES,
  RESOURCE_OF_KIND,
  DEVICE_PROTOCOLS,
  PROTOCOLS_OF_KIND,
  PPE_ITEMS,
  SEVERITIES,
  OPEL_LEVELS,
  type AssetLevel,
  type UnitType,
  type ComponentKind,
  type ResourceClass,
  type Resource,
  type DeviceProtocol,
  type PpeItem,
  type Severity,
  type OpelLevel,
} from './model.js'
export {
  RegistryFileSchema,
  AssetIdSchema,
  OdsCodeSchema,
  GtinSchema,
  isValidGtin,
  type RegistryFile,
  type ComponentEntry,
  type PpeStockLine,
  type ComponentAttribute,
} from './registry-schema.js'
export type { Registry, Hospital, Unit, Section, Component, ComponentCapacity, DeviceBinding } from './registry-types.js'
export { parseRegistry, checkRegistry, expandRegistry, entryIds, DEFAULT_EXPECTED_INTERVAL_S } from './registry.js'
export { buildAssetTree, capacityByUnitType, emptyCapacity, addCapacity, walkTree, type AssetNode, type CapacitySummary } from './tree.js'
export { indexRegistry, type RegistryIndex } from './lookup.js'
export { formatAssetTree, formatCapacity, type FormatTreeInit } from './format.js'
