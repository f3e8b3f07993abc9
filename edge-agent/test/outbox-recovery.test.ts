import { spawn } from 'node:child_process'
import { appendFile, open, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { batch, captureLogger, cleanup, openOutbox, segmentFiles, tempDir } from './outbox-support.js'

afterEach(cleanup)

/** Writes batches 0..n-1 to a fresh outbox in `dir` and closes it; returns the path of the segment holding them. */
async function fill(dir: string, n: number): Promise<string> {
  const outbox = await openOutbox(dir)
  for (let seq = 0; seq < n; seq++) await outbox.append(batch(seq))
  await outbox.close()
  const files = await segmentFiles(dir)
  return join(dir, files.at(-1)!)
}

describe('DiskOutbox: recovery at open', () => {
  it('truncates a torn last record, reports it, and keeps every earlier batch', async () => {
    const dir = await tempDir()
    const segment = await fill(dir, 5)
    const size = (await stat(segment)).size
    await truncate(segment, size - 40) // the last record loses its end, as if the write was cut short

    const { logger, lines } = captureLogger()
    const outbox = await openOutbox(dir, { logger })
    expect(outbox.stats().truncatedRecords).toBe(1)
    expect(lines.find((l) => l.code === 'RHN_EDGE_OUTBOX_CORRUPT')).toMatchObject({ level: 40, records: 1 })
    const back = await outbox.read(0, 100)
    expect(back.map((b) => b.id)).toEqual([1, 2, 3, 4])
    expect(back.map((b) => b.readings)).toEqual([0, 1, 2, 3].map((seq) => batch(seq)))
    expect(await outbox.append(batch(9))).toBe(6) // the lost id is not reused
    await outbox.close()
    expect((await stat(segment)).size).toBeLessThan(size - 40) // the torn bytes are gone from the file
  })

  it('truncates garbage after the last record', async () => {
    const dir = await tempDir()
    const segment = await fill(dir, 3)
    await appendFile(segment, Buffer.from('this is not a record, just bytes a crash left behind'))
    const outbox = await openOutbox(dir)
    expect(outbox.stats().truncatedRecords).toBe(1)
    expect((await outbox.read(0, 100)).map((b) => b.id)).toEqual([1, 2, 3])
    await outbox.close()
  })

  it('treats a record whose checksum fails as the start of the damage', async () => {
    const dir = await tempDir()
    const segment = await fill(dir, 4)
    const size = (await stat(segment)).size
    const handle = await open(segment, 'r+')
    await handle.write(Buffer.from('X'), 0, 1, size - 3) // one byte flipped inside the last record
    await handle.close()
    const outbox = await openOutbox(dir)
    expect(outbox.stats().truncatedRecords).toBe(1)
    expect((await outbox.read(0, 100)).map((b) => b.id)).toEqual([1, 2, 3])
    await outbox.close()
  })

  it('does not replay batches acknowledged before a crash once their ack was checkpointed', async () => {
    const dir = await tempDir()
    const crashed = await openOutbox(dir, { ackFlushMs: 10 })
    for (let seq = 0; seq < 6; seq++) await crashed.append(batch(seq))
    for (const id of [1, 2, 3, 5]) crashed.ack(id)
    // The next checkpoint carries all four acks (they were made in one turn): wait for it to be on disk.
    await vi.waitFor(async () => expect((await stat(join(dir, 'acks.log'))).size).toBeGreaterThan(0), { timeout: 5_000 })
    // A second process opens the folder while the first never closed: what a restart after kill -9 sees.
    const restarted = await openOutbox(dir)
    expect((await restarted.read(0, 100)).map((b) => b.id)).toEqual([4, 6])
    await restarted.close()
    await crashed.close()
  })

  it('loses no fsynced batch when the writing process is killed with SIGKILL', async () => {
    const dir = await tempDir()
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const script = fileURLToPath(new URL('./outbox-kill9-child.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', script, dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        // Kill mid-stream, once it has been writing long enough to roll segments a few times.
        if (out.split('\n').length > 600) resolve()
      })
      child.on('exit', () => reject(new Error(`child exited early: ${err}`)))
    })
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    // Only whole lines count: a line cut by the kill was not fully printed.
    const printed = out.slice(0, out.lastIndexOf('\n')).split('\n').map((line) => line.split(' ').map(Number) as [number, number])
    const outbox = await openOutbox(dir)
    const back = await outbox.read(0, 1_000_000)
    const byId = new Map(back.map((b) => [b.id, b]))
    for (const [id, seq] of printed) expect(byId.get(id)?.readings).toEqual(batch(seq))
    const ids = back.map((b) => b.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(await outbox.append(batch(0))).toBeGreaterThan(Math.max(...ids))
    await outbox.close()
  })
})
