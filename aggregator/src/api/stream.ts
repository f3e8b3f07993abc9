/**
 * `GET /api/stream`: the twin's changes as server-sent events (WHATWG HTML §9.2), optionally only
 * those under one subtree (`?subtree=<hospital|unit|section id>`, or a component id).
 *
 * Each event is `event: <value|online|alarm>` + `id: <n>` + `data: <TwinEvent JSON>`. A comment line
 * (`: heartbeat`) goes out every heartbeat period so proxies keep the connection and a dead client is
 * noticed. Every open stream ends when the server closes (`preClose`), so `close()` never hangs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AggregatorError } from '../errors.js'
import type { TwinEvent, TwinNode, TwinView } from '../twin/types.js'
import type { RouteAccess } from './auth.js'
import { stringParam } from './params.js'

/**
 * A client this far behind (bytes queued in the socket) is cut off; EventSource reconnects by itself.
 * 1 MiB: several thousand events, far more than a healthy browser ever lags.
 */
export const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024

/** Reconnect delay suggested to EventSource, ms (3 s: the spec's usual default, stated explicitly). */
export const STREAM_RETRY_MS = 3_000

/** The stream route; authorisation accepts `?access_token=` here only (EventSource sends no headers). */
const access: RouteAccess = { role: 'viewer', queryToken: true }

/** Open streams, for `/metrics` and for ending them on close. */
export interface StreamHub {
  readonly clients: number
  closeAll(): void
}

function hasNode(node: TwinNode, id: string): boolean {
  return node.id === id || node.children.some((c) => hasNode(c, id))
}

/** Whether `e` is under `subtree` (its registry path holds it, or it is the asset itself). */
export function inSubtree(e: TwinEvent, subtree: string | undefined): boolean {
  return subtree === undefined || e.asset === subtree || e.path.includes(subtree)
}

/** One client's events, as the stream route opens them. */
export interface StreamSubscription<E extends { type: string }> {
  /** Starts delivering events to `emit`; returns the unsubscribe. */
  subscribe: (emit: (e: E) => void) => () => void
  /** Log fields naming this stream when its client falls too far behind. */
  logFields?: object
}

/**
 * Registers `GET /api/stream` as server-sent events: each event is `event: <type>` + `id: <n>` +
 * `data: <JSON>`, a heartbeat comment every `heartbeatMs`, a client more than
 * {@link MAX_STREAM_BACKLOG_BYTES} behind is cut off, and every open stream ends when the server
 * closes. `open` runs per request before the response starts: a throw refuses the request.
 * `what` names the stream in the log.
 */
export function registerEventStream<E extends { type: string }>(app: FastifyInstance, heartbeatMs: number, open: (req: FastifyRequest) => StreamSubscription<E>, what = 'stream'): StreamHub {
  const ends = new Set<() => void>()

  app.get('/api/stream', { config: { access } }, (req: FastifyRequest, reply: FastifyReply) => {
    const { subscribe, logFields } = open(req)
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back.
      'x-accel-buffering': 'no',
    })
    raw.write(`retry: ${STREAM_RETRY_MS}\n: connected\n\n`)
    let seq = 0
    let closed = false
    let unsubscribe = (): void => {}
    // Heartbeats start at once; `send` is defined below and only called when the timer fires.
    const timer = setInterval(() => send(`: heartbeat ${Date.now()}\n\n`), heartbeatMs)
    timer.unref()
    const end = (): void => {
      if (closed) return
      closed = true
      unsubscribe()
      clearInterval(timer)
      ends.delete(end)
      if (!raw.writableEnded) raw.end()
    }
    const send = (chunk: string): void => {
      if (closed) return
      if (raw.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        req.log.warn(logFields ?? {}, `${what} client too far behind; closing its stream`)
        end()
        return
      }
      raw.write(chunk)
    }
    unsubscribe = subscribe((e) => send(`event: ${e.type}\nid: ${++seq}\ndata: ${JSON.stringify(e)}\n\n`))
    ends.add(end)
    // The response's 'close' fires when the client goes away (or after end()).
    raw.on('close', end)
    raw.on('error', end)
  })

  app.addHook('preClose', (done) => {
    for (const end of [...ends]) end()
    done()
  })

  return {
    get clients() {
      return ends.size
    },
    closeAll() {
      for (const end of [...ends]) end()
    },
  }
}

/** Registers the hospital's `GET /api/stream` (optionally one subtree) and returns the hub of open streams. */
export function registerStream(app: FastifyInstance, twin: TwinView, heartbeatMs: number): StreamHub {
  return registerEventStream<TwinEvent>(app, heartbeatMs, (req) => {
    const subtree = stringParam((req.query ?? {}) as Record<string, unknown>, 'subtree')
    if (subtree !== undefined && !hasNode(twin.tree(), subtree)) {
      throw new AggregatorError('RHN_AGG_NOT_FOUND', `subtree: no node with id "${subtree}"`)
    }
    return {
      subscribe: (emit) => twin.onEvent((e) => {
        if (inSubtree(e, subtree)) emit(e)
      }),
      logFields: { subtree },
    }
  })
}
