import type { SubmittedTxInput } from '@rhn/protocols'
import { LedgerClientError } from '@rhn/ledger'
import { describe, expect, it } from 'vitest'
import { LedgerLink } from '../src/ledger-link/link.js'
import { FakeClock, hospitalTwin, ICU_BEDS } from './ledger-link-support.js'
import { data } from './twin-support.js'

/** A submitter stub: records what arrives and when, and fails while `down` is set. */
function stubNode(clock: FakeClock) {
  const node = {
    down: false as false | Error,
    got: [] as { at: number; tx: SubmittedTxInput }[],
    submit: (tx: SubmittedTxInput): Promise<{ txId: string }> => {
      if (node.down !== false) return Promise.reject(node.down)
      node.got.push({ at: clock.t, tx })
      return Promise.resolve({ txId: `tx-${node.got.length}` })
    },
    snapshots: () => node.got.filter((g) => g.tx.kind === 'capacity-snapshot'),
  }
  return node
}

function setup(init: { minIntervalMs?: number; snapshotPeriodMs?: number } = {}) {
  const clock = new FakeClock()
  const node = stubNode(clock)
  const h = hospitalTwin(clock)
  const link = new LedgerLink({ client: node, snapshot: h.snapshot, nodeUrl: 'http://stand-in' }, { now: clock.now, timers: clock, snapshotPeriodMs: 60_000, minIntervalMs: 500, retryInitialMs: 1_000, retryMaxMs: 8_000, ...init })
  return { clock, node, link, ...h }
}

const ESC = (n: number): SubmittedTxInput => ({ kind: 'escalation-change', hospital: 'RXA', unit: 'rxa-icu', from: 1, to: 2, reason: `change ${n}`, at: n })

describe('ledger link: capacity snapshots', () => {
  it('publishes at start and then every snapshotPeriodS, with nothing changing', async () => {
    const { clock, node, link } = setup()
    link.start()
    await clock.advance(0)
    expect(node.snapshots().map((s) => s.at - clock.t)).toEqual([0])
    await clock.advance(59_999)
    expect(node.snapshots()).toHaveLength(1)
    await clock.advance(1)
    await clock.advance(60_000)
    expect(node.snapshots()).toHaveLength(3)
    expect(link.stats()).toMatchObject({ snapshotsPublished: 3, snapshotsFailed: 0, lastPublishedAt: clock.t })
    link.close()
    expect(clock.pending).toBe(0)
  })

  it('publishes at once on a significant change (one bed), but not for an insignificant one', async () => {
    const { clock, node, link, occupy } = setup()
    link.start()
    await clock.advance(10_000)
    link.check()
    await clock.advance(0)
    expect(node.snapshots()).toHaveLength(1)
    occupy(ICU_BEDS[0]!)
    link.check()
    await clock.advance(0)
    expect(node.snapshots()).toHaveLength(2)
    const icu = (node.snapshots()[1]!.tx as { units: { unit: string; beds: { occupied: number } }[] }).units.find((u) => u.unit === 'rxa-icu')
    expect(icu?.beds.occupied).toBe(1)
    link.close()
  })

  it('publishes at most once per minIntervalMs: a surge of changes coalesces into the latest figures', async () => {
    const { clock, node, link, occupy } = setup({ minIntervalMs: 5_000 })
    link.start()
    await clock.advance(0)
    for (let i = 0; i < 10; i++) {
      occupy(ICU_BEDS[i]!)
      link.check()
      await clock.advance(100)
    }
    // 1 s after start: only the start snapshot went out; the next waits for the 5 s interval.
    expect(node.snapshots()).toHaveLength(1)
    await clock.advance(4_000)
    expect(node.snapshots()).toHaveLength(2)
    expect(node.snapshots()[1]!.at - node.snapshots()[0]!.at).toBe(5_000)
    const icu = (node.snapshots()[1]!.tx as { units: { unit: string; beds: { occupied: number } }[] }).units.find((u) => u.unit === 'rxa-icu')
    expect(icu?.beds.occupied).toBe(10)
    link.close()
  })
})

