/**
 * FHIR R4 `Device` (one per twin component) and `DeviceMetric` (one per metric a component reports,
 * typed with its IEEE 11073-10101 MDC code where the catalogue has one, unit in UCUM).
 */
import { type MetricDefinition, isKnownMetric, getMetric } from '@rhn/protocols'
import type { AssetView, TwinNode, TwinView } from '../twin/types.js'
import { MDC_SYSTEM, ASSET_ID_SYSTEM, UCUM_SYSTEM, fhirId } from './codes.js'
import { type FhirResource, parentLocation, walk } from './types.js'

/** The catalogue entry of `metric`, or undefined for a name outside the catalogue. */
export function metricDefinition(metric: string): MetricDefinition | undefined {
  return isKnownMetric(metric) ? getMetric(metric) : undefined
}

/** A CodeableConcept for `metric`: the MDC coding when the catalogue has one, the RHN name as text. */
export function metricConcept(metric: string): Record<string, unknown> {
  const mdc = metricDefinition(metric)?.mdc
  return {
    ...(mdc === undefined ? {} : { coding: [{ system: MDC_SYSTEM, code: String(mdc.code), display: mdc.refId }] }),
    text: metric,
  }
}

/** The FHIR id of the DeviceMetric / Observation of `metric` on `asset`. */
export function metricResourceId(asset: string, metric: string): string {
  return fhirId(`${asset}.${metric.replace(/\//g, '.')}`)
}

const stringValue = (view: AssetView | undefined, metric: string): string | undefined => {
  const v = view?.values[metric]?.value
  return typeof v === 'string' && v !== '' ? v : undefined
}

function toDevice(node: TwinNode, location: TwinNode | undefined, view: AssetView | undefined): FhirResource {
  const manufacturer = stringValue(view, 'Identity/Manufacturer')
  const model = stringValue(view, 'Identity/Model')
  const serial = stringValue(view, 'Identity/SerialNumber')
  const online = view?.online ?? node.online
  return {
    resourceType: 'Device',
    id: fhirId(node.id),
    identifier: [{ system: ASSET_ID_SYSTEM, value: node.id }],
    // Offline is not "inactive" (the device still exists): its state is just not known now.
    status: online === true ? 'active' : 'unknown',
    ...(manufacturer === undefined ? {} : { manufacturer }),
    ...(serial === undefined ? {} : { serialNumber: serial }),
    ...(model === undefined ? {} : { modelNumber: model }),
    deviceName: [{ name: node.name, type: 'user-friendly-name' }],
    type: { text: node.kind ?? view?.kind ?? 'unassigned' },
    ...(location === undefined ? {} : { location: { reference: `Location/${fhirId(location.id)}`, display: location.name } }),
  }
}

/** Every component of the tree as a Device (unassigned devices included, without a location). */
export function devices(twin: TwinView): FhirResource[] {
  return walk(twin.tree())
    .filter((p) => p.node.level === 'component' || (p.node.level === 'unassigned' && p.node.children.length === 0))
    .map((p) => toDevice(p.node, p.node.kind === 'bed' ? p.node : parentLocation(p), twin.asset(p.node.id)))
}

function toDeviceMetric(view: AssetView, metric: string): FhirResource {
  const def = metricDefinition(metric)
  return {
    resourceType: 'DeviceMetric',
    id: metricResourceId(view.id, metric),
    identifier: [{ system: ASSET_ID_SYSTEM, value: `${view.id}/${metric}` }],
    type: metricConcept(metric),
    ...(def?.unit === undefined ? {} : { unit: { coding: [{ system: UCUM_SYSTEM, code: def.unit }], text: def.unit } }),
    source: { reference: `Device/${fhirId(view.id)}` },
    operationalStatus: view.online ? 'on' : 'off',
    category: metric.startsWith('Settings/') ? 'setting' : 'measurement',
  }
}

/** One DeviceMetric per metric each device has reported, device by device. */
export function deviceMetrics(twin: TwinView): FhirResource[] {
  return devices(twin).flatMap((d) => {
    const id = (d.identifier as { value: string }[])[0]!.value
    const view = twin.asset(id)
    return view === undefined ? [] : Object.keys(view.values).sort().map((m) => toDeviceMetric(view, m))
  })
}
