/**
 * `@rhn/protocols` — the shared language of RHN. Pure code: nothing here does I/O at import.
 * Every export is used by at least two other packages (DESIGN.md "Package contracts").
 */
export { RhnError, ValidationError, formatIssue, type Issue } from './errors/error.js'
export { ProtocolError } from './errors/protocol-error.js'
export { UsageError, isUsageError, stopSignal, cliFailure, runCli, type CliInit } from './cli/support.js'
export {
  protocolErrors,
  simErrors,
  edgeErrors,
  aggregatorErrors,
  ledgerErrors,
  errorCatalogues,
  type ErrorCatalogue,
  type ProtocolErrorCode,
} from './errors/catalogue.js'
export { parseYamlLocated, loadYaml, validateLocated, formatPath, zodIssues, type LocatedDocument, type KeyPath } from './yaml/located.js'
export * from './asset/index.js'
export * from './metrics/index.js'
export * from './sparkplug/index.js'
export * from './registers/index.js'
export * from './opcua/index.js'
export * from './config/index.js'
export * from './hl7/index.js'
/** LLRP 1.0.1 binary codec shared by the simulated readers and the agent's driver, as one namespace (its names are generic: Msg, Param, Status…). */
export * as llrp from './llrp/index.js'
export * from './ledger/index.js'
