import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What `/healthz` and `/metrics` serve; read at request time. */
export interface HealthSources {
  /** JSON body of `/healthz`; `ok: false` answers 503 so load balancers and systemd watchdogs notice. */
  health(): { ok: boolean } & Record<string, unknown>
  /** Prometheus text of `/metrics`. */
  metrics(): string
}

/**
 * The agent's local health endpoint: `GET /healthz` (each driver's and the broker's state, outbox
 * depth) and `GET /metrics` (Prometheus). Plain node:http: two routes need no framework.
 */
export class HealthServer {
  private server: Server | undefined

  constructor(
    private readonly sources: HealthSources,
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Listens; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end()
      } else if (path === '/healthz') {
        const body = this.sources.health()
        res.writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2))
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.sources.metrics())
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n')
      }
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => resolve())
    })
    return (server.address() as AddressInfo).port
  }

  /** Closes the listener and open connections; idempotent. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
