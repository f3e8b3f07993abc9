// Shared by the outbox tests: temp folders, a log-capturing logger, deterministic batches.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import type { Reading } from '../src/reading.js'
import { DiskOutbox, type DiskOutboxInit } from '../src/outbox/index.js'

/** A logger whose records land in `lines` (parsed), so tests can assert what an operator would see. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) })
  return { logger, lines }
}

/** Temp folders made by `tempDir`, removed by `cleanup`. */
const made: string[] = []

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rhn-outbox-'))
  made.push(dir)
  return dir
}

export async function cleanup(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
}

/** Batch `seq`: `n` readings of mixed types whose values are derived from `seq`, so content can be checked. */
export function batch(seq: number, n = 10): Reading[] {
  return Array.from({ length: n }, (_, i) => ({
    device: `vent-${String(i % 3).padStart(4, '0')}`,
    metric: i % 4 === 3 ? 'Alarm/Active' : i % 4 === 2 ? 'Mode' : `Ventilation/M${i}`,
    value: i === 0 ? seq : i % 4 === 3 ? seq % 2 === 0 : i % 4 === 2 ? `mode-${seq}` : seq + i / 10,
    timestamp: 1_760_000_000_000 + seq * 1000 + i,
  }))
}

/** Opens an outbox in `dir` with a silent logger unless one is given. */
export function openOutbox(dir: string, init: Partial<DiskOutboxInit> = {}): Promise<DiskOutbox> {
  return DiskOutbox.open({ dir, logger: pino({ level: 'silent' }), ...init })
}

/** The segment files of `dir`, in order. */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort()
}

/** Every pending batch's id. */
export async function pendingIds(outbox: DiskOutbox): Promise<number[]> {
  return (await outbox.read(0, 1_000_000)).map((b) => b.id)
}
