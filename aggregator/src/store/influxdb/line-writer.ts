/**
 * Posting a batch of line protocol. Two writers behind one interface:
 * - v1: `POST /write?db=…&precision=ms` (InfluxDB 1.x, and the v1-compatible endpoint of 2.x/3.x);
 * - v2: `POST /api/v2/write?org=…&bucket=…&precision=ms` through `@influxdata/influxdb-client`.
 * Both post the batch exactly as encoded, so a spilled batch is replayed byte for byte.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { HttpError, InfluxDB as InfluxV2 } from '@influxdata/influxdb-client'

/** Posts one batch; resolves once the server accepted it. */
export interface LineWriter {
  readonly api: 'v1' | 'v2'
  write(body: string): Promise<void>
  /** Closes the connections kept open between batches (after the last write). */
  close(): void
}

/**
 * The server answered and refused the batch for good (malformed line, field type conflict, points
 * beyond retention, batch too large): retrying it would fail again, so it is dropped and counted.
 * InfluxDB 1.x writes the good points of a batch and says how many it dropped (`partial write: … dropped=N`).
 */
export class WriteRejectedError extends Error {
  readonly status: number
  /** Points InfluxDB says it dropped; undefined when it did not say (then the whole batch counts). */
  readonly dropped: number | undefined

  constructor(status: number, detail: string) {
    super(`InfluxDB refused the batch (HTTP ${status}): ${detail.slice(0, 300)}`)
    this.name = 'WriteRejectedError'
    this.status = status
    const match = /dropped=(\d+)/.exec(detail)
    this.dropped = match === null ? undefined : Number(match[1])
  }
}

/** The server could not take the batch now (down, timeout, 5xx, 401/404 until fixed): keep it and retry. */
export class WriteUnavailableError extends Error {
  /** HTTP status when the server answered; undefined for a network error. */
  readonly status: number | undefined

  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WriteUnavailableError'
    this.status = status
  }
}

/**
 * Statuses that mean "this batch will never be accepted". Everything else is retried: 401/403 and
 * 404 (database not found) are configuration a person fixes while the spill keeps the points.
 */
const REJECTED = new Set([400, 413, 422])

function classify(status: number, detail: string): Error {
  return REJECTED.has(status) ? new WriteRejectedError(status, detail) : new WriteUnavailableError(`InfluxDB answered HTTP ${status}: ${detail.slice(0, 300)}`, status)
}

/** Options of {@link V1LineWriter}. */
export interface V1WriterInit {
  url: string
  database: string
  username?: string
  password?: string
  timeoutMs: number
}

/**
 * `POST /write` of the v1 HTTP API, on `node:http` with one kept-alive connection. Not `fetch`: its
 * body streams cost ~1-3 µs of CPU a point on 5,000-line batches where a plain request costs ~0.6
 * (measured against influxd 1.6 here; issue 5 "Speed"), and the host's CPU is what caps ingest.
 */
export class V1LineWriter implements LineWriter {
  readonly api = 'v1'
  readonly #endpoint: URL
  readonly #headers: Record<string, string>
  readonly #timeoutMs: number
  readonly #agent: HttpAgent
  readonly #request: typeof httpRequest

  constructor(init: V1WriterInit) {
    // No `rp`: the store makes its raw policy the database default, and 2.x/3.x map the default through DBRP.
    this.#endpoint = new URL(`${init.url.replace(/\/+$/, '')}/write?db=${encodeURIComponent(init.database)}&precision=ms`)
    const https = this.#endpoint.protocol === 'https:'
    // Idle kept-alive sockets are unref'd by the agent, so they never hold the process open.
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
    this.#request = https ? httpsRequest : httpRequest
    this.#headers = { 'content-type': 'text/plain; charset=utf-8' }
    if (init.username !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${init.username}:${init.password ?? ''}`).toString('base64')}`
    }
    this.#timeoutMs = init.timeoutMs
  }

  write(body: string): Promise<void> {
    const payload = Buffer.from(body, 'utf8')
    return new Promise((resolve, reject) => {
      const unreachable = (err: Error): void => reject(new WriteUnavailableError(`InfluxDB unreachable: ${String(err)}`, undefined, { cause: err }))
      const headers = { ...this.#headers, 'content-length': String(payload.length) }
      const req = this.#request(this.#endpoint, { method: 'POST', agent: this.#agent, headers, signal: AbortSignal.timeout(this.#timeoutMs) }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', unreachable)
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve()
          else reject(classify(status, Buffer.concat(chunks).toString('utf8')))
        })
      })
      req.on('error', unreachable)
      req.end(payload)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

/** Options of {@link V2LineWriter}. */
export interface V2WriterInit {
  url: string
  token: string
  org: string
  bucket: string
  timeoutMs: number
}

/** `POST /api/v2/write` through the official v2 client's transport (its own batching and retries are not used: the store has them). */
export class V2LineWriter implements LineWriter {
  readonly api = 'v2'
  readonly #client: InfluxV2
  readonly #path: string

  constructor(init: V2WriterInit) {
    this.#client = new InfluxV2({ url: init.url, token: init.token, timeout: init.timeoutMs })
    this.#path = `/api/v2/write?org=${encodeURIComponent(init.org)}&bucket=${encodeURIComponent(init.bucket)}&precision=ms`
  }

  async write(body: string): Promise<void> {
    try {
      await this.#client.transport.request(this.#path, body, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } })
    } catch (err) {
      if (err instanceof HttpError) throw classify(err.statusCode, err.body ?? err.message)
      throw new WriteUnavailableError(`InfluxDB unreachable: ${String(err)}`, undefined, { cause: err })
    }
  }

  close(): void {
    // Nothing of the writer's own: the v2 client's transport keeps no connection pool here.
  }
}
