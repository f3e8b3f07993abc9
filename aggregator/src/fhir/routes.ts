/**
 * FHIR R4 REST views under `/fhir/` (read and search-type only): `GET /fhir/<Type>` answers a
 * `searchset` Bundle, `GET /fhir/<Type>/<id>` one resource, `GET /fhir/metadata` the
 * CapabilityStatement. Bodies are `application/fhir+json`; errors are OperationOutcomes.
 * Unknown search parameters are ignored, as FHIR R4 §3.1.1.5.7 ("lenient" handling) allows.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import type { TwinView } from '../twin/types.js'
import { fhirId } from './codes.js'
import { deviceMetrics, devices } from './device.js'
import { locations } from './location.js'
import { capacityReport } from './measure-report.js'
import { observations } from './observation.js'
import type { FhirResource } from './types.js'

/** `Content-Type` of every FHIR answer (FHIR R4 §3.1.0.1.9 "application/fhir+json"). */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8'

/** The resource types served, each with its one reference search parameter and the element it matches. */
export const FHIR_TYPES = {
  Location: { param: 'partof', element: 'partOf', target: 'Location' },
  Device: { param: 'location', element: 'location', target: 'Location' },
  DeviceMetric: { param: 'source', element: 'source', target: 'Device' },
  Observation: { param: 'device', element: 'device', target: 'Device' },
  MeasureReport: { param: 'subject', element: 'subject', target: 'Location' },
} as const
/** A served FHIR resource type. */
export type FhirType = keyof typeof FHIR_TYPES

/** What the FHIR views read. */
export interface FhirComponents {
  twin: TwinView
  hospital: { id: string; name: string }
  now: () => number
}

function measureReports(c: FhirComponents): FhirResource[] {
  const tree = c.twin.tree()
  const scopes = [tree, ...tree.children.filter((n) => n.level === 'unit')]
  return scopes.map((n) => capacityReport(n, n.rollup, c.now()))
}

const SOURCES: Record<FhirType, (c: FhirComponents) => FhirResource[]> = {
  Location: (c) => locations(c.twin),
  Device: (c) => devices(c.twin),
  DeviceMetric: (c) => deviceMetrics(c.twin),
  Observation: (c) => observations(c.twin),
  MeasureReport: measureReports,
}

/** Every resource of `type` the twin gives now. */
export function fhirResources(type: FhirType, c: FhirComponents): FhirResource[] {
  return SOURCES[type](c)
}

/** An OperationOutcome with one issue. */
export function operationOutcome(code: 'not-found' | 'invalid' | 'security' | 'forbidden' | 'exception', text: string): FhirResource {
  return { resourceType: 'OperationOutcome', id: 'error', issue: [{ severity: 'error', code, diagnostics: text }] }
}

const ISSUE_OF: Readonly<Record<number, 'not-found' | 'invalid' | 'security' | 'forbidden'>> = { 400: 'invalid', 401: 'security', 403: 'forbidden', 404: 'not-found' }

function capabilityStatement(c: FhirComponents): FhirResource {
  return {
    resourceType: 'CapabilityStatement',
    id: 'rhn-aggregator',
    status: 'active',
    date: new Date(c.now()).toISOString(),
    kind: 'instance',
    implementation: { description: `RHN aggregator FHIR views for ${c.hospital.name}` },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: { description: 'Bearer token (RFC 6750) in the Authorization header; role viewer or higher' },
        resource: Object.entries(FHIR_TYPES).map(([type, s]) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [{ name: s.param, type: 'reference' }],
        })),
      },
    ],
  }
}

function send(reply: FastifyReply, body: FhirResource): FastifyReply {
  return reply.type(FHIR_JSON).send(JSON.stringify(body))
}

/** Registers the FHIR routes; call inside a plugin registered with `prefix: '/fhir'`. */
export function registerFhirRoutes(app: FastifyInstance, c: FhirComponents): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = err instanceof AggregatorError ? { RHN_AGG_UNAUTHORIZED: 401, RHN_AGG_FORBIDDEN: 403, RHN_AGG_NOT_FOUND: 404 }[err.code as string] ?? 400 : (err.statusCode ?? 500)
    if (status >= 500) req.log.error({ err }, 'fhir request failed')
    const challenge = (err as { challenge?: () => string }).challenge
    if (typeof challenge === 'function') void reply.header('www-authenticate', challenge.call(err))
    return send(reply.code(status), operationOutcome(ISSUE_OF[status] ?? 'exception', status >= 500 ? 'internal error' : err.message))
  })
  app.setNotFoundHandler((req, reply) => send(reply.code(404), operationOutcome('not-found', `no FHIR route ${req.method} ${req.url.split('?')[0]}`)))

  app.get('/metadata', { config: { access: { role: 'viewer' } } }, (_req, reply) => send(reply, capabilityStatement(c)))

  for (const [type, search] of Object.entries(FHIR_TYPES) as [FhirType, (typeof FHIR_TYPES)[FhirType]][]) {
    app.get(`/${type}`, { config: { access: { role: 'viewer' } } }, (req, reply) => {
      const query = (req.query ?? {}) as Record<string, unknown>
      let found = fhirResources(type, c)
      const ref = query[search.param]
      if (ref !== undefined) {
        if (typeof ref !== 'string' || ref === '') throw new AggregatorError('RHN_AGG_BAD_PARAMETER', `${search.param}: must be one reference`)
        const want = `${search.target}/${fhirId(ref.replace(new RegExp(`^${search.target}/`), ''))}`
        found = found.filter((r) => (r[search.element] as { reference?: string } | undefined)?.reference === want)
      }
      const id = query._id
      if (typeof id === 'string') found = found.filter((r) => r.id === id)
      const base = `${req.protocol}://${req.host}/fhir`
      return send(reply, {
        resourceType: 'Bundle',
        id: `${type}-search`,
        type: 'searchset',
        timestamp: new Date(c.now()).toISOString(),
        total: found.length,
        link: [{ relation: 'self', url: `${base}${req.url.replace(/^\/fhir/, '')}` }],
        entry: found.map((resource) => ({ fullUrl: `${base}/${type}/${resource.id}`, resource, search: { mode: 'match' } })),
      })
    })
    app.get(`/${type}/:id`, { config: { access: { role: 'viewer' } } }, (req, reply) => {
      const { id } = req.params as { id: string }
      const resource = fhirResources(type, c).find((r) => r.id === id)
      if (resource === undefined) throw new AggregatorError('RHN_AGG_NOT_FOUND', `no ${type} with id "${id}"`)
      return send(reply, resource)
    })
  }
}
