import { COMPONENT_KINDS, SEVERITIES } from '../asset/model.js'
import { PATIENT_FLOW_MEASURES, PPE_GTIN_COUNTERS, patientFlowMetricName } from './names.js'
import type { MetricDefinition } from './types.js'

const B = ['bed'] as const

/** Bed metrics (folder `Bed/`), read from a bed-controller gateway. No MDC codes exist for these. */
export const BED_METRICS: readonly MetricDefinition[] = [
  { name: 'Bed/Occupied', kinds: B, datatype: 'Boolean', resourceClass: 'renewable', description: 'A patient is on the bed (load cells over threshold).' },
  { name: 'Bed/PatientWeight', kinds: B, datatype: 'Float', unit: 'kg', description: 'Weight on the bed scale, tare removed.' },
  { name: 'Bed/ExitAlarm', kinds: B, datatype: 'Boolean', writable: true, description: 'Bed-exit alarm sounding; writing false resets it.' },
  { name: 'Bed/SideRailsUp', kinds: B, datatype: 'Boolean', description: 'All side rails raised.' },
  { name: 'Bed/BrakeSet', kinds: B, datatype: 'Boolean', description: 'Castor brake engaged.' },
  { name: 'Bed/HeadAngle', kinds: B, datatype: 'Float', unit: 'deg', description: 'Head-of-bed elevation angle.' },
]

const PPE = ['ppe-cabinet'] as const

const PPE_COUNTER_TEXT: Readonly<Record<(typeof PPE_GTIN_COUNTERS)[number], string>> = {
  Stock: 'Items of this GTIN in the cabinet now (tags seen in the last inventory round).',
  Taken: 'Items of this GTIN removed since the agent started (monotonic).',
  Restocked: 'Items of this GTIN added since the agent started (monotonic).',
}

/**
 * PPE cabinet metrics. `{gtin}` names are templates: build them with `ppeMetricName`.
 * Stock is an Int32 gauge; Taken/Restocked are UInt32 counters so the aggregator derives burn rate.
 */
export const PPE_METRICS: readonly MetricDefinition[] = [
  ...PPE_GTIN_COUNTERS.map(
    (counter): MetricDefinition => ({
      name: `PPE/${counter}/{gtin}`,
      kinds: PPE,
      datatype: counter === 'Stock' ? 'Int32' : 'UInt32',
      unit: '{count}',
      resourceClass: 'consumable',
      description: PPE_COUNTER_TEXT[counter],
    }),
  ),
  { name: 'PPE/Reads', kinds: PPE, datatype: 'UInt32', unit: '{count}', description: 'RFID tag reads by the cabinet reader since the agent started.' },
]

const FLOW = ['patient-flow'] as const

const FLOW_TEXT: Readonly<Record<(typeof PATIENT_FLOW_MEASURES)[number], string>> = {
  Census: 'Patients in the unit now',
  Admissions: 'Admissions to the unit since local midnight',
  Discharges: 'Discharges from the unit since local midnight',
  TransfersIn: 'Transfers into the unit since local midnight',
  TransfersOut: 'Transfers out of the unit since local midnight',
}

/**
 * Patient flow per unit (the feed's device is the unit), total and by severity (seed H1).
 * Counts only: pseudonymised at the edge, never a patient identifier.
 */
export const PATIENT_FLOW_METRICS: readonly MetricDefinition[] = PATIENT_FLOW_MEASURES.flatMap((measure) =>
  [undefined, ...SEVERITIES].map(
    (severity): MetricDefinition => ({
      name: patientFlowMetricName(measure, severity),
      kinds: FLOW,
      datatype: measure === 'Census' ? 'Int32' : 'UInt32',
      unit: '{count}',
      description: `${FLOW_TEXT[measure]}${severity === undefined ? '' : `, ${severity} condition`}.`,
    }),
  ),
)

/** Device state carried by every component kind (folder `Device/`). */
export const DEVICE_METRICS: readonly MetricDefinition[] = [
  { name: 'Device/Online', kinds: COMPONENT_KINDS, datatype: 'Boolean', description: 'The driver reached the device on its last poll.' },
  { name: 'Device/LastError', kinds: COMPONENT_KINDS, datatype: 'String', description: 'Last driver error message; empty when none.' },
]
