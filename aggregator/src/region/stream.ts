/**
 * `GET /api/stream` in region mode: the region's changes as server-sent events (WHATWG HTML §9.2),
 * `event: <snapshot|flow|escalation|ledger|recommendations>` + `id` + `data: <RegionEvent JSON>`, with
 * the hospital stream's heartbeat, backlog limit and retry hint. Every stream ends when the server closes.
 */
import type { FastifyInstance } from 'fastify'
import { registerEventStream, type StreamHub } from '../api/stream.js'
import type { RegionTwin } from './region-twin.js'

/** Registers the stream route (see `registerEventStream`); returns the count of open streams. */
export function registerRegionStream(app: FastifyInstance, twin: RegionTwin, heartbeatMs: number): StreamHub {
  return registerEventStream(app, heartbeatMs, () => ({ subscribe: (emit) => twin.onEvent(emit) }), 'region stream')
}
