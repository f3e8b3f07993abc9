// The reorder buffer on its own, with a hand-driven clock: in-order delivery across the 255 → 0
// wrap, holding and releasing, duplicates, and the single timeout per gap.
import { describe, expect, it } from 'vitest'
import { SEQ_AHEAD_WINDOW, SeqReorderBuffer, type HostTimers } from '../src/host/index.js'

/** Timers that fire only when the test says so. */
function manualTimers(): HostTimers & { fire(): void; pending(): number } {
  const timers = new Map<number, () => void>()
  let next = 0
  return {
    setTimeout: (fn) => {
      timers.set(++next, fn)
      return next
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    fire: () => {
      const due = [...timers.values()]
      timers.clear()
      for (const fn of due) fn()
    },
    pending: () => timers.size,
  }
}

function buffer(expected = 1): { buf: SeqReorderBuffer<number>; timers: ReturnType<typeof manualTimers>; gaps: number[] } {
  const timers = manualTimers()
  const gaps: number[] = []
  const buf = new SeqReorderBuffer<number>({ timeoutMs: 1_000, timers, onTimeout: (missing) => gaps.push(missing) })
  buf.reset(expected)
  return { buf, timers, gaps }
}

describe('SeqReorderBuffer', () => {
  it('delivers in order across the 255 → 0 wrap', () => {
    const { buf, timers } = buffer(254)
    expect([254, 255, 0, 1].flatMap((s) => buf.offer(s, s).ready)).toEqual([254, 255, 0, 1])
    expect(timers.pending()).toBe(0)
  })

  it('holds messages ahead of a gap and releases them in order when it closes, stopping the timer', () => {
    const { buf, timers, gaps } = buffer(1)
    expect(buf.offer(3, 3)).toEqual({ verdict: 'held', ready: [] })
    expect(buf.offer(2, 2)).toEqual({ verdict: 'held', ready: [] })
    expect(timers.pending()).toBe(1)
    expect(buf.offer(1, 1)).toEqual({ verdict: 'deliver', ready: [1, 2, 3] })
    expect(timers.pending()).toBe(0)
    expect(buf.expected).toBe(4)
    expect(gaps).toEqual([])
  })

  it('reports the first missing seq once when the timeout elapses, and drops what it held', () => {
    const { buf, timers, gaps } = buffer(1)
    buf.offer(1, 1)
    buf.offer(3, 3)
    buf.offer(4, 4)
    timers.fire()
    expect(gaps).toEqual([2])
    expect(buf.held).toBe(0)
  })

  it('takes a seq behind the expected one, or one already held, as a duplicate', () => {
    const { buf } = buffer(1)
    buf.offer(1, 1)
    buf.offer(2, 2)
    expect(buf.offer(1, 1).verdict).toBe('duplicate')
    buf.offer(5, 5)
    expect(buf.offer(5, 5).verdict).toBe('duplicate')
    // More than half the seq space ahead is indistinguishable from behind: a replay.
    expect(buf.offer((3 + SEQ_AHEAD_WINDOW) % 256, 0).verdict).toBe('duplicate')
    expect(buf.offer((3 + SEQ_AHEAD_WINDOW - 1) % 256, 0).verdict).toBe('held')
  })

  it('reset() drops held messages and the timer', () => {
    const { buf, timers } = buffer(1)
    buf.offer(5, 5)
    buf.reset(1)
    expect(buf.held).toBe(0)
    expect(timers.pending()).toBe(0)
  })
})
