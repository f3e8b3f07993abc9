/**
 * `GET /api/stream` in region mode: the region's changes as server-sent events (WHATWG HTML §9.2),
 * `event: <snapshot|flow|escalation|ledger|recommendations>` + `id` + `data: <RegionEvent JSON>`, with
 * the hospital stream's heartbeat, backlog limit and retry hint. Every stream ends when the server closes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RouteAccess } from '../api/auth.js'
import { MAX_STREAM_BACKLOG_BYTES, STREAM_RETRY_MS } from '../api/stream.js'
import type { RegionTwin } from './region-twin.js'

/** EventSource sends no headers: `?access_token=` is accepted here only. */
const access: RouteAccess = { role: 'viewer', queryToken: true }

/** Registers the stream route; returns the count of open streams. */
export function registerRegionStream(app: FastifyInstance, twin: RegionTwin, heartbeatMs: number): { readonly clients: number } {
  const open = new Set<() => void>()
  app.get('/api/stream', { config: { access } }, (req: FastifyRequest, reply: FastifyReply) => {
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    raw.write(`retry: ${STREAM_RETRY_MS}\n: connected\n\n`)
    let seq = 0
    let closed = false
    const send = (chunk: string): void => {
      if (closed) return
      if (raw.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        req.log.warn('region stream client too far behind; closing its stream')
        end()
        return
      }
      raw.write(chunk)
    }
    const timer = setInterval(() => send(`: heartbeat ${Date.now()}\n\n`), heartbeatMs)
    timer.unref()
    const unsubscribe = twin.onEvent((e) => send(`event: ${e.type}\nid: ${++seq}\ndata: ${JSON.stringify(e)}\n\n`))
    function end(): void {
      if (closed) return
      closed = true
      unsubscribe()
      clearInterval(timer)
      open.delete(end)
      if (!raw.writableEnded) raw.end()
    }
    open.add(end)
    raw.on('close', end)
    raw.on('error', end)
  })
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end()
    done()
  })
  return {
    get clients() {
      return open.size
    },
  }
}
