import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DiskOutbox, OutboxPolicy } from '../src/outbox/index.js'
import { batch, captureLogger, cleanup, openOutbox, pendingIds, segmentFiles, tempDir } from './outbox-support.js'

afterEach(cleanup)

/** Every batch here is the same 10 readings, so every record has the same size. */
const same = batch(0)
let recordBytes = 0

beforeAll(async () => {
  const dir = await tempDir()
  const outbox = await openOutbox(dir)
  await outbox.append(same)
  await outbox.close()
  recordBytes = (await stat(join(dir, (await segmentFiles(dir))[0]!))).size
})

/** An outbox of three 4-batch segments (maxBytes = 12 records) holding batches 1..12: full. */
async function fullOutbox(policy: OutboxPolicy, logger = captureLogger().logger): Promise<DiskOutbox> {
  const outbox = await openOutbox(await tempDir(), { policy, segmentBytes: 4 * recordBytes, maxBytes: 12 * recordBytes, logger })
  for (let i = 0; i < 12; i++) await outbox.append(same)
  expect(outbox.stats()).toMatchObject({ pendingBatches: 12, droppedReadings: 0 })
  return outbox
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('DiskOutbox at maxBytes', () => {
  it('drop-oldest deletes the oldest segment and counts exactly the unacknowledged readings in it', async () => {
    const { logger, lines } = captureLogger()
    const outbox = await fullOutbox('drop-oldest', logger)
    outbox.ack(2) // acknowledged readings are not "dropped"
    expect(await outbox.append(same)).toBe(13)
    expect(await pendingIds(outbox)).toEqual(range(5, 13))
    expect(outbox.stats()).toMatchObject({ droppedReadings: 30, pendingBatches: 9, pendingReadings: 90 })
    expect(outbox.stats().bytes).toBeLessThanOrEqual(12 * recordBytes + 1024) // segments + the small ack file
    expect(lines.find((l) => l.code === 'RHN_EDGE_OUTBOX_FULL')).toMatchObject({ level: 40, readings: 30 })
    await outbox.close()
  })

  it('drop-newest refuses the new batch with RHN_EDGE_OUTBOX_FULL, counts it, and accepts again once acks free a segment', async () => {
    const outbox = await fullOutbox('drop-newest')
    await expect(outbox.append(same)).rejects.toMatchObject({ code: 'RHN_EDGE_OUTBOX_FULL' })
    await expect(outbox.append(same)).rejects.toMatchObject({ code: 'RHN_EDGE_OUTBOX_FULL' })
    expect(outbox.stats().droppedReadings).toBe(20)
    expect(await pendingIds(outbox)).toEqual(range(1, 12))
    for (const id of range(1, 4)) outbox.ack(id)
    expect(await outbox.append(same)).toBe(13) // refused batches took no id
    await outbox.close()
  })

  it('block makes append wait until acks free a segment', async () => {
    const outbox = await fullOutbox('block')
    let id: number | undefined
    const waiting = outbox.append(same).then((v) => (id = v))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(id).toBeUndefined()
    for (const ack of range(1, 3)) outbox.ack(ack)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(id).toBeUndefined() // a partly acknowledged segment frees nothing
    outbox.ack(4)
    expect(await waiting).toBe(13)
    expect(outbox.stats().droppedReadings).toBe(0)
    await outbox.close()
  })

  it('block lets a waiting append be aborted, and close refuses what still waits', async () => {
    const outbox = await fullOutbox('block')
    const controller = new AbortController()
    const aborted = outbox.append(same, controller.signal)
    const closing = outbox.append(same)
    controller.abort(new Error('gave up'))
    await expect(aborted).rejects.toThrow('gave up')
    const refused = expect(closing).rejects.toMatchObject({ code: 'RHN_EDGE_OUTBOX_FULL' })
    await outbox.close()
    await refused
  })

  it('refuses a batch larger than maxBytes whatever the policy', async () => {
    const outbox = await openOutbox(await tempDir(), { policy: 'drop-oldest', maxBytes: 1_000 })
    await expect(outbox.append(batch(1, 200))).rejects.toMatchObject({ code: 'RHN_EDGE_OUTBOX_FULL' })
    expect(outbox.stats().droppedReadings).toBe(200)
    await outbox.close()
  })
})
