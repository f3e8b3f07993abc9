import { describe, expect, it } from 'vitest'
import type { Reading, ReadingValue } from '../src/reading.js'
import { deadbandOverride, ReportByException, type ReportByExceptionInit } from '../src/rbe/index.js'

/** A report-by-exception filter on a clock the test moves. */
function rbe(init: ReportByExceptionInit): { rbe: ReportByException; clock: { t: number } } {
  const clock = { t: 0 }
  return { rbe: new ReportByException(init, { now: () => clock.t }), clock }
}

const r = (value: ReadingValue, timestamp = 0, metric = 'Ventilation/PEEP', device = 'vent-1'): Reading => ({ device, metric, value, timestamp })

/** The values that pass when `values` arrive one by one. */
function passing(filter: ReportByException, values: readonly ReadingValue[], metric?: string): ReadingValue[] {
  return values.flatMap((v, i) => filter.filter([r(v, i, metric)]).map((x) => x.value))
}

describe('ReportByException deadbands', () => {
  it('with no deadband publishes every change and nothing unchanged', () => {
    expect(passing(rbe({}).rbe, [5, 5, 5.01, 5.01, 5])).toEqual([5, 5.01, 5])
  })

  it('absolute: publishes when the value moved more than the deadband from the last published one', () => {
    // 10.4 and 10.5 stay within 0.5 of 10; 10.6 does not; slow drift is caught against the published value.
    expect(passing(rbe({ defaults: { deadbandAbsolute: 0.5 } }).rbe, [10, 10.4, 10.5, 10.6, 10.2, 10.0])).toEqual([10, 10.6, 10.0])
  })

  it('percent: publishes past a share of the last published value; any change from 0 counts', () => {
    expect(passing(rbe({ defaults: { deadbandPercent: 5 } }).rbe, [100, 104, 95.5, 106, 0, 0, 0.001])).toEqual([100, 106, 0, 0.001])
  })

  it('both: exceeding either deadband publishes', () => {
    const { rbe: f } = rbe({ defaults: { deadbandAbsolute: 3, deadbandPercent: 10 } })
    // 104: 4 > 3 absolute (only 4 %); 11.5: 15 % of 10 (only 1.5 absolute); 102 and 10.5 pass neither.
    expect(passing(f, [100, 102, 104, 10, 10.5, 11.5])).toEqual([100, 104, 10, 11.5])
  })

  it('booleans, strings and NaN publish on any change, whatever the deadband', () => {
    const { rbe: f } = rbe({ defaults: { deadbandAbsolute: 100, deadbandPercent: 50 } })
    expect(passing(f, [true, true, false, false, true], 'Alarm/Active')).toEqual([true, false, true])
    expect(passing(f, ['PCV', 'PCV', 'VCV'], 'Mode')).toEqual(['PCV', 'VCV'])
    expect(passing(f, [1, Number.NaN, Number.NaN, 1], 'Sensor')).toEqual([1, Number.NaN, 1])
  })

  it('keeps each device and metric apart, and passes readings through in order into a reused array', () => {
    const { rbe: f } = rbe({})
    const out: Reading[] = []
    const batch = [r(1, 0, 'A'), r(1, 0, 'B'), r(1, 0, 'A', 'vent-2'), r(1, 1, 'A'), r(2, 2, 'B')]
    expect(f.filter(batch, out)).toBe(out)
    expect(out).toEqual([batch[0], batch[1], batch[2], batch[4]])
  })

  it('takes per-device/per-metric overrides, asked once per metric', () => {
    const asked: string[] = []
    const { rbe: f } = rbe({
      defaults: { deadbandAbsolute: 1 },
      optionsFor: (device, metric) => {
        asked.push(`${device}/${metric}`)
        return metric === 'Ventilation/FiO2' ? deadbandOverride({ type: 'percent', value: 10 }) : undefined
      },
    })
    expect(passing(f, [50, 54, 56], 'Ventilation/FiO2')).toEqual([50, 56])
    expect(passing(f, [50, 50.5, 51.5], 'Ventilation/PEEP')).toEqual([50, 51.5])
    expect(asked).toEqual(['vent-1/Ventilation/FiO2', 'vent-1/Ventilation/PEEP'])
    expect(deadbandOverride({ type: 'absolute', value: 2 })).toEqual({ deadbandAbsolute: 2, deadbandPercent: 0 })
    expect(deadbandOverride(undefined)).toBeUndefined()
  })

  it('publishes a forgotten device as new (after DDEATH, the next value goes out)', () => {
    const { rbe: f } = rbe({})
    f.filter([r(7)])
    expect(f.filter([r(7)])).toEqual([])
    f.forget('vent-1')
    expect(f.filter([r(7, 5)])).toEqual([r(7, 5)])
  })
})

describe('ReportByException maximum silence', () => {
  it('re-sends after maxSilenceMs without a publish: the newest held-back reading, else the last value stamped now', () => {
    const { rbe: f, clock } = rbe({ defaults: { deadbandAbsolute: 1, maxSilenceMs: 60_000 } })
    f.filter([r(10, 1)])
    clock.t = 30_000
    expect(f.filter([r(10.3, 30_001)])).toEqual([]) // within the deadband: held back
    expect(f.due(59_999)).toEqual([])
    expect(f.due(60_000)).toEqual([r(10.3, 30_001)]) // a real measurement, not a made-up one
    expect(f.due(61_000)).toEqual([])
    expect(f.due(120_000)).toEqual([r(10.3, 120_000)]) // nothing new arrived: the value still holds now
  })

  it('lets an unchanged reading through once the silence ran out, and restarts the silence on each publish', () => {
    const { rbe: f, clock } = rbe({ defaults: { maxSilenceMs: 10_000 } })
    f.filter([r(1, 0)])
    clock.t = 9_999
    expect(f.filter([r(1, 9_999)])).toEqual([])
    clock.t = 10_000
    expect(f.filter([r(1, 10_000)])).toEqual([r(1, 10_000)])
    clock.t = 15_000
    f.filter([r(2, 15_000)])
    expect(f.due(24_999)).toEqual([])
    expect(f.due(25_000)).toEqual([r(2, 25_000)])
  })

  it('never re-sends with maxSilenceMs 0, and uses each metric its own silence', () => {
    const { rbe: f } = rbe({ optionsFor: (_d, metric) => (metric === 'Fast' ? { maxSilenceMs: 1_000 } : undefined) })
    f.filter([r(1, 0, 'Slow'), r(1, 0, 'Fast')])
    expect(f.due(1_000_000)).toEqual([r(1, 1_000_000, 'Fast')])
  })
})
