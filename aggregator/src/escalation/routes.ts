/** `GET /api/escalation` (issue 7): the OPEL level with its reason of the hospital and of each unit. */
import type { FastifyInstance } from 'fastify'
import type { RouteAccess } from '../api/auth.js'
import { AggregatorError } from '../errors.js'
import type { HospitalEscalationView } from './monitor.js'

const viewer: { access: RouteAccess } = { access: { role: 'viewer' } }

/** Registers `GET /api/escalation` answering `current()` (404 when this server evaluates no levels). */
export function registerEscalationRoutes(app: FastifyInstance, escalation: { current(): HospitalEscalationView } | undefined): void {
  app.get('/api/escalation', { config: viewer }, () => {
    if (escalation === undefined) throw new AggregatorError('RHN_AGG_NOT_FOUND', 'no escalation levels are evaluated by this server')
    return escalation.current()
  })
}
