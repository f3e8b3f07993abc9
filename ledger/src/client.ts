/**
 * `LedgerClient`: the HTTP client of one ledger node's API, used by the hospital aggregator (submit
 * snapshots, requests, transfers; read their status) and the regional aggregator (page through
 * confirmed transactions). The API shapes are in `@rhn/protocols` (`ledger/api.ts`).
 */
import type { ChainHead, ConfirmedPage, LedgerState, LedgerStatus, SubmittedTxInput, TxAccepted, TxStatus } from '@rhn/protocols'

/** Options of {@link LedgerClient}; every field but `url` is optional. */
export interface LedgerClientInit {
  /** Base URL of the node API, e.g. `http://127.0.0.1:8090`. */
  url: string
  /** Bearer token for submissions (reads are open). */
  token?: string
  /** Per-request timeout, ms (default 10 s: a node on loopback answers in milliseconds). */
  timeoutMs?: number
}

/** Default per-request timeout, ms. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 10_000

/** An HTTP answer other than 2xx, with the node's stable error code when it sent one. */
export class LedgerClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'LedgerClientError'
  }
}

/** Client of one ledger node's HTTP API. Stateless: safe to share. */
export class LedgerClient {
  readonly url: string
  readonly #token: string | undefined
  readonly #timeoutMs: number

  constructor(init: LedgerClientInit) {
    this.url = init.url.replace(/\/+$/, '')
    this.#token = init.token
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS
  }

  /** The node's status: member, peers, heads, counts. */
  status(signal?: AbortSignal): Promise<LedgerStatus> {
    return this.#get('/api/status', signal)
  }

  /** Every chain's head as the node holds it. */
  heads(signal?: AbortSignal): Promise<ChainHead[]> {
    return this.#get('/api/heads', signal)
  }

  /** A transaction's place and status, or undefined when the node does not know it (yet). */
  async tx(txId: string, signal?: AbortSignal): Promise<TxStatus | undefined> {
    try {
      return await this.#get<TxStatus>(`/api/txs/${encodeURIComponent(txId)}`, signal)
    } catch (err) {
      if (err instanceof LedgerClientError && err.status === 404) return undefined
      throw err
    }
  }

  /** Confirmed transactions after `cursor` (0 = from the start), at most `limit`. */
  confirmed(after: number, limit = 1_000, signal?: AbortSignal): Promise<ConfirmedPage> {
    return this.#get(`/api/confirmed?after=${after}&limit=${limit}`, signal)
  }

  /**
   * The node's confirmed state at its current cursor (`GET /api/state`): rebuild a view from it, then
   * page on with `confirmed(state.cursor)`. `recent` (1–1,000) sets each member's `recentFrom`.
   * A node without the route answers 404 (`LedgerClientError` with `status` 404).
   */
  state(recent = 1, signal?: AbortSignal): Promise<LedgerState> {
    return this.#get(`/api/state?recent=${recent}`, signal)
  }

  /** Submits a transaction of this node's member; resolves with its id once the node has accepted it. */
  async submit(tx: SubmittedTxInput, signal?: AbortSignal): Promise<TxAccepted> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`
    return this.#request('/api/txs', { method: 'POST', headers, body: JSON.stringify(tx) }, signal)
  }

  #get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.#request(path, { method: 'GET' }, signal)
  }

  async #request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.#timeoutMs)
    const res = await fetch(`${this.url}${path}`, { ...init, signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) })
    const text = await res.text()
    if (!res.ok) {
      let code: string | undefined
      let message = text
      try {
        const body = JSON.parse(text) as { code?: string; message?: string }
        code = body.code
        message = body.message ?? text
      } catch {
        // not JSON: keep the text
      }
      throw new LedgerClientError(`ledger node ${this.url}${path} answered ${res.status}: ${message}`, res.status, code)
    }
    return JSON.parse(text) as T
  }
}
