// The compacted state keeps the newest STATE_KEEP transactions of each kind, as the region that reads
// it does, so a state's size does not grow with the ledger's age.
import { type ConfirmedTx, STATE_KEEP } from '@rhn/protocols'
import { describe, expect, it } from 'vitest'
import { ConfirmedState } from '../src/node/state.js'
import { resourceRequestTx } from './fixtures/txs.js'

const T0 = Date.UTC(2025, 0, 6, 8)
const ref = { chain: 'RXA-0', height: 0, hash: '0'.repeat(64) }

/** A confirmed transaction at `cursor` as the feed gives it. */
const confirmed = (cursor: number, tx: ConfirmedTx['tx']): ConfirmedTx => ({ cursor, txId: cursor.toString(16).padStart(64, '0'), tx, member: 'RXA', block: ref, blockTime: T0 + cursor, confirmedAt: T0 + cursor })

describe('ConfirmedState bounds', () => {
  it('carries the newest requests and escalation changes up to STATE_KEEP each, in cursor order', () => {
    const state = new ConfirmedState()
    const requests = STATE_KEEP.flows + 700
    const changes = STATE_KEEP.escalationChanges * 3 + 11
    let cursor = 0
    for (let i = 0; i < Math.max(requests, changes); i++) {
      if (i < requests) state.add(confirmed(++cursor, resourceRequestTx('RXA', 1 + i) as ConfirmedTx['tx']))
      if (i < changes) state.add(confirmed(++cursor, { kind: 'escalation-change', hospital: 'RXA', from: (1 + (i % 3)) as 1 | 2 | 3, to: (1 + ((i + 1) % 3)) as 1 | 2 | 3, reason: `change ${i}`, at: T0 + i }))
    }
    const { others } = state.view()
    const kinds = (kind: string): ConfirmedTx[] => others.filter((o) => o.tx.kind === kind)
    expect(kinds('resource-request')).toHaveLength(STATE_KEEP.flows)
    expect(kinds('escalation-change')).toHaveLength(STATE_KEEP.escalationChanges)
    expect((kinds('escalation-change').at(-1)!.tx as { reason: string }).reason).toBe(`change ${changes - 1}`)
    expect((kinds('escalation-change')[0]!.tx as { reason: string }).reason).toBe(`change ${changes - STATE_KEEP.escalationChanges}`)
    expect(others.map((o) => o.cursor)).toEqual([...others.map((o) => o.cursor)].sort((a, b) => a - b))
    expect(state.cursor).toBe(cursor)
  })
})
