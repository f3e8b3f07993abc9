/**
 * The OpenAPI 3.1 document served at `GET /openapi.json`, written by hand next to the routes (a test
 * checks that it lists every registered route and nothing else).
 */
import { HISTORY_AGGREGATES } from '../store/types.js'
import { FHIR_TYPES } from '../fhir/index.js'
import { LEDGER_SCHEMAS, ledgerPaths } from './openapi-ledger.js'
import { SCHEMAS } from './openapi-schemas.js'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } })
const fhir = (description: string) => ({ description, content: { 'application/fhir+json': { schema: ref('FhirResource') } } })
const error = (description: string) => json(ref('Error'), description)
const q = (name: string, description: string, schema: unknown = { type: 'string' }, required = false) => ({ name, in: 'query', required, description, schema })
const idParam = (what: string) => ({ name: 'id', in: 'path', required: true, description: `${what} id`, schema: { type: 'string' } })

const AUTH_ERRORS = { '401': error('no or invalid bearer token (`WWW-Authenticate: Bearer`)'), '403': error('the token’s role is too low') }
const viewer = { security: [{ bearer: [] }] }

function op(summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}, secured = true) {
  return { summary, ...(secured ? viewer : { security: [] }), ...extra, responses: { ...responses, ...(secured ? AUTH_ERRORS : {}) } }
}

function fhirPaths(): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/fhir/metadata': { get: op('FHIR CapabilityStatement', { '200': fhir('CapabilityStatement') }, { tags: ['fhir'] }) },
  }
  for (const [type, s] of Object.entries(FHIR_TYPES)) {
    paths[`/fhir/${type}`] = {
      get: op(`Search ${type} (FHIR R4 searchset Bundle)`, { '200': fhir(`Bundle of ${type}`), '400': fhir('OperationOutcome') }, {
        tags: ['fhir'],
        parameters: [q(s.param, `reference to a ${s.target} ("${s.target}/<id>" or "<id>")`), q('_id', 'resource id')],
      }),
    }
    paths[`/fhir/${type}/{id}`] = {
      get: op(`Read one ${type}`, { '200': fhir(type), '404': fhir('OperationOutcome') }, { tags: ['fhir'], parameters: [idParam(type)] }),
    }
  }
  return paths
}

/** Builds the OpenAPI 3.1 document (`version` is the aggregator's). */
export function openApiDocument(version = '0.1.0'): Record<string, unknown> {
  const time = (name: string) => q(name, `${name === 'from' ? 'start (inclusive)' : 'end (exclusive)'}: ISO-8601 with zone, or ms since 1970`)
  return {
    openapi: '3.1.0',
    info: {
      title: 'RHN aggregator API',
      version,
      description:
        'The hospital twin: tree with rollups, assets, history, capacity, alarms, live stream, FHIR R4 views. ' +
        'Every route but /healthz and the page’s static files needs `Authorization: Bearer <token>`; roles viewer < engineer < admin. ' +
        'A bad parameter gets 400 with code RHN_AGG_BAD_PARAMETER and a message that starts with the parameter’s name.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'token from the aggregator config (api.tokens)' } },
      schemas: { ...SCHEMAS, ...LEDGER_SCHEMAS },
    },
    paths: {
      '/api/session': { get: op('Who the token belongs to', { '200': json(ref('Principal'), 'name and role') }) },
      '/api/twin': { get: op('The twin tree with rollups', { '200': json(ref('TwinNode'), 'hospital ▸ unit ▸ section ▸ component') }) },
      '/api/assets/{id}': {
        get: op('One asset: state, online, last seen, alarms', { '200': json(ref('AssetView'), 'asset'), '404': error('no such asset') }, { parameters: [idParam('asset')] }),
      },
      '/api/assets/{id}/history': {
        get: op('History of one metric of an asset', { '200': json(ref('History'), 'points'), '400': error('bad parameter, named'), '404': error('no such asset') }, {
          parameters: [
            idParam('asset'),
            q('metric', 'catalogue metric name, e.g. Ventilation/PEEP', { type: 'string' }, true),
            time('from'),
            time('to'),
            q('every', 'bucket width: 500ms, 30s, 1m, 1h, 1d or plain ms; omitted = raw points'),
            q('agg', 'aggregate per bucket (needs every)', { type: 'string', enum: [...HISTORY_AGGREGATES] }),
          ],
        }),
      },
      '/api/capacity': {
        get: op('Capacity rollup of a hospital, unit or section', { '200': json(ref('Capacity'), 'rollup'), '400': error('bad parameter, named'), '404': error('no such scope') }, {
          parameters: [q('scope', 'level', { type: 'string', enum: ['hospital', 'unit', 'section'] }, true), q('id', 'registry id', { type: 'string' }, true)],
        }),
      },
      '/api/alarms': {
        get: op('Alarms', { '200': json({ type: 'array', items: ref('Alarm') }, 'alarms'), '400': error('bad parameter, named') }, {
          parameters: [q('state', 'filter by state', { type: 'string', enum: ['active', 'acknowledged', 'cleared'] }), q('asset', 'filter by asset id')],
        }),
      },
      '/api/alarms/{id}/ack': {
        post: op('Acknowledge an alarm (role engineer or admin); the token’s name is recorded', { '200': json(ref('Alarm'), 'the acknowledged alarm'), '404': error('no such alarm') }, {
          parameters: [idParam('alarm')],
        }),
      },
      '/api/stream': {
        get: op('Live twin events (server-sent events; heartbeat comments)', { '200': { description: 'event stream of TwinEvent', content: { 'text/event-stream': { schema: ref('TwinEvent') } } }, '404': error('no such subtree') }, {
          parameters: [
            q('subtree', 'hospital, unit, section (or component) id: only events under it'),
            q('access_token', 'the bearer token, for EventSource (which cannot send headers); accepted on this route only'),
          ],
        }),
      },
      '/healthz': { get: op('Health (anonymous)', { '200': json({ type: 'object' }, 'health'), '503': json({ type: 'object' }, 'unhealthy') }, {}, false) },
      '/metrics': {
        get: op('Prometheus metrics (viewer token: scrape with bearer_token)', { '200': { description: 'Prometheus text exposition 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } }),
      },
      '/openapi.json': { get: op('This document', { '200': json({ type: 'object' }, 'OpenAPI 3.1') }) },
      '/': { get: op('The web page (anonymous: no data in it)', { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } }, {}, false) },
      '/ui/{file}': {
        get: op('The page’s scripts and styles (anonymous)', { '200': { description: 'file' }, '404': error('no such file') }, { parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }] }, false),
      },
      ...ledgerPaths(),
      ...fhirPaths(),
    },
  }
}
