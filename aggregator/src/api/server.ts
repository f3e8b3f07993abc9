/**
 * The aggregator's HTTP server (issue 5 "API and page"): twin API, live stream, FHIR views, health,
 * metrics, OpenAPI document and the web page, behind bearer tokens with roles.
 */
import type { FastifyInstance } from 'fastify'
import { registerEscalationRoutes, type HospitalEscalationView } from '../escalation/index.js'
import { registerFhirRoutes } from '../fhir/index.js'
import { loadPatientKey, registerLedgerRoutes, type LedgerRoutesComponents } from '../ledger-link/index.js'
import { registerUi } from '../ui/index.js'
import { openApiDocument } from './openapi.js'
import { checkConfig, checkInit } from './options.js'
import { registerTwinRoutes } from './routes-twin.js'
import { createServerBase, registerHealthAndMetrics } from './server-base.js'
import { registerStream } from './stream.js'
import type { ApiServerOptions } from './types.js'

/** HTTP status of each API error code. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  RHN_AGG_BAD_PARAMETER: 400,
  RHN_AGG_UNAUTHORIZED: 401,
  RHN_AGG_FORBIDDEN: 403,
  RHN_AGG_NOT_FOUND: 404,
  RHN_AGG_LEDGER_REJECTED: 422,
  RHN_AGG_LEDGER_UNAVAILABLE: 503,
})

/** Issue 7 routes: `GET /api/escalation` and `/api/ledger/*` (answering 503 without a ledger link). */
export interface LedgerApiComponents {
  escalation?: { current(): HospitalEscalationView }
  ledger?: LedgerRoutesComponents
}

/**
 * Creates the API server: a fastify instance whose `listen()` without arguments listens on
 * `config.host:config.port` (resolving to the base URL), and whose `close()` also ends open streams.
 * Options are validated here (a bad one throws `RHN_AGG_CONFIG_INVALID` naming it). Routes are
 * registered inside one plugin, so an `onRoute` hook added before `ready()` sees every route.
 */
export function createApiServer(options: ApiServerOptions & LedgerApiComponents): FastifyInstance {
  const config = checkConfig(options.config)
  const { heartbeatMs, now } = checkInit(options)
  const { twin, store, health, metrics, hospital, logger } = options
  const { app, principalOf } = createServerBase({ config, logger, statusOfCode: STATUS_OF_CODE })

  void app.register(async (api) => {
    registerTwinRoutes(api, { twin, store }, now, principalOf)
    // Always registered (the OpenAPI document lists them): without a monitor or link they answer 404 / 503.
    registerEscalationRoutes(api, options.escalation)
    registerLedgerRoutes(api, options.ledger ?? { hospitalId: hospital.id, patientKey: () => loadPatientKey(undefined), now })
    const hub = registerStream(api, twin, heartbeatMs)
    registerHealthAndMetrics(api, { health, metrics, streamClients: () => hub.clients })
    const doc = openApiDocument()
    api.get('/openapi.json', () => doc)
    registerUi(api)
    await api.register(
      (f, _opts, done) => {
        registerFhirRoutes(f, { twin, hospital, now })
        done()
      },
      { prefix: '/fhir' },
    )
  })

  return app
}
