// issue 6 "Crash: kill -9 during writes loses no block that was announced": a child process appends
// blocks with fsync=always and prints each one after its append resolved; it is killed with SIGKILL
// mid-stream, and every printed block must be on disk and verify when the store is opened again.
import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openChainStore } from '../src/store/file-store.js'
import { makeConsortium, type TestConsortium } from './fixtures/consortium.js'

const script = new URL('./fixtures/append-loop.ts', import.meta.url).pathname
const root = new URL('../..', import.meta.url).pathname

/** A running append loop and the blocks it has announced. */
class Appender {
  readonly announced = new Map<number, string>()
  startHeight: number | undefined
  readonly exited: Promise<NodeJS.Signals | null>
  private buf = ''
  private stderr = ''
  private waiters: Array<() => void> = []

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (this.buf + d.toString()).split('\n')
      this.buf = lines.pop() ?? ''
      for (const line of lines) {
        const [a, b] = line.split(' ')
        if (a === 'ready') this.startHeight = Number(b)
        else this.announced.set(Number(a), b!)
      }
      for (const w of this.waiters.splice(0)) w()
    })
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
    this.exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
  }

  /** Resolves once `n` blocks were announced; rejects with the child's stderr if it exits first. */
  async waitFor(n: number): Promise<void> {
    const exit = this.exited.then(() => {
      throw new Error(`append loop exited early:\n${this.stderr}`)
    })
    while (this.announced.size < n) await Promise.race([new Promise<void>((r) => this.waiters.push(r)), exit])
  }
}

describe('kill -9 during block writes', () => {
  let c: TestConsortium
  const children: ChildProcess[] = []

  beforeAll(async () => {
    c = await makeConsortium(4)
  })
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })

  it('loses no announced block, and the node refuses to re-sign an announced height after restart', async () => {
    const n = c.nodes[0]!
    const announced = new Map<number, string>()
    let headAfterKill = -1
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', script, n.dataDir, c.genesisFile, n.keyFile, n.member], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      const app = new Appender(child)
      await app.waitFor(15 + round * 7)
      child.kill('SIGKILL')
      expect(await app.exited).toBe('SIGKILL')
      // Each run continued from the verified head the previous run left.
      expect(app.startHeight).toBe(headAfterKill)
      for (const [h, hash] of app.announced) announced.set(h, hash)

      const store = await openChainStore({ dir: n.dataDir, membership: c.membership })
      try {
        const head = store.head(n.chain)!
        headAfterKill = head.header.height
        const maxAnnounced = Math.max(...announced.keys())
        expect(head.header.height).toBeGreaterThanOrEqual(maxAnnounced)
        for (const [h, hash] of announced) expect(store.get(n.chain, h)?.hash, `height ${h}`).toBe(hash)
        const last = store.lastSigned()!
        expect(last.height).toBeGreaterThanOrEqual(maxAnnounced)
        expect(last.height).toBeLessThanOrEqual(head.header.height)
        // Signing anything else at an announced height is refused.
        expect(() => store.assertMaySign(n.chain, maxAnnounced, 'f'.repeat(64))).toThrow(expect.objectContaining({ code: 'RHN_LEDGER_EQUIVOCATION' }))
      } finally {
        await store.close()
      }
    }
    expect(announced.size).toBeGreaterThanOrEqual(15 + 22 + 29)
  }, 120_000)
})
