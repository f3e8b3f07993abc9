import { readdir } from 'node:fs/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { batch, cleanup, openOutbox, pendingIds, segmentFiles, tempDir } from './outbox-support.js'

afterEach(cleanup)

describe('DiskOutbox: append, read, ack', () => {
  it('gives appended batches back in order, with their readings, until acknowledged and never after', async () => {
    const outbox = await openOutbox(await tempDir(), { now: () => 42 })
    const ids: number[] = []
    for (let seq = 0; seq < 6; seq++) ids.push(await outbox.append(batch(seq)))
    expect(ids).toEqual([1, 2, 3, 4, 5, 6])

    const all = await outbox.read(0, 100)
    expect(all.map((b) => b.id)).toEqual(ids)
    expect(all[2]).toEqual({ id: 3, enqueuedAt: 42, readings: batch(2) })
    expect((await outbox.read(2, 3)).map((b) => b.id)).toEqual([3, 4, 5])

    outbox.ack(4) // acks may come out of order
    outbox.ack(1)
    outbox.ack(1) // and repeat
    outbox.ack(99) // or name a batch that is not there
    expect(await pendingIds(outbox)).toEqual([2, 3, 5, 6])
    expect(outbox.stats()).toMatchObject({ pendingBatches: 4, pendingReadings: 40, droppedReadings: 0, truncatedRecords: 0 })
    await outbox.close()
  })

  it('keeps NaN, infinities, booleans, strings and exact timestamps through the disk', async () => {
    const dir = await tempDir()
    const outbox = await openOutbox(dir)
    const readings = [
      { device: 'd', metric: 'a', value: Number.NaN, timestamp: 1 },
      { device: 'd', metric: 'b', value: Number.NEGATIVE_INFINITY, timestamp: 1_760_000_000_123 },
      { device: 'é', metric: 'ünïcode/✓', value: 'text "quoted"', timestamp: 2 },
      { device: 'd', metric: 'c', value: false, timestamp: 1_700_000_000_000 },
    ]
    await outbox.append(readings)
    await outbox.close()
    const again = await openOutbox(dir)
    expect((await again.read(0, 10))[0]!.readings).toEqual(readings)
    await again.close()
  })

  it('shares one write among concurrent appends and still resolves them in call order', async () => {
    const outbox = await openOutbox(await tempDir())
    const ids = await Promise.all(Array.from({ length: 500 }, (_, seq) => outbox.append(batch(seq, 2))))
    expect(ids).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    const back = await outbox.read(0, 1000)
    expect(back.map((b) => b.readings[0]!.value)).toEqual(Array.from({ length: 500 }, (_, seq) => seq))
    await outbox.close()
  })

  it('after close and open keeps the unacknowledged batches, and ids keep increasing', async () => {
    const dir = await tempDir()
    const first = await openOutbox(dir)
    for (let seq = 0; seq < 10; seq++) await first.append(batch(seq))
    for (const id of [1, 2, 3, 4, 7]) first.ack(id)
    await first.close()

    const second = await openOutbox(dir)
    const back = await second.read(0, 100)
    expect(back.map((b) => b.id)).toEqual([5, 6, 8, 9, 10])
    expect(back.map((b) => b.readings)).toEqual([4, 5, 7, 8, 9].map((seq) => batch(seq)))
    expect(second.stats()).toMatchObject({ pendingBatches: 5, pendingReadings: 50 })
    expect(await second.append(batch(10))).toBe(11)
    for (const id of [5, 6, 8, 9, 10, 11]) second.ack(id)
    await second.close()

    // Everything acknowledged, every segment deleted: ids still do not restart.
    const third = await openOutbox(dir)
    expect(await pendingIds(third)).toEqual([])
    expect(await third.append(batch(11))).toBe(12)
    await third.close()
  })

  it('reads batches that left the memory window back from disk', async () => {
    const dir = await tempDir()
    const outbox = await openOutbox(dir, { windowReadings: 20, segmentBytes: 2_000 })
    for (let seq = 0; seq < 40; seq++) await outbox.append(batch(seq))
    expect((await segmentFiles(dir)).length).toBeGreaterThan(3)
    outbox.ack(3)
    const back = await outbox.read(1, 30)
    expect(back.map((b) => b.id)).toEqual([2, ...Array.from({ length: 29 }, (_, i) => i + 4)])
    expect(back.map((b) => b.readings)).toEqual(back.map((b) => batch(b.id - 1)))
    await outbox.close()
  })

  it('deletes a segment file once every batch in it is acknowledged', async () => {
    const dir = await tempDir()
    const outbox = await openOutbox(dir, { segmentBytes: 2_000 })
    const ids: number[] = []
    for (let seq = 0; seq < 30; seq++) ids.push(await outbox.append(batch(seq)))
    const before = await segmentFiles(dir)
    expect(before.length).toBeGreaterThan(3)
    for (const id of ids.slice(0, 25)) outbox.ack(id)
    // Deletion runs right after the ack's turn, after a checkpoint: give a loaded machine's fsync time.
    await vi.waitFor(async () => expect((await segmentFiles(dir)).length).toBeLessThan(before.length), { timeout: 5_000 })
    const after = await segmentFiles(dir)
    expect(after[0]! > before[0]!).toBe(true)
    expect(await pendingIds(outbox)).toEqual([26, 27, 28, 29, 30])
    await outbox.close()
    expect(await readdir(dir)).toContain('acks.log')
  })

  it('close is idempotent and later appends are refused', async () => {
    const outbox = await openOutbox(await tempDir())
    const pending = outbox.append(batch(0))
    await Promise.all([outbox.close(), outbox.close()])
    expect(await pending).toBe(1) // what was appended before close is written
    await expect(outbox.append(batch(1))).rejects.toThrow(/closed/)
  })
})
