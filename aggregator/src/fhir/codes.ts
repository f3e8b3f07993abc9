/**
 * Code systems and canonical URLs the FHIR views use, each with where it comes from.
 */
import { createHash } from 'node:crypto'

/** FHIR R4 `Location.physicalType` codes (terminology.hl7.org CodeSystem location-physical-type). */
export const LOCATION_PHYSICAL_TYPE = 'http://terminology.hl7.org/CodeSystem/location-physical-type'
/** HL7 v2 table 0116 "Bed Status" (FHIR R4 `Location.operationalStatus` binding). */
export const V2_0116 = 'http://terminology.hl7.org/CodeSystem/v2-0116'
/** HL7 v3 RoleCode: service delivery location types (HOSP, ICU, ER). */
export const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode'
/** ISO/IEEE 11073-10101 nomenclature as a FHIR code system (context-free code as the code). */
export const MDC_SYSTEM = 'urn:iso:std:iso:11073:10101'
/** UCUM, for `Quantity.system` and `DeviceMetric.unit`. */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org'
/** `Identifier.system` of RHN registry ids (hospital, unit, section and component ids). */
export const ASSET_ID_SYSTEM = 'urn:rhn:asset-id'

/**
 * HL7 SANER IG STU1 (http://hl7.org/fhir/uv/saner): the CDC/NHSN "Patient Impact and Hospital Capacity"
 * measure, its group codes (MeasureGroupSystem) and population codes (MeasuredValues), and the
 * capacity-measure population types (measure-population denominator/numerator, SANER numerator-complement).
 */
export const SANER = {
  measure: 'http://hl7.org/fhir/uv/saner/Measure/CDCPatientImpactAndHospitalCapacity',
  groupSystem: 'http://hl7.org/fhir/uv/saner/CodeSystem/MeasureGroupSystem',
  valuesSystem: 'http://hl7.org/fhir/uv/saner/CodeSystem/MeasuredValues',
  populationSystem: 'http://hl7.org/fhir/uv/saner/CodeSystem/MeasurePopulationSystem',
  measurePopulation: 'http://terminology.hl7.org/CodeSystem/measure-population',
} as const

/** HL7 v2 table 0116 bed statuses RHN can derive, with the table's display text. */
export const BED_STATUS = {
  occupied: { code: 'O', display: 'Occupied' },
  unoccupied: { code: 'U', display: 'Unoccupied' },
  contaminated: { code: 'K', display: 'Contaminated' },
  closed: { code: 'C', display: 'Closed' },
  housekeeping: { code: 'H', display: 'Housekeeping' },
  isolated: { code: 'I', display: 'Isolated' },
} as const

/**
 * A FHIR id (`[A-Za-z0-9\-\.]{1,64}`, FHIR R4 §2.24.0.1 "id") for `raw`: unchanged when already valid,
 * else invalid characters become `-`, and anything longer than 64 keeps a hash suffix so ids stay unique.
 */
export function fhirId(raw: string): string {
  const clean = raw.replace(/[^A-Za-z0-9.-]/g, '-')
  if (clean === raw && raw.length > 0 && raw.length <= 64) return raw
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10)
  return `${clean.slice(0, 53)}-${hash}`
}
