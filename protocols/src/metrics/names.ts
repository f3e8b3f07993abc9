import type { Severity } from '../asset/model.js'
import { isValidGtin } from '../asset/registry-schema.js'
import { ProtocolError } from '../errors/protocol-error.js'

/** Per-GTIN PPE counters; each is a metric name template `PPE/{Counter}/{gtin}`. */
export const PPE_GTIN_COUNTERS = ['Stock', 'Taken', 'Restocked'] as const
/** One of {@link PPE_GTIN_COUNTERS}. */
export type PpeGtinCounter = (typeof PPE_GTIN_COUNTERS)[number]

/** A 14-digit GTIN with a valid check digit (GS1 General Specifications §7.9.1). */
function isGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && isValidGtin(gtin)
}

/**
 * Builds `PPE/{counter}/{gtin}`, e.g. `PPE/Stock/05012345678900`. GTINs are 14 digits with a valid
 * GS1 check digit, as in the asset registry (`GtinSchema`). Throws ProtocolError `RHN_PROTO_VALUE_INVALID` on a bad GTIN.
 */
export function ppeMetricName(counter: PpeGtinCounter, gtin: string): string {
  if (!isGtin14(gtin)) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `not a valid GTIN: "${gtin}"`)
  return `PPE/${counter}/${gtin}`
}

/** Parses a per-GTIN PPE metric name; undefined when `name` is not one. */
export function parsePpeMetricName(name: string): { counter: PpeGtinCounter; gtin: string } | undefined {
  const m = /^PPE\/(Stock|Taken|Restocked)\/(\d{14})$/.exec(name)
  if (m === null || !isGtin14(m[2] ?? '')) return undefined
  return { counter: m[1] as PpeGtinCounter, gtin: m[2] as string }
}

/** Patient-flow measures (pseudonymous counts only, never a patient key). */
export const PATIENT_FLOW_MEASURES = ['Census', 'Admissions', 'Discharges', 'TransfersIn', 'TransfersOut'] as const
/** One of {@link PATIENT_FLOW_MEASURES}. */
export type PatientFlowMeasure = (typeof PATIENT_FLOW_MEASURES)[number]

/** The severity folder name: `critical` -> `Critical`. */
export function severitySegment(severity: Severity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1)
}

/** `PatientFlow/{measure}` (all patients) or `PatientFlow/{measure}/{Severity}`. */
export function patientFlowMetricName(measure: PatientFlowMeasure, severity?: Severity): string {
  return severity === undefined ? `PatientFlow/${measure}` : `PatientFlow/${measure}/${severitySegment(severity)}`
}
