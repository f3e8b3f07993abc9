/**
 * The rebuild bench's ledger stand-in (issue 7 "Speed"): a region's worth of confirmed capacity
 * snapshots (H hospitals × D days at one snapshot period), served over loopback HTTP as
 * `GET /api/confirmed?after=&limit=` exactly as a ledger node answers it (`{ items, next }`, cursors
 * 1…N in confirmation order, `next` = the last item's cursor, `ConfirmedTx` items as in
 * `@rhn/protocols` `ledger/api.ts`), and `GET /api/state?recent=` from the ledger's own
 * `ConfirmedState` folded over the same transactions (what a node answers, by the node's code), so
 * the region reads both through the real `LedgerClient`.
 *
 * Why not a real node: a node holds every block and confirmed transaction in memory and verifies
 * every block signature on load; 864,000 snapshot blocks plus the endorsements a 20-member quorum
 * (14) needs would take the node minutes and gigabytes to load before the region asks for page one,
 * and that is the node's cost, not the region's. The pages are generated deterministically and
 * written to files first (not timed); the server then only streams a file per request, so the
 * figures measured are the region's: HTTP, JSON parse, fold, store.
 */
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ConfirmedState } from '@rhn/ledger'
import type { CapacitySnapshotTx, ConfirmedPage, ConfirmedTx, UnitCapacity } from '@rhn/protocols'

/** Units of every synthetic hospital: [id suffix, type, beds, ventilators, PPE lines]. 10 units, 222 beds. */
const UNITS: ReadonlyArray<readonly [string, UnitCapacity['unitType'], number, number, number]> = [
  ['ed', 'ed', 24, 2, 2],
  ['icu', 'icu', 16, 16, 2],
  ['hdu', 'hdu', 10, 4, 1],
  ['iso', 'isolation', 10, 2, 2],
  ['theatres', 'theatre', 8, 8, 0],
  ['ward-1', 'ward', 30, 0, 1],
  ['ward-2', 'ward', 30, 0, 1],
  ['ward-3', 'ward', 30, 0, 1],
  ['ward-4', 'ward', 32, 0, 1],
  ['ward-5', 'ward', 32, 0, 1],
]
/** GTINs of the example registry (FFP3 masks, gowns): valid check digits. */
const PPE: ReadonlyArray<readonly [string, 'ffp3-mask' | 'gown']> = [
  ['05012345000015', 'ffp3-mask'],
  ['05012345000039', 'gown'],
]
const DAY_MS = 86_400_000

/** What the bench generates. */
export interface RegionHistory {
  hospitals: string[]
  /** Snapshot period, s. */
  periodS: number
  days: number
  /** First snapshot time, ms since 1970 (the last one is just before now). */
  startMs: number
  /** Confirmed transactions in all (cursors 1…total). */
  total: number
}

/** `n` hospital ids in ODS style: RXA, RXB, … (the first three are in the example registry). */
export function hospitalIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `R${String.fromCharCode(88 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`)
}

/** A history of `days` days of snapshots every `periodS` seconds from `hospitals`, ending now. */
export function regionHistory(hospitals: string[], days: number, periodS: number, now = Date.now()): RegionHistory {
  const steps = Math.floor((days * DAY_MS) / (periodS * 1_000))
  return { hospitals, periodS, days, startMs: now - steps * periodS * 1_000, total: steps * hospitals.length }
}

/** A small deterministic hash of two integers to [0, 1). */
function noise(a: number, b: number): number {
  let x = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)
  x ^= x >>> 15
  x = Math.imul(x, 0x2c1b3c6d)
  x ^= x >>> 12
  return (x >>> 0) / 2 ** 32
}

