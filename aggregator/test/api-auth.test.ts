import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TokenTable, checkConfig, roleAllows } from '../src/api/index.js'
import { auth, makeApi, TOKENS } from './api-support.js'

let app: FastifyInstance
beforeEach(() => {
  ;({ app } = makeApi())
})
afterEach(async () => {
  await app.close()
})

/** Every data route, with a method and a URL that exists in the fake twin. */
const DATA_ROUTES: [string, string][] = [
  ['GET', '/api/session'],
  ['GET', '/api/twin'],
  ['GET', '/api/assets/rxa-icu-vent-01'],
  ['GET', '/api/assets/rxa-icu-vent-01/history?metric=Ventilation/PEEP'],
  ['GET', '/api/capacity?scope=hospital&id=RXA'],
  ['GET', '/api/alarms'],
  ['POST', '/api/alarms/alarm-1/ack'],
  ['GET', '/api/stream'],
  ['GET', '/metrics'],
  ['GET', '/openapi.json'],
  ['GET', '/fhir/metadata'],
  ['GET', '/fhir/Location'],
  ['GET', '/fhir/Device/rxa-icu-vent-01'],
  ['GET', '/fhir/MeasureReport'],
]

describe('bearer tokens', () => {
  it.each(DATA_ROUTES)('%s %s without a token is a 401 with WWW-Authenticate: Bearer', async (method, url) => {
    const res = await app.inject({ method: method as 'GET', url })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="rhn-aggregator"')
  })

  it.each([
    ['an unknown token', 'Bearer not-a-configured-token'],
    ['a malformed header', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('%s is a 401 with error="invalid_token"', async (_what, header) => {
    const res = await app.inject({ url: '/api/twin', headers: { authorization: header } })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="rhn-aggregator", error="invalid_token"')
    expect(res.json().code).toBe('RHN_AGG_UNAUTHORIZED')
  })

  it('FHIR routes answer 401 as an OperationOutcome', async () => {
    const res = await app.inject({ url: '/fhir/Location' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/)
    expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'security' }] })
  })

  it('only /healthz and the page’s static files are anonymous', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/ui/app.js' })).statusCode).toBe(200)
    // An unknown route does not reveal itself without a token.
    expect((await app.inject({ url: '/api/secret' })).statusCode).toBe(401)
  })

  it('?access_token= works on /api/stream only', async () => {
    const twin = await app.inject({ url: `/api/twin?access_token=${TOKENS.viewer.token}` })
    expect(twin.statusCode).toBe(401)
    await app.listen()
    const { port } = app.server.address() as { port: number }
    const ctl = new AbortController()
    const res = await fetch(`http://127.0.0.1:${port}/api/stream?access_token=${TOKENS.viewer.token}`, { signal: ctl.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    ctl.abort()
  })
})

describe('roles', () => {
  it('a viewer may not acknowledge: 403 with the catalogue code', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/alarms/alarm-1/ack', headers: auth('viewer') })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toEqual({ code: 'RHN_AGG_FORBIDDEN', message: 'role viewer may not do this; it needs engineer or higher' })
  })

  it('viewer < engineer < admin', () => {
    expect(roleAllows('viewer', 'viewer')).toBe(true)
    expect(roleAllows('viewer', 'engineer')).toBe(false)
    expect(roleAllows('engineer', 'viewer')).toBe(true)
    expect(roleAllows('engineer', 'admin')).toBe(false)
    expect(roleAllows('admin', 'engineer')).toBe(true)
  })

  it('the token table finds each principal and nothing else', () => {
    const table = new TokenTable(Object.values(TOKENS))
    expect(table.verify(TOKENS.admin.token)).toEqual({ name: 'Ada Admin', role: 'admin' })
    expect(table.verify(`${TOKENS.admin.token}x`)).toBeUndefined()
    expect(table.verify('')).toBeUndefined()
  })
})

describe('options', () => {
  const ok = { host: '127.0.0.1', port: 0, tokens: Object.values(TOKENS) }

  it.each([
    [{ ...ok, port: 70_000 }, 'api options: port: must be an integer 0–65535'],
    [{ ...ok, tokens: [{ name: 'x', token: 'short', role: 'viewer' as const }] }, 'api options: tokens[0].token: must be at least 16 characters'],
    [{ ...ok, tokens: [{ name: 'x', token: 'long-enough-token-1', role: 'root' as never }] }, 'api options: tokens[0].role: must be one of viewer, engineer, admin'],
    [{ ...ok, tokens: [TOKENS.viewer, { ...TOKENS.viewer, name: 'copy' }] }, 'api options: tokens[1].token: is the same as an earlier token'],
  ])('a bad option is refused, naming the key', (config, message) => {
    expect(() => checkConfig(config)).toThrow(message)
    expect(() => makeApi({ config })).toThrow(expect.objectContaining({ code: 'RHN_AGG_CONFIG_INVALID' }))
  })

  it('the checked config is frozen', () => {
    const checked = checkConfig(ok)
    expect(Object.isFrozen(checked)).toBe(true)
    expect(Object.isFrozen(checked.tokens[0])).toBe(true)
  })
})
