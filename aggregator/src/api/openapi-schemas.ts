/** JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the API's bodies, mirroring `twin/types.ts` and `store/types.ts`. */
import { ALARM_PRIORITIES, API_ROLES, COMPONENT_KINDS, UNIT_TYPES } from '@rhn/protocols'
import { HISTORY_AGGREGATES } from '../store/types.js'

const num = { type: 'number' } as const
const int = { type: 'integer', minimum: 0 } as const
const str = { type: 'string' } as const
const bool = { type: 'boolean' } as const
const ms = { type: 'integer', description: 'ms since 1970' } as const
const strings = { type: 'array', items: str } as const
const obj = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
})
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const storedValue = { type: ['number', 'boolean', 'string', 'null'] } as const
const counts = obj({ total: int, occupied: int, available: int })

/** `components.schemas` of the OpenAPI document. */
export const SCHEMAS = {
  Error: obj({
    code: { type: 'string', enum: ['RHN_AGG_BAD_PARAMETER', 'RHN_AGG_UNAUTHORIZED', 'RHN_AGG_FORBIDDEN', 'RHN_AGG_NOT_FOUND', 'RHN_AGG_LEDGER_REJECTED', 'RHN_AGG_LEDGER_UNAVAILABLE'] },
    message: { type: 'string', description: 'names the bad parameter first, e.g. "from: must be before to"' },
  }),
  Principal: obj({ name: str, role: { type: 'string', enum: [...API_ROLES] } }),
  Rollup: obj({
    beds: obj({ ...counts.properties, byUnitType: { type: 'object', propertyNames: { enum: [...UNIT_TYPES] }, additionalProperties: counts } }),
    ventilators: obj({ total: int, inUse: int, available: int, alarming: int }),
    ppe: {
      type: 'object',
      description: 'per GTIN',
      additionalProperties: obj(
        { item: str, stock: num, burnPerDay: num, daysOfSupply: { type: ['number', 'null'] }, reorderPoint: num },
        ['stock', 'burnPerDay', 'daysOfSupply'],
      ),
    },
    patients: obj({ census: int, admissions: int, discharges: int }),
    devices: obj({ total: int, online: int, stale: int }),
    alarms: obj({ active: int }),
  }),
  TwinNode: obj(
    {
      level: { type: 'string', enum: ['region', 'hospital', 'unit', 'section', 'component', 'unassigned'] },
      id: str,
      name: str,
      unitType: { type: 'string', enum: [...UNIT_TYPES] },
      kind: { type: 'string', enum: [...COMPONENT_KINDS] },
      rollup: ref('Rollup'),
      online: bool,
      lastSeen: ms,
      stale: bool,
      children: { type: 'array', items: ref('TwinNode') },
    },
    ['level', 'id', 'name', 'rollup', 'children'],
  ),
  CurrentValue: obj({ value: storedValue, timestamp: ms, unit: str }, ['value', 'timestamp']),
  Alarm: obj(
    {
      id: str,
      asset: str,
      source: { type: 'string', enum: ['device', 'threshold', 'offline', 'ppe-reorder', 'bed-exit', 'unassigned', 'system'] },
      key: str,
      priority: { type: 'string', enum: [...ALARM_PRIORITIES] },
      message: str,
      state: { type: 'string', enum: ['active', 'acknowledged', 'cleared'] },
      raisedAt: ms,
      acknowledgedAt: ms,
      acknowledgedBy: { type: 'string', description: 'name of the token that acknowledged it' },
      clearedAt: ms,
      path: { ...strings, description: '[hospital, unit, section]' },
    },
    ['id', 'asset', 'source', 'key', 'priority', 'message', 'state', 'raisedAt', 'path'],
  ),
  AssetView: obj({
    id: str,
    name: str,
    kind: { type: 'string', enum: [...COMPONENT_KINDS, 'unassigned'] },
    path: strings,
    online: bool,
    lastSeen: { type: ['integer', 'null'] },
    stale: bool,
    values: { type: 'object', additionalProperties: ref('CurrentValue') },
    alarms: { type: 'array', items: ref('Alarm') },
  }),
  History: obj(
    {
      asset: str,
      metric: str,
      unit: { type: ['string', 'null'], description: 'UCUM' },
      from: ms,
      to: ms,
      everyMs: int,
      agg: { type: 'string', enum: [...HISTORY_AGGREGATES] },
      points: { type: 'array', items: obj({ t: ms, value: storedValue }) },
    },
    ['asset', 'metric', 'unit', 'from', 'to', 'points'],
  ),
  Capacity: obj({ scope: { type: 'string', enum: ['hospital', 'unit', 'section'] }, id: str, rollup: ref('Rollup') }),
  TwinEvent: {
    description: 'one SSE `data:` line; the SSE `event:` field is its type',
    oneOf: [
      obj({ type: { const: 'value' }, asset: str, path: strings, metric: str, value: ref('CurrentValue') }),
      obj({ type: { const: 'online' }, asset: str, path: strings, online: bool, at: ms }),
      obj({ type: { const: 'alarm' }, asset: str, path: strings, alarm: ref('Alarm') }),
    ],
  },
  FhirResource: {
    type: 'object',
    description: 'a FHIR R4 resource (https://hl7.org/fhir/R4/); lists are Bundles of type searchset',
    properties: { resourceType: str },
    required: ['resourceType'],
  },
} as const
