// PointBuilder: one store point per (asset, timestamp) whatever order a message's values come in.
import { describe, expect, it } from 'vitest'
import { PointBuilder } from '../src/twin/points.js'

const tags = { region: 'north', hospital: 'RXA', unit: 'icu', section: 'bay-a', asset: 'vent-1', kind: 'ventilator' } as const

describe('PointBuilder', () => {
  it('groups values by timestamp: in time order, and when a replay interleaves older timestamps', () => {
    const b = new PointBuilder(tags)
    const values: [string, number, number][] = [
      ['a', 1, 100],
      ['b', 2, 100],
      ['a', 3, 200],
      ['a', 4, 50], // older than everything so far
      ['b', 5, 200], // back to an earlier timestamp
      ['b', 6, 100],
      ['c', 7, 300],
      ['c', 8, 50],
    ]
    for (const [name, value, t] of values) b.add(name, value, t)
    expect(b.points).toEqual([
      { tags, fields: { a: 1, b: 6 }, timestamp: 100 },
      { tags, fields: { a: 3, b: 5 }, timestamp: 200 },
      { tags, fields: { a: 4, c: 8 }, timestamp: 50 },
      { tags, fields: { c: 7 }, timestamp: 300 },
    ])
  })
})
