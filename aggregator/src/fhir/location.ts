/**
 * FHIR R4 `Location` tree (issue 5): hospital (site) ▸ unit (ward, `wa`) ▸ section (room, `ro`) ▸ bed
 * (`bd`), linked by `partOf`. A bed's `operationalStatus` is its HL7 v2 table 0116 bed status.
 */
import type { UnitType } from '@rhn/protocols'
import type { TwinNode, TwinView } from '../twin/types.js'
import { BED_STATUS, LOCATION_PHYSICAL_TYPE, ASSET_ID_SYSTEM, V2_0116, V3_ROLE_CODE, fhirId } from './codes.js'
import { type FhirResource, type Placed, parentLocation, walk } from './types.js'

const PHYSICAL: Readonly<Record<string, { code: string; display: string }>> = {
  hospital: { code: 'si', display: 'Site' },
  unit: { code: 'wa', display: 'Ward' },
  section: { code: 'ro', display: 'Room' },
  bed: { code: 'bd', display: 'Bed' },
}

// v3 RoleCode service delivery locations, only where one fits the unit type exactly.
const UNIT_ROLE: Partial<Record<UnitType, { code: string; display: string }>> = {
  icu: { code: 'ICU', display: 'Intensive care unit' },
  ed: { code: 'ER', display: 'Emergency room' },
}

/**
 * The v2-0116 status of a bed from its `Bed/Occupied` value: O occupied, U unoccupied; undefined when
 * the bed never reported. K, C, H and I (contaminated, closed, housekeeping, isolated) have no
 * telemetry source yet, so they are never guessed.
 */
export function bedStatus(twin: TwinView, bedId: string): (typeof BED_STATUS)[keyof typeof BED_STATUS] | undefined {
  const occupied = twin.asset(bedId)?.values['Bed/Occupied']?.value
  if (typeof occupied !== 'boolean') return undefined
  return occupied ? BED_STATUS.occupied : BED_STATUS.unoccupied
}

function isLocation(node: TwinNode): boolean {
  return node.level === 'hospital' || node.level === 'unit' || node.level === 'section' || (node.level === 'component' && node.kind === 'bed')
}

function toLocation(p: Placed, twin: TwinView): FhirResource {
  const { node } = p
  const kind = node.level === 'component' ? 'bed' : node.level
  const physical = PHYSICAL[kind] ?? PHYSICAL.section!
  const parent = parentLocation(p)
  const role = node.level === 'hospital' ? { code: 'HOSP', display: 'Hospital' } : node.unitType === undefined ? undefined : UNIT_ROLE[node.unitType]
  const status = kind === 'bed' ? bedStatus(twin, node.id) : undefined
  return {
    resourceType: 'Location',
    id: fhirId(node.id),
    identifier: [{ system: ASSET_ID_SYSTEM, value: node.id }],
    status: 'active',
    ...(status === undefined ? {} : { operationalStatus: { system: V2_0116, ...status } }),
    name: node.name,
    mode: 'instance',
    ...(role === undefined && node.unitType === undefined
      ? {}
      : { type: [{ ...(role === undefined ? {} : { coding: [{ system: V3_ROLE_CODE, ...role }] }), text: node.unitType ?? 'hospital' }] }),
    physicalType: { coding: [{ system: LOCATION_PHYSICAL_TYPE, ...physical }] },
    ...(parent === undefined ? {} : { partOf: { reference: `Location/${fhirId(parent.id)}`, display: parent.name } }),
  }
}

/** Every Location of the hospital's tree, parents before children. */
export function locations(twin: TwinView): FhirResource[] {
  return walk(twin.tree())
    .filter((p) => isLocation(p.node))
    .map((p) => toLocation(p, twin))
}