describe('ledger link: node down', () => {
  it('retries with backoff, keeps only the latest snapshot, and loses no ordered submission', async () => {
    const { clock, node, link, occupy } = setup()
    node.down = new TypeError('fetch failed')
    link.start()
    await clock.advance(0)
    link.enqueue(ESC(1))
    link.enqueue(ESC(2))
    occupy(ICU_BEDS[0]!)
    link.check()
    await clock.advance(1_000) // retry 1 (after 1 s) fails
    await clock.advance(2_000) // retry 2 (after 2 s) fails
    expect(link.health()).toMatchObject({ state: 'retrying', consecutiveFailures: 3, queued: 2, snapshotPending: true })
    expect(link.health().lastError).toMatch(/escalation-change submission: fetch failed/)
    link.enqueue(ESC(3))
    occupy(ICU_BEDS[1]!)
    node.down = false
    await clock.advance(4_000) // retry 3 (after 4 s) succeeds
    // In order, each once, then one snapshot with the latest figures (2 beds), not one per change.
    expect(node.got.map((g) => g.tx.kind === 'escalation-change' ? g.tx.reason : g.tx.kind)).toEqual(['change 1', 'change 2', 'change 3', 'capacity-snapshot'])
    const icu = (node.snapshots()[0]!.tx as { units: { unit: string; beds: { occupied: number } }[] }).units.find((u) => u.unit === 'rxa-icu')
    expect(icu?.beds.occupied).toBe(2)
    expect(link.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0, queued: 0, snapshotPending: false })
    expect(link.submissions().map((s) => s.state)).toEqual(['submitted', 'submitted', 'submitted'])
    link.close()
  })

  it('counts admissions since the last snapshot the node accepted, across failed attempts', async () => {
    const { clock, node, link, twin } = setup()
    twin.apply(data('rxa-adt', { 'PatientFlow/Admissions': 10 }, clock.t))
    link.start()
    await clock.advance(0)
    node.down = new TypeError('fetch failed')
    twin.apply(data('rxa-adt', { 'PatientFlow/Admissions': 14 }, clock.t + 1))
    await clock.advance(60_000) // period snapshot fails
    twin.apply(data('rxa-adt', { 'PatientFlow/Admissions': 17 }, clock.t + 1))
    node.down = false
    await clock.advance(2_000)
    const ed = (s: number) => (node.snapshots()[s]!.tx as { units: { unit: string; admissions: number }[] }).units.find((u) => u.unit === 'rxa-ed')?.admissions
    expect(node.snapshots()).toHaveLength(2)
    expect(ed(1)).toBe(7)
    link.close()
  })

  it('marks a submission the node refuses as rejected and goes on with the next', async () => {
    const { clock, node, link } = setup()
    link.start()
    await clock.advance(0)
    const real = node.submit
    node.submit = (tx) => {
      if (tx.kind === 'escalation-change' && tx.reason === 'change 1') return Promise.reject(new LedgerClientError('ledger node answered 400: tx invalid', 400, 'RHN_LEDGER_TX_INVALID'))
      return real(tx)
    }
    const bad = link.enqueue(ESC(1))
    const good = link.enqueue(ESC(2))
    await clock.advance(0)
    expect(bad).toMatchObject({ state: 'rejected', error: expect.stringMatching(/tx invalid/) })
    expect(good).toMatchObject({ state: 'submitted', txId: expect.any(String) })
    link.close()
  })

  it('refuses new submissions when the bounded queue is full, naming why', async () => {
    const clock = new FakeClock()
    const node = stubNode(clock)
    node.down = new TypeError('fetch failed')
    const link = new LedgerLink({ client: node, snapshot: hospitalTwin(clock).snapshot, nodeUrl: 'http://stand-in' }, { now: clock.now, timers: clock, queueLimit: 2 })
    link.start()
    link.enqueue(ESC(1))
    link.enqueue(ESC(2))
    await clock.advance(0)
    expect(() => link.enqueue(ESC(3))).toThrow(/2 submissions already wait for http:\/\/stand-in/)
    link.close()
  })
})
