// Shared by the API and CLI tests and the bench: a valid submission of one hospital.
import type { SubmittedTxInput } from '@rhn/protocols'

/** A one-unit capacity snapshot of `hospital` taken at `takenAt`: valid against the schema. */
export function capacitySnapshot(hospital: string, takenAt: number, occupied = 5): SubmittedTxInput {
  return {
    kind: 'capacity-snapshot',
    hospital,
    takenAt,
    units: [
      {
        unit: `${hospital.toLowerCase()}-icu`,
        unitType: 'icu',
        beds: { total: 10, occupied, available: 10 - occupied },
        ventilators: { total: 4, inUse: 1, available: 3 },
        ppe: [],
        admissions: 0,
        discharges: 0,
        escalation: { level: 1, reason: 'occupancy normal' },
      },
    ],
    escalation: { level: 1, reason: 'occupancy normal' },
  }
}