/** The confirmed transaction at `cursor` (1-based): hospital `cursor-1 mod H`, the step after. */
export function confirmedAt(history: RegionHistory, cursor: number): ConfirmedTx {
  const i = cursor - 1
  const h = i % history.hospitals.length
  const step = Math.floor(i / history.hospitals.length)
  const hospital = history.hospitals[h]!
  const takenAt = history.startMs + step * history.periodS * 1_000 + h * 37
  // Occupancy: a weekly wave per hospital, a daily wave per unit, and noise.
  const week = Math.sin((2 * Math.PI * (takenAt - history.startMs)) / (7 * DAY_MS) + h)
  const units: UnitCapacity[] = UNITS.map(([suffix, unitType, beds, vents, ppeLines], u) => {
    const day = Math.sin((2 * Math.PI * (takenAt % DAY_MS)) / DAY_MS + u)
    const occupied = Math.max(0, Math.min(beds, Math.round(beds * (0.72 + 0.15 * week + 0.06 * day + 0.08 * (noise(i, u) - 0.5)))))
    const inUse = Math.min(vents, Math.round((vents * occupied) / Math.max(1, beds)))
    const r = noise(u, i)
    return {
      unit: `${hospital.toLowerCase()}-${suffix}`,
      unitType,
      beds: { total: beds, occupied, available: beds - occupied },
      ventilators: { total: vents, inUse, available: vents - inUse },
      ppe: PPE.slice(0, ppeLines).map(([gtin, item], p) => ({ gtin, item, stock: 200 + Math.round(400 * noise(i + p, u)), daysOfSupply: Math.round(20 * noise(u + p, i)) / 2 + 1 })),
      admissions: Math.floor(r * 3),
      discharges: Math.floor(noise(i, u + 7) * 3),
      escalation: occupied / beds > 0.92 ? { level: 3, reason: `occupancy ${Math.round((100 * occupied) / beds)} % > 92 %` } : { level: 1, reason: 'steady' },
    }
  })
  const tx: CapacitySnapshotTx = { kind: 'capacity-snapshot', hospital, takenAt, units, escalation: { level: 1, reason: 'steady' } }
  return {
    cursor,
    txId: cursor.toString(16).padStart(64, '0'),
    tx,
    member: hospital,
    block: { chain: `${hospital}-0`, height: step, hash: (cursor * 7919).toString(16).padStart(64, 'a') },
    blockTime: takenAt + 50,
    confirmedAt: takenAt + 400,
  }
}

/** The page the node would answer to `after`/`limit`. */
export function pageOf(history: RegionHistory, after: number, limit: number): ConfirmedPage {
  const items: ConfirmedTx[] = []
  for (let c = after + 1; c <= Math.min(history.total, after + limit); c++) items.push(confirmedAt(history, c))
  return { items, next: items.at(-1)?.cursor ?? after }
}

/** A loopback server of a history's `/api/confirmed`; pages of `pageLimit` from a multiple of it come from files. */
export interface PageServer {
  url: string
  /** Requests answered, and bytes sent. */
  requests: number
  bytes: number
  close(): Promise<void>
}

/** The ledger's state of the whole history, folded by the node's own `ConfirmedState` (setup: one generation of every transaction). */
export function stateOf(history: RegionHistory): ConfirmedState {
  const state = new ConfirmedState()
  for (let c = 1; c <= history.total; c++) state.add(confirmedAt(history, c))
  return state
}

/** Writes the pages of `pageLimit` from cursor `from` on to `dir` (one JSON file each, named by `after`), returning the bytes written. */
export async function writePages(history: RegionHistory, dir: string, pageLimit: number, from = 0): Promise<number> {
  await mkdir(dir, { recursive: true })
  let bytes = 0
  for (let after = from; after < history.total; after += pageLimit) {
    const text = JSON.stringify(pageOf(history, after, pageLimit))
    bytes += Buffer.byteLength(text)
    await writeFile(join(dir, `${after}.json`), text)
  }
  return bytes
}

/**
 * Serves the history: `/api/state` from `state` (none: 404, as an older node), `/api/confirmed`
 * streaming the file `writePages` wrote for that `after` at `pageLimit`, or generating the page.
 */
export async function servePages(history: RegionHistory, dir: string, pageLimit: number, state?: ConfirmedState): Promise<PageServer> {
  const stats = { requests: 0, bytes: 0 }
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'GET' && url.pathname === '/api/state' && state !== undefined) {
      stats.requests += 1
      const text = JSON.stringify(state.view(Number(url.searchParams.get('recent') ?? 1)))
      stats.bytes += Buffer.byteLength(text)
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text)
      return
    }
    if (req.method !== 'GET' || url.pathname !== '/api/confirmed') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'RHN_LEDGER_NOT_FOUND', message: `no route ${req.method} ${url.pathname}` }))
      return
    }
    stats.requests += 1
    const after = Math.max(0, Math.floor(Number(url.searchParams.get('after') ?? 0)))
    const limit = Math.min(10_000, Math.max(0, Math.floor(Number(url.searchParams.get('limit') ?? 1_000))))
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    if (limit === pageLimit && after < history.total && existsSync(join(dir, `${after}.json`))) {
      const file = createReadStream(join(dir, `${after}.json`))
      file.on('data', (chunk) => (stats.bytes += chunk.length))
      file.pipe(res)
    } else {
      const text = JSON.stringify(pageOf(history, after, limit))
      stats.bytes += Buffer.byteLength(text)
      res.end(text)
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return stats.requests
    },
    get bytes() {
      return stats.bytes
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
