/**
 * Config schemas of RHN (house rule 5): YAML on disk, one zod schema per file kind, validated once
 * at start with no network; errors name the key path and the line; JSON Schema exported for editors.
 *
 * Conventions: durations are numbers with the unit in the key (`…Ms`, `…S`, `atHours`, `…Days`);
 * sizes are bytes (`maxBytes`); fractions are 0..1 and percentages say `Percent`; objects are strict.
 */
export {
  mqttBrokerSchema,
  backoffSchema,
  type ConfigProblem,
  type MqttBrokerConfig,
} from './common.js'
export {
  EdgeConfigSchema,
  edgeConfigProblems,
  parseEdgeConfig,
  type EdgeConfig,
  type EdgeConfigInput,
} from './edge.js'
export {
  edgeDeviceSchema,
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
  type EdgeDeviceConfig,
  type OpcuaDeviceConfig,
  type ModbusDeviceConfig,
  type LlrpDeviceConfig,
  type Hl7MllpDeviceConfig,
} from './edge-devices.js'
export {
  AggregatorConfigSchema,
  aggregatorConfigProblems,
  parseAggregatorConfig,
  ALARM_PRIORITIES,
  RULE_OPERATORS,
  API_ROLES,
  type AggregatorConfig,
  type AggregatorConfigInput,
} from './aggregator.js'
export { storeSchema, type StoreConfig, type SqliteStoreConfig, type InfluxdbStoreConfig } from './aggregator-store.js'
export { escalationSchema, type EscalationConfig } from './escalation.js'
export {
  LedgerConfigSchema,
  ledgerConfigProblems,
  parseLedgerConfig,
  GenesisSchema,
  genesisProblems,
  parseGenesis,
  quorumSize,
  ed25519PublicKeyBase64,
  type LedgerConfig,
  type LedgerConfigInput,
  type Genesis,
  type GenesisInput,
} from './ledger.js'
export {
  ScenarioSchema,
  scenarioProblems,
  parseScenario,
  admissionsPerHourAt,
  type Scenario,
  type ScenarioInput,
  type PerSeverity,
  type PerUnitType,
} from './scenario.js'
export { faultSchema, FAULT_TYPES, type FaultConfig } from './scenario-faults.js'
export { configJsonSchemas, renderJsonSchema, type ConfigSchemaFile } from './json-schema.js'
