import type { ComponentKind } from '../asset/model.js'
import { ProtocolError } from '../errors/protocol-error.js'
import { parsePpeMetricName } from './names.js'
import { BED_METRICS, DEVICE_METRICS, PATIENT_FLOW_METRICS, PPE_METRICS } from './other-kinds.js'
import type { MetricDefinition } from './types.js'
import { VENTILATOR_METRICS } from './ventilator.js'

/** Every metric RHN carries, frozen. Template names contain `{gtin}`. */
export const METRICS: readonly MetricDefinition[] = Object.freeze(
  [...VENTILATOR_METRICS, ...BED_METRICS, ...PPE_METRICS, ...PATIENT_FLOW_METRICS, ...DEVICE_METRICS].map((m) => Object.freeze(m)),
)

const BY_NAME: ReadonlyMap<string, MetricDefinition> = new Map(METRICS.map((m) => [m.name, m]))

/** Whether `name` is a catalogue metric (a template instance such as `PPE/Stock/{gtin}` counts). */
export function isKnownMetric(name: string): boolean {
  return findMetric(name) !== undefined
}

function findMetric(name: string): MetricDefinition | undefined {
  const exact = BY_NAME.get(name)
  if (exact !== undefined) return exact
  const ppe = parsePpeMetricName(name)
  return ppe === undefined ? undefined : BY_NAME.get(`PPE/${ppe.counter}/{gtin}`)
}

/**
 * The catalogue entry for `name`; `PPE/Stock/05012345678900` resolves to the `PPE/Stock/{gtin}` entry.
 * @throws ProtocolError `RHN_PROTO_METRIC_UNKNOWN` when the name is not in the catalogue.
 */
export function getMetric(name: string): MetricDefinition {
  const found = findMetric(name)
  if (found === undefined) throw new ProtocolError('RHN_PROTO_METRIC_UNKNOWN', `metric "${name}" is not in the catalogue`)
  return found
}

/** The metrics a component of `kind` carries, in catalogue order. */
export function metricsOfKind(kind: ComponentKind): readonly MetricDefinition[] {
  return METRICS.filter((m) => m.kinds.includes(kind))
}
