/**
 * FHIR R4 `Observation` of each current numeric value (issue 5): MDC-coded where the catalogue has a
 * code, `valueQuantity` in UCUM, `device` pointing at the Device, `effectiveDateTime` the source time.
 * No subject: RHN carries no patient identity past the gateway (DESIGN.md).
 */
import type { AssetView, TwinView } from '../twin/types.js'
import { UCUM_SYSTEM, fhirId } from './codes.js'
import { metricConcept, metricDefinition, metricResourceId, devices } from './device.js'
import type { FhirResource } from './types.js'

function toObservation(view: AssetView, metric: string, value: number, timestamp: number, unit: string | undefined): FhirResource {
  return {
    resourceType: 'Observation',
    id: metricResourceId(view.id, metric),
    status: 'final',
    code: metricConcept(metric),
    device: { reference: `Device/${fhirId(view.id)}`, display: view.name },
    effectiveDateTime: new Date(timestamp).toISOString(),
    valueQuantity: {
      value,
      ...(unit === undefined ? {} : { unit, system: UCUM_SYSTEM, code: unit }),
    },
  }
}

/** Observations of one asset's current numeric values (booleans and strings are device state, not measurements). */
export function assetObservations(view: AssetView): FhirResource[] {
  return Object.entries(view.values)
    .filter(([, v]) => typeof v.value === 'number' && Number.isFinite(v.value))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([metric, v]) => toObservation(view, metric, v.value as number, v.timestamp, metricDefinition(metric)?.unit ?? v.unit))
}

/** Observations of every device's current numeric values. */
export function observations(twin: TwinView): FhirResource[] {
  return devices(twin).flatMap((d) => {
    const view = twin.asset((d.identifier as { value: string }[])[0]!.value)
    return view === undefined ? [] : assetObservations(view)
  })
}
