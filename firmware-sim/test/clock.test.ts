import { describe, expect, it } from 'vitest'
import { ManualClock, RealtimeClock } from '../src/clock.js'
import { createRng } from '../src/rng.js'

const start = Date.UTC(2025, 0, 13, 6)

describe('virtual clock', () => {
  it('fires timers in virtual-time order, equal times in the order set, and shows their due time as now', () => {
    const clock = new ManualClock(start)
    const seen: string[] = []
    clock.setTimeout(() => seen.push(`b@${clock.elapsedMs()}`), 2_000)
    clock.setTimeout(() => seen.push(`a@${clock.elapsedMs()}`), 1_000)
    clock.setTimeout(() => seen.push(`c@${clock.elapsedMs()}`), 2_000)
    const tick = clock.setInterval(() => seen.push(`i@${clock.elapsedMs()}`), 1_500)
    clock.advance(3_100)
    tick.cancel()
    clock.advance(10_000)
    expect(seen).toEqual(['a@1000', 'i@1500', 'b@2000', 'c@2000', 'i@3000'])
    expect(clock.now()).toBe(start + 13_100)
  })

  it('schedules from inside a timer relative to that timer, not to where advance() will stop', () => {
    const clock = new ManualClock(start)
    const at: number[] = []
    clock.setTimeout(() => clock.setTimeout(() => at.push(clock.elapsedMs()), 100), 1_000)
    clock.advance(60_000)
    expect(at).toEqual([1_100])
  })

  it('compresses time by its speed against real time, and close() stops every timer', async () => {
    const clock = new RealtimeClock(start, 1_000)
    let scheduledAt = 0
    const fired = await new Promise<number>((resolve) => {
      scheduledAt = clock.elapsedMs()
      clock.setTimeout(() => resolve(clock.elapsedMs()), 20_000) // 20 virtual s ≈ 20 real ms
    })
    expect(fired - scheduledAt).toBeGreaterThanOrEqual(20_000) // due time as seen inside the timer
    let late = false
    clock.setTimeout(() => (late = true), 1_000)
    clock.close()
    await new Promise((r) => setTimeout(r, 20))
    expect(late).toBe(false)
  })
})

describe('seeded streams', () => {
  it('gives the same numbers for the same seed and stream, and different ones otherwise', () => {
    const draw = (seed: number, name: string) => {
      const rng = createRng(seed, name)
      return Array.from({ length: 5 }, () => rng.next())
    }
    expect(draw(42, 'RXA/admissions')).toEqual(draw(42, 'RXA/admissions'))
    expect(draw(42, 'RXA/admissions')).not.toEqual(draw(43, 'RXA/admissions'))
    expect(draw(42, 'RXA/admissions')).not.toEqual(draw(42, 'RXB/admissions'))
  })

  it('draws plausible distributions', () => {
    const rng = createRng(1, 'stats')
    const n = 20_000
    const normals = Array.from({ length: n }, () => rng.normal(10, 2))
    const mean = normals.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
    expect(mean).toBeCloseTo(10, 1)
    expect(sd).toBeCloseTo(2, 1)
    const exp = Array.from({ length: n }, () => rng.exponential(5)).reduce((a, b) => a + b, 0) / n
    expect(exp).toBeGreaterThan(4.8)
    expect(exp).toBeLessThan(5.2)
    expect(new Set(Array.from({ length: 1000 }, () => rng.int(6)))).toEqual(new Set([0, 1, 2, 3, 4, 5]))
  })
})
