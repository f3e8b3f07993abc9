/**
 * HL7 SANER (STU1) `MeasureReport` of bed and ventilator capacity for a hospital or a unit: a summary
 * report of the CDC "Patient Impact and Hospital Capacity" measure with its Beds and Ventilators
 * groups, using the IG's canonical codes (MeasureGroupSystem, MeasuredValues) and, per population,
 * its capacity role (measure-population denominator / numerator, SANER numerator-complement).
 * A point-in-time measure, so the period is the instant of the report.
 */
import type { Rollup, TwinNode } from '../twin/types.js'
import { SANER, UCUM_SYSTEM, fhirId } from './codes.js'
import type { FhirResource } from './types.js'

type Role = 'denominator' | 'numerator' | 'numerator-complement' | undefined

function population(code: string, display: string, role: Role, count: number): Record<string, unknown> {
  const roleCoding =
    role === undefined
      ? []
      : [{ system: role === 'numerator-complement' ? SANER.populationSystem : SANER.measurePopulation, code: role }]
  return { code: { coding: [{ system: SANER.valuesSystem, code, display }, ...roleCoding] }, count }
}

function group(code: string, display: string, populations: Record<string, unknown>[], numerator: number, denominator: number) {
  return {
    code: { coding: [{ system: SANER.groupSystem, code, display }], text: display },
    population: populations,
    // Capacity scoring: the share in use (numerator / denominator), omitted when there is nothing to count.
    ...(denominator > 0 ? { measureScore: { value: Math.round((numerator / denominator) * 10_000) / 10_000, unit: '1', system: UCUM_SYSTEM, code: '1' } } : {}),
  }
}

/** The FHIR id of the capacity report of `locationId`. */
export function measureReportId(locationId: string): string {
  return fhirId(`capacity-${locationId}`)
}

/**
 * The SANER capacity MeasureReport of `node` (hospital or unit) from its rollup, at `now` (ms).
 * Population codes: numTotBeds, numTotBedsOcc, numTotBedsAvail, numICUBeds, numICUBedsOcc,
 * numICUBedsAvail (Beds group); numVent, numVentUse, numVentAvail (Ventilators group).
 */
export function capacityReport(node: Pick<TwinNode, 'id' | 'name'>, rollup: Rollup, now: number): FhirResource {
  const at = new Date(now).toISOString()
  const { beds, ventilators } = rollup
  const icu = beds.byUnitType.icu
  const bedPopulations = [
    population('numTotBeds', 'All Hospital Beds', 'denominator', beds.total),
    population('numTotBedsOcc', 'Hospital Beds Occupied', 'numerator', beds.occupied),
    population('numTotBedsAvail', 'Hospital Beds Available', 'numerator-complement', beds.available),
    ...(icu === undefined
      ? []
      : [
          population('numICUBeds', 'ICU Beds', undefined, icu.total),
          population('numICUBedsOcc', 'ICU Bed Occupancy', undefined, icu.occupied),
          population('numICUBedsAvail', 'ICU Bed Availability', undefined, icu.available),
        ]),
  ]
  const location = { reference: `Location/${fhirId(node.id)}`, display: node.name }
  return {
    resourceType: 'MeasureReport',
    id: measureReportId(node.id),
    status: 'complete',
    type: 'summary',
    measure: SANER.measure,
    subject: location,
    date: at,
    reporter: location,
    period: { start: at, end: at },
    group: [
      group('Beds', 'Beds', bedPopulations, beds.occupied, beds.total),
      group(
        'Ventilators',
        'Ventilators',
        [
          population('numVent', 'Mechanical Ventilators', 'denominator', ventilators.total),
          population('numVentUse', 'Mechanical Ventilators in Use', 'numerator', ventilators.inUse),
          population('numVentAvail', 'Mechanical Ventilators Available', 'numerator-complement', ventilators.available),
        ],
        ventilators.inUse,
        ventilators.total,
      ),
    ],
  }
}
