/**
 * The region's HTTP server: the hospital API's auth (bearer tokens with roles, `authorize`), fastify
 * options and error shape `{ code, message }`, with the region routes, its live stream, `/healthz`,
 * `/metrics` and the region page at `/`.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { checkConfig } from '../api/options.js'
import { STATUS_OF_CODE } from '../api/server.js'
import { createServerBase, registerHealthAndMetrics } from '../api/server-base.js'
import type { ApiServerConfig } from '../api/types.js'
import { REGION_PAGE, registerUi } from '../ui/index.js'
import { registerRegionRoutes, type RegionRouteComponents } from './routes.js'
import { registerRegionStream } from './stream.js'

/** HTTP status of the region's own error codes, on top of the hospital API's. */
export const REGION_STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  ...STATUS_OF_CODE,
  RHN_AGG_NO_DELEGATE: 409,
  // The delegate node could not be reached or refused the request: a bad gateway from the caller's view.
  RHN_AGG_LEDGER_UNAVAILABLE: 502,
  RHN_AGG_LEDGER_REJECTED: 502,
})

/** What the region server needs. */
export interface RegionServerOptions extends Omit<RegionRouteComponents, 'principalOf'> {
  config: ApiServerConfig
  health: () => object
  metrics: () => string
  logger: FastifyBaseLogger
  /** SSE heartbeat period, ms. */
  heartbeatMs: number
}

/** Creates the region server; `listen()` without arguments listens on the configured address and resolves to its URL. */
export function createRegionServer(o: RegionServerOptions): FastifyInstance {
  const config = checkConfig(o.config)
  const { app, principalOf } = createServerBase({ config, logger: o.logger, statusOfCode: REGION_STATUS_OF_CODE })

  void app.register((api, _opts, done) => {
    registerRegionRoutes(api, { ...o, principalOf })
    const hub = registerRegionStream(api, o.twin, o.heartbeatMs)
    registerHealthAndMetrics(api, { health: o.health, metrics: o.metrics, streamClients: () => hub.clients })
    registerUi(api, undefined, REGION_PAGE)
    done()
  })

  return app
}
