// Test support for the region suites: a stand-in ledger node (a real HTTP server on loopback that
// serves /api/confirmed pages from a list, /api/state of it when asked to, and takes POST /api/txs, as the node API in
// protocols/src/ledger/api.ts says; it stands in until @rhn/ledger exports createLedgerNode), snapshot
// builders, and a temp folder with a region config and the example registry.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfirmedState } from '@rhn/ledger'
import { type CapacitySnapshotTx, type ConfirmedTx, type SubmittedTx, type UnitCapacity, parseAggregatorConfig } from '@rhn/protocols'
import { RegionAggregator, type RegionAggregatorInit } from '../src/index.js'
import { ENGINEER, EXAMPLE_REGISTRY, VIEWER, waitFor } from './aggregator-support.js'

export { ENGINEER, VIEWER, waitFor }

/** GTINs of the example registry (valid check digits). */
export const FFP3 = '05012345000015'
export const GOWN = '05012345000039'

let txSeq = 0

/** A stand-in ledger node: confirmed transactions from a list, submissions recorded. */
export class StandInLedger {
  readonly confirmed: ConfirmedTx[] = []
  readonly submitted: { tx: SubmittedTx; token: string | undefined }[] = []
  /** Bearer token POST /api/txs accepts (others get 401). */
  readonly token: string
  /** Requests of /api/confirmed seen (after, limit). */
  readonly polls: { after: number; limit: number }[] = []
  /** Whether GET /api/state is answered (folded by the ledger's own `ConfirmedState`); off, it is a 404 as from an older node. */
  serveState = false
  #server: Server | undefined
  #port = 0
  #member: string

  constructor(member = 'RXB', token = `ledger-token-${member}-0123456789`) {
    this.#member = member
    this.token = token
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  /** Listens on loopback (the same port again after a `down()`). */
  async up(): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res))
    await new Promise<void>((done, fail) => {
      server.once('error', fail)
      server.listen(this.#port, '127.0.0.1', () => done())
    })
    this.#port = (server.address() as AddressInfo).port
    this.#server = server
  }

  /** Stops answering: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((done) => server.close(() => done()))
  }

  /** Confirms transactions (appended in confirmation order, cursors 1, 2, …). */
  confirm(...txs: SubmittedTx[]): ConfirmedTx[] {
    const out = txs.map((tx, i) => {
      const cursor = this.confirmed.length + 1
      const at = (tx.kind === 'capacity-snapshot' ? tx.takenAt : tx.kind === 'patient-transfer' || tx.kind === 'escalation-change' ? tx.at : Date.now()) + 300 + i
      const member = tx.kind === 'capacity-snapshot' || tx.kind === 'escalation-change' ? tx.hospital : tx.kind === 'patient-transfer' ? tx.origin : tx.from
      const item: ConfirmedTx = { cursor, txId: (++txSeq).toString(16).padStart(64, '0'), tx, member, block: { chain: 'c-0', height: cursor, hash: 'a'.repeat(64) }, blockTime: at - 100, confirmedAt: at }
      this.confirmed.push(item)
      return item
    })
    return out
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'GET' && url.pathname === '/api/confirmed') {
      const after = Number(url.searchParams.get('after') ?? 0)
      const limit = Number(url.searchParams.get('limit') ?? 1000)
      this.polls.push({ after, limit })
      const items = this.confirmed.filter((c) => c.cursor > after).slice(0, limit)
      return send(200, { items, next: items.at(-1)?.cursor ?? after })
    }
    if (req.method === 'GET' && url.pathname === '/api/state' && this.serveState) {
      return send(200, new ConfirmedState().addAll(this.confirmed).view(Number(url.searchParams.get('recent') ?? 1)))
    }
    if (req.method === 'POST' && url.pathname === '/api/txs') {
      let body = ''
      for await (const chunk of req) body += String(chunk)
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
      if (token !== this.token) return send(401, { code: 'RHN_LEDGER_UNAUTHORIZED', message: 'bearer token missing or wrong' })
      const tx = JSON.parse(body) as SubmittedTx
      if ('from' in tx && tx.from !== this.#member) return send(403, { code: 'RHN_LEDGER_FORBIDDEN', message: `authored by ${tx.from}, this node writes ${this.#member}'s` })
      this.submitted.push({ tx, token })
      return send(202, { txId: randomUUID().replaceAll('-', '').padEnd(64, '0') })
    }
    send(404, { code: 'RHN_LEDGER_NOT_FOUND', message: `no route ${req.method} ${url.pathname}` })
  }
}

/** One unit's capacity with sensible defaults. */
export function unit(id: string, unitType: UnitCapacity['unitType'], beds: [total: number, occupied: number], vents: [total: number, inUse: number] = [0, 0], more: Partial<UnitCapacity> = {}): UnitCapacity {
  return {
    unit: id,
    unitType,
    beds: { total: beds[0], occupied: beds[1], available: beds[0] - beds[1] },
    ventilators: { total: vents[0], inUse: vents[1], available: vents[0] - vents[1] },
    ppe: [],
    admissions: 0,
    discharges: 0,
    escalation: { level: 1, reason: 'steady' },
    ...more,
  }
}

/** A capacity snapshot of `hospital` at `takenAt`. */
export function snapshot(hospital: string, takenAt: number, units: UnitCapacity[]): CapacitySnapshotTx {
  return { kind: 'capacity-snapshot', hospital, takenAt, units, escalation: { level: 1, reason: 'steady' } }
}

/** A temp folder with a region config (sqlite store in the folder) and token files. */
export interface RegionDir {
  dir: string
  configFile: string
  remove(): Promise<void>
}

/** Writes `region.yaml`; `ledger` is the node URL, `delegates` member → stand-in node. */
export async function makeRegionDir(ledger: string, delegates: Record<string, { url: string; token: string }> = {}, extra = ''): Promise<RegionDir> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-region-'))
  const lines = ['mode: region', 'regionId: north', `registry: ${EXAMPLE_REGISTRY}`, 'store: { type: sqlite, path: ./region.sqlite }', 'api:', '  port: 0', '  tokens:']
  for (const t of [VIEWER, ENGINEER]) lines.push(`    - { name: ${t.name}, token: ${t.token}, role: ${t.role} }`)
  lines.push('ledger:', `  nodeUrl: ${ledger}`, '  pollMs: 50', '  delegates:')
  for (const [member, node] of Object.entries(delegates)) {
    await writeFile(join(dir, `${member}.token`), `${node.token}\n`)
    lines.push(`    ${member}: { nodeUrl: '${node.url}', tokenFile: ./${member}.token }`)
  }
  if (Object.keys(delegates).length === 0) lines[lines.length - 1] = '  delegates: {}'
  const configFile = join(dir, 'region.yaml')
  await writeFile(configFile, `${lines.join('\n')}\n${extra}`)
  return { dir, configFile, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** A region aggregator from a folder's config (not started). */
export async function regionAggregator(d: RegionDir, init: Omit<RegionAggregatorInit, 'config'> = {}): Promise<RegionAggregator> {
  const { readFile } = await import('node:fs/promises')
  const config = parseAggregatorConfig(await readFile(d.configFile, 'utf8'), d.configFile)
  return new RegionAggregator({ baseDir: d.dir, solveDebounceMs: 20, checkpointIntervalMs: 50, ...init, config })
}

/** GET an API path with a token; returns status and JSON. */
export async function get<T = unknown>(base: string, path: string, token: string = VIEWER.token): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as T }
}

/** POST an API path with a token and a JSON body. */
export async function post<T = unknown>(base: string, path: string, token: string, body: unknown = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as T }
}
