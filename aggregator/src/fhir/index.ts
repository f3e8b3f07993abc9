/**
 * FHIR R4 views of the hospital twin (issue 5): Location tree, Device, DeviceMetric, Observation and
 * an HL7 SANER capacity MeasureReport, served under `/fhir/` by the API server.
 */
export { BED_STATUS, LOCATION_PHYSICAL_TYPE, MDC_SYSTEM, SANER, UCUM_SYSTEM, V2_0116, fhirId } from './codes.js'
export { locations, bedStatus } from './location.js'
export { devices, deviceMetrics, metricConcept, metricResourceId } from './device.js'
export { observations, assetObservations } from './observation.js'
export { capacityReport, measureReportId } from './measure-report.js'
export { FHIR_JSON, FHIR_TYPES, fhirResources, operationOutcome, registerFhirRoutes, type FhirComponents, type FhirType } from './routes.js'
export type { FhirResource, FhirReference } from './types.js'
