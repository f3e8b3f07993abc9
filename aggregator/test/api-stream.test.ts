/** `GET /api/stream` over a real loopback socket: events, subtree filter, heartbeats, clean close. */
import { type IncomingMessage, get } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { TwinEvent } from '../src/twin/types.js'
import { type FakeTwin, makeApi, NOW, TOKENS } from './api-support.js'

/** A minimal SSE reader: collects parsed events and comment lines. */
interface SseClient {
  res: IncomingMessage
  events: { event: string; id: string; data: TwinEvent }[]
  comments: string[]
  ended: Promise<void>
  close(): void
}

function connect(base: string, query = ''): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}/api/stream${query}`, { headers: { authorization: `Bearer ${TOKENS.viewer.token}` } }, (res) => {
      const client: SseClient = {
        res,
        events: [],
        comments: [],
        ended: new Promise((done) => res.on('close', () => done())),
        close: () => req.destroy(),
      }
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const fields: Record<string, string> = {}
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim())
            else if (line.includes(':')) fields[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).trimStart()
          }
          if (fields.data !== undefined) client.events.push({ event: fields.event ?? 'message', id: fields.id ?? '', data: JSON.parse(fields.data) as TwinEvent })
        }
      })
      resolve(client)
    })
    req.on('error', reject)
  })
}

const icuValue: TwinEvent = { type: 'value', asset: 'rxa-icu-vent-01', path: ['RXA', 'rxa-icu', 'rxa-icu-bay-a'], metric: 'Ventilation/PEEP', value: { value: 9, timestamp: NOW } }
const wardOnline: TwinEvent = { type: 'online', asset: 'rxa-ward-3-bed-01', path: ['RXA', 'rxa-ward-3', 'rxa-ward-3-bay-b'], online: false, at: NOW }

let app: FastifyInstance
let twin: FakeTwin
let base: string

async function start(heartbeatMs?: number): Promise<void> {
  ;({ app, twin } = makeApi(heartbeatMs === undefined ? {} : { heartbeatMs }))
  base = await app.listen()
}

afterEach(async () => {
  await app.close()
})

describe('GET /api/stream', () => {
  it('sends a twin event as an SSE event after the twin emits it', async () => {
    await start()
    const client = await connect(base)
    expect(client.res.statusCode).toBe(200)
    expect(client.res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    await expect.poll(() => twin.listeners.size).toBe(1)
    twin.emit(icuValue)
    await expect.poll(() => client.events).toEqual([{ event: 'value', id: '1', data: icuValue }])
    client.close()
  })

  it('filters by subtree: a unit, a section, or a component', async () => {
    await start()
    const ward = await connect(base, '?subtree=rxa-ward-3')
    const bay = await connect(base, '?subtree=rxa-icu-bay-a')
    const vent = await connect(base, '?subtree=rxa-icu-vent-01')
    const all = await connect(base, '?subtree=RXA')
    await expect.poll(() => twin.listeners.size).toBe(4)
    twin.emit(icuValue)
    twin.emit(wardOnline)
    await expect.poll(() => all.events.length).toBe(2)
    expect(ward.events.map((e) => e.data)).toEqual([wardOnline])
    expect(bay.events.map((e) => e.data)).toEqual([icuValue])
    expect(vent.events.map((e) => e.data)).toEqual([icuValue])
    for (const c of [ward, bay, vent, all]) c.close()
  })

  it('an unknown subtree is a 404 naming it', async () => {
    await start()
    const res = await app.inject({ url: '/api/stream?subtree=nowhere', headers: { authorization: `Bearer ${TOKENS.viewer.token}` } })
    expect(res.statusCode).toBe(404)
    expect(res.json().message).toMatch(/^subtree: /)
  })

  it('sends heartbeat comments', async () => {
    await start(50)
    const client = await connect(base)
    await expect.poll(() => client.comments.filter((c) => c.startsWith('heartbeat')).length).toBeGreaterThanOrEqual(2)
    client.close()
  })

  it('unsubscribes from the twin when the client goes away', async () => {
    await start()
    const client = await connect(base)
    await expect.poll(() => twin.listeners.size).toBe(1)
    client.close()
    await expect.poll(() => twin.listeners.size).toBe(0)
  })

  it('ends open streams when the server closes, and close() does not hang', async () => {
    await start()
    const client = await connect(base)
    await expect.poll(() => twin.listeners.size).toBe(1)
    const t0 = Date.now()
    await app.close()
    await client.ended
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(twin.listeners.size).toBe(0)
  })

  it('counts open streams in /metrics', async () => {
    await start()
    const client = await connect(base)
    await expect.poll(() => twin.listeners.size).toBe(1)
    const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKENS.viewer.token}` } })
    expect(res.body).toContain('rhn_aggregator_api_stream_clients 1\n')
    client.close()
  })
})
