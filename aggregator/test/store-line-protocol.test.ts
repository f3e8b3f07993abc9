import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../src/store/influxdb/backoff.js'
import { LineEncoder, fieldValue } from '../src/store/influxdb/line-protocol.js'
import { PointChecker } from '../src/store/point.js'
import type { PointTags } from '../src/store/index.js'

const tags: PointTags = { region: 'north', hospital: 'RXA', unit: 'rxa-icu', section: 'rxa-icu-bay-a', asset: 'rxa-icu-vent-01', kind: 'ventilator' }

describe('line protocol of the influxdb store', () => {
  it('writes the kind as measurement, the six tags sorted, typed fields and ms time', () => {
    const checked = new PointChecker().check([{ tags, fields: { 'Ventilation/PEEP': 8, 'Alarm/Active': false, 'Ventilation/Mode': 'PC "a"', 'Air Leak': 0.5 }, timestamp: 1_717_171_717_000 }])
    expect(new LineEncoder().line(checked.points[0]!)).toBe(
      'ventilator,asset=rxa-icu-vent-01,hospital=RXA,kind=ventilator,region=north,section=rxa-icu-bay-a,unit=rxa-icu ' +
        'Ventilation/PEEP=8,Alarm/Active=false,Ventilation/Mode="PC \\"a\\"",Air\\ Leak=0.5 1717171717000',
    )
  })

  it('writes numbers as floats so whole and fractional values share one field type', () => {
    expect(fieldValue(8)).toBe('8')
    expect(fieldValue(-0.125)).toBe('-0.125')
    expect(fieldValue(true)).toBe('true')
    expect(fieldValue('a\\b')).toBe('"a\\\\b"')
  })

  it('never emits a key outside PointTags, and refuses values that are not bounded ids', () => {
    const checker = new PointChecker()
    const result = checker.check([
      { tags: { ...tags, rfid: 'E28011606000020' } as PointTags, fields: { x: 1 }, timestamp: 1 },
      { tags: { ...tags, asset: 'patient 4711' }, fields: { x: 1 }, timestamp: 1 },
      { tags: { ...tags, kind: 'toaster' as PointTags['kind'] }, fields: { x: 1 }, timestamp: 1 },
      { tags, fields: { x: 1 }, timestamp: 1.5 },
    ])
    expect(result.points).toHaveLength(1)
    expect(Object.keys(result.points[0]!.tags).sort()).toEqual(['asset', 'hospital', 'kind', 'region', 'section', 'unit'])
    expect(result.rejectedPoints).toBe(3)
  })
})

describe('retry backoff', () => {
  it('doubles from minMs up to maxMs, spread by the jitter', () => {
    const retry = { minMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 }
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, retry, () => 0.5))).toEqual([500, 1_000, 2_000, 4_000, 30_000])
    expect(backoffDelay(0, retry, () => 0)).toBe(400)
    expect(backoffDelay(0, retry, () => 0.999999)).toBe(600)
  })
})
