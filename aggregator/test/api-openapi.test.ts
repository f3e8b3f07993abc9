import { describe, expect, it } from 'vitest'
import { auth, makeApi } from './api-support.js'

/** `METHOD /path/{param}` of every route fastify registered. */
async function registeredRoutes(): Promise<{ routes: string[]; doc: Record<string, unknown> }> {
  const { app } = makeApi()
  const routes: string[] = []
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push(`${method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`)
  })
  await app.ready()
  const res = await app.inject({ url: '/openapi.json', headers: auth('viewer') })
  await app.close()
  expect(res.statusCode).toBe(200)
  return { routes: routes.sort(), doc: res.json() }
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out)
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else refsIn(v, out)
    }
  }
  return out
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route and only those', async () => {
    const { routes, doc } = await registeredRoutes()
    expect(doc.openapi).toBe('3.1.0')
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    expect(documented).toEqual(routes)
    // The routes are all there.
    for (const r of ['GET /api/twin', 'GET /api/assets/{id}', 'GET /api/assets/{id}/history', 'GET /api/capacity', 'GET /api/alarms', 'POST /api/alarms/{id}/ack', 'GET /api/stream', 'GET /healthz', 'GET /metrics', 'GET /fhir/Location', 'GET /fhir/MeasureReport']) {
      expect(routes).toContain(r)
    }
  })

  it('documents path parameters, query parameters and error responses', async () => {
    const { doc } = await registeredRoutes()
    const paths = doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown>; security: unknown[] }>>
    for (const [path, ops] of Object.entries(paths)) {
      for (const op of Object.values(ops)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
        expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(inPath)
        const anonymous = path === '/healthz' || path === '/' || path.startsWith('/ui/')
        expect(op.security.length === 0).toBe(anonymous)
        if (!anonymous) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403']))
      }
    }
    const history = paths['/api/assets/{id}/history']!.get!
    expect(history.parameters!.map((p) => p.name)).toEqual(['id', 'metric', 'from', 'to', 'every', 'agg'])
    expect(Object.keys(history.responses)).toContain('400')
  })

  it('every $ref resolves', async () => {
    const { doc } = await registeredRoutes()
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas
    for (const ref of refsIn(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//)
      expect(schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined()
    }
  })
})
