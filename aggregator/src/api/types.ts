import type { API_ROLES } from '@rhn/protocols'
import type { FastifyBaseLogger } from 'fastify'
import type { TelemetryStore } from '../store/types.js'
import type { TwinView } from '../twin/types.js'

/** An API role: viewer reads, engineer also acknowledges alarms, admin everything (ordered viewer < engineer < admin). */
export type ApiRole = (typeof API_ROLES)[number]

/** One bearer token from `api.tokens` (or the token file): `name` is recorded as who acknowledged an alarm. */
export interface ApiToken {
  name: string
  token: string
  role: ApiRole
}

/** The listening address and tokens: the `api` section of the aggregator config, token file already read. */
export interface ApiServerConfig {
  host: string
  /** TCP port; 0 picks a free one (tests). */
  port: number
  tokens: readonly ApiToken[]
}

/** The principal a request was authenticated as. */
export interface ApiPrincipal {
  name: string
  role: ApiRole
}

/** What the API server needs (js-libp2p style "components"): every dependency comes in here. */
export interface ApiServerComponents {
  twin: TwinView
  store: TelemetryStore
  config: ApiServerConfig
  /** Body of `GET /healthz` (anonymous): keep it free of secrets. A throw answers 503. */
  health: () => object
  /** Prometheus text exposition of the aggregator's metrics for `GET /metrics`. */
  metrics: () => string
  /** The hospital this aggregator serves (FHIR Location root, MeasureReport subject). */
  hospital: { id: string; name: string }
  /** Structured logger (pino). */
  logger: FastifyBaseLogger
}

/** Tunables, every field optional (js-libp2p "Init" style). */
export interface ApiServerInit {
  /** Clock, ms since 1970 (default `Date.now`): history defaults and FHIR timestamps. */
  now?: () => number
  /** SSE heartbeat comment period, ms (default {@link DEFAULT_HEARTBEAT_MS}). */
  heartbeatMs?: number
}

/** Options of {@link createApiServer}: the components plus optional tunables. */
export type ApiServerOptions = ApiServerComponents & ApiServerInit

/**
 * SSE heartbeat period, ms. 15 s: well under the 30–60 s idle timeouts of common reverse proxies
 * and load balancers, so an idle stream is not cut, and a dead client is noticed within a period.
 */
export const DEFAULT_HEARTBEAT_MS = 15_000
