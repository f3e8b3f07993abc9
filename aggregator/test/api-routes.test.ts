import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auth, type FakeStore, type FakeTwin, makeApi, NOW } from './api-support.js'

let app: FastifyInstance
let twin: FakeTwin
let store: FakeStore

beforeEach(() => {
  ;({ app, twin, store } = makeApi())
})
afterEach(async () => {
  await app.close()
})

const get = (url: string, role: 'viewer' | 'engineer' | 'admin' = 'viewer') => app.inject({ url, headers: auth(role) })

describe('twin and assets', () => {
  it('GET /api/twin answers the tree with rollups', async () => {
    const res = await get('/api/twin')
    expect(res.statusCode).toBe(200)
    const tree = res.json()
    expect(tree).toMatchObject({ level: 'hospital', id: 'RXA', rollup: { beds: { total: 3, occupied: 2 }, ventilators: { total: 2, inUse: 1 } } })
    expect(tree.children.map((u: { id: string }) => u.id)).toEqual(['rxa-icu', 'rxa-ward-3'])
  })

  it('GET /api/assets/:id answers state, online, last seen and alarms; an unknown id is a 404', async () => {
    const res = await get('/api/assets/rxa-icu-vent-01')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: 'rxa-icu-vent-01', online: true, lastSeen: NOW, values: { 'Ventilation/PEEP': { value: 8.1 } }, alarms: [{ id: 'alarm-1' }] })
    const missing = await get('/api/assets/nope')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ code: 'RHN_AGG_NOT_FOUND', message: 'no asset with id "nope"' })
  })

  it('GET /api/session names the token holder and role', async () => {
    expect((await get('/api/session', 'engineer')).json()).toEqual({ name: 'Erin Engineer', role: 'engineer' })
  })
})

describe('history', () => {
  const base = '/api/assets/rxa-icu-vent-01/history?metric=Ventilation/PEEP'

  it('passes ISO and ms times, bucket width and aggregate to the store', async () => {
    const res = await get(`${base}&from=2025-03-01T09:00:00Z&to=${NOW}&every=1m&agg=max`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(store.queries).toEqual([{ asset: 'rxa-icu-vent-01', metric: 'Ventilation/PEEP', from: NOW - 3_600_000, to: NOW, everyMs: 60_000, agg: 'max' }])
    expect(body).toMatchObject({ unit: 'cm[H2O]', everyMs: 60_000, agg: 'max' })
    expect(body.points).toHaveLength(60)
  })

  it('defaults to the last hour of raw points', async () => {
    await get(base)
    expect(store.queries[0]).toEqual({ asset: 'rxa-icu-vent-01', metric: 'Ventilation/PEEP', from: NOW - 3_600_000, to: NOW })
  })

  it.each([
    ['', 'metric'],
    ['&metric=Nope/Nothing', 'metric'],
    ['&from=yesterday', 'from'],
    ['&to=2025-13-45T00:00:00Z', 'to'],
    [`&from=${NOW}&to=${NOW - 1}`, 'from'],
    ['&every=5 minutes', 'every'],
    ['&every=0s', 'every'],
    ['&every=1ms', 'every'],
    ['&agg=median&every=1m', 'agg'],
    ['&agg=max', 'agg'],
    ['&from=1&from=2', 'from'],
  ])('a bad parameter (%s) is a 400 naming %s', async (extra, name) => {
    const url = extra === '' ? '/api/assets/rxa-icu-vent-01/history' : `${base}${extra}`
    const res = await get(url)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('RHN_AGG_BAD_PARAMETER')
    expect(res.json().message).toMatch(new RegExp(`^${name}: `))
  })

  it('accepts a plain ISO-8601 date and a zone offset', async () => {
    expect((await get(`${base}&from=2025-03-01&to=2025-03-01T11:00:00%2B01:00`)).statusCode).toBe(200)
    expect(store.queries[0]).toMatchObject({ from: Date.parse('2025-03-01T00:00:00Z'), to: NOW })
  })

  it('an unknown asset is a 404', async () => {
    expect((await get('/api/assets/nope/history?metric=Ventilation/PEEP')).statusCode).toBe(404)
  })
})

describe('capacity', () => {
  it('answers the rollup of a scope', async () => {
    const res = await get('/api/capacity?scope=unit&id=rxa-icu')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ scope: 'unit', id: 'rxa-icu', rollup: { beds: { total: 2, occupied: 1 }, ventilators: { inUse: 1 } } })
  })

  it.each([
    ['/api/capacity?id=rxa-icu', 'scope'],
    ['/api/capacity?scope=ward&id=rxa-icu', 'scope'],
    ['/api/capacity?scope=unit', 'id'],
  ])('%s is a 400 naming %s', async (url, name) => {
    const res = await get(url)
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(new RegExp(`^${name}: `))
  })

  it('an unknown scope id is a 404', async () => {
    expect((await get('/api/capacity?scope=section&id=rxa-icu')).statusCode).toBe(404)
  })
})

describe('alarms', () => {
  it('lists alarms, filtered by state and asset', async () => {
    expect((await get('/api/alarms')).json()).toHaveLength(2)
    expect((await get('/api/alarms?state=active')).json().map((a: { id: string }) => a.id)).toEqual(['alarm-1'])
    expect((await get('/api/alarms?asset=rxa-ward-3-bed-01')).json().map((a: { id: string }) => a.id)).toEqual(['alarm-2'])
    const bad = await get('/api/alarms?state=ringing')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toMatch(/^state: must be one of active, acknowledged, cleared/)
  })

  it('an engineer acknowledges; the twin records the token name', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/alarms/alarm-1/ack', headers: auth('engineer') })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: 'alarm-1', state: 'acknowledged', acknowledgedBy: 'Erin Engineer' })
    expect(twin.acks).toEqual([{ id: 'alarm-1', by: 'Erin Engineer' }])
  })

  it('an admin may acknowledge too; an unknown alarm is a 404', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/alarms/alarm-2/ack', headers: auth('admin') })).statusCode).toBe(200)
    expect(twin.acks).toEqual([{ id: 'alarm-2', by: 'Ada Admin' }])
    expect((await app.inject({ method: 'POST', url: '/api/alarms/nope/ack', headers: auth('admin') })).statusCode).toBe(404)
  })
})

describe('health, metrics, unknown routes', () => {
  it('GET /healthz answers without a token', async () => {
    const res = await app.inject({ url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok' })
  })

  it('GET /healthz answers 503 when the health check throws', async () => {
    const broken = makeApi({ health: () => { throw new Error('store gone') } })
    const res = await broken.app.inject({ url: '/healthz' })
    expect(res.statusCode).toBe(503)
    await broken.app.close()
  })

  it('GET /metrics answers Prometheus text with the stream gauge', async () => {
    const res = await get('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('rhn_aggregator_points_total 42\n')
    expect(res.body).toContain('rhn_aggregator_api_stream_clients 0\n')
  })

  it('an unknown route is a 404 with the catalogue code', async () => {
    const res = await get('/api/nothing')
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('RHN_AGG_NOT_FOUND')
  })
})
