// `rhn-aggregator run` in region mode as an operator runs it: it prints the page address, serves
// the region from the (stand-in) ledger node, and stops cleanly on SIGINT with exit 0, leaving its
// checkpoint behind.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HospitalFigures } from '../src/index.js'
import { type RegionDir, StandInLedger, get, makeRegionDir, snapshot, unit, waitFor } from './region-support.js'

const CLI = new URL('../src/cli/rhn-aggregator.ts', import.meta.url).pathname
const ROOT = new URL('../../', import.meta.url).pathname

describe('rhn-aggregator run (region mode)', () => {
  let ledger: StandInLedger
  let dir: RegionDir

  beforeAll(async () => {
    ledger = new StandInLedger()
    await ledger.up()
    ledger.confirm(snapshot('RXA', Date.now() - 60_000, [unit('rxa-icu', 'icu', [12, 7], [10, 3])]))
    dir = await makeRegionDir(ledger.url)
  })

  afterAll(async () => {
    await ledger?.down()
    await dir?.remove()
  })

  it('prints the page, serves the region from the ledger, and stops on SIGINT with exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', CLI, 'run', '--config', dir.configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    const exit = new Promise<number | null>((done) => child.once('close', (code) => done(code)))
    try {
      const url = await waitFor(() => /region north running — page (http:\/\/\S+)/.exec(stdout)?.[1], 'the page address', 30_000)
      await waitFor(() => /API tokens accepted: Vic Viewer \(viewer\), Erin Engineer \(engineer\)/.test(stdout), 'the token names')
      const rxa = await waitFor(async () => (await get<HospitalFigures[]>(url, '/api/region/hospitals')).body.find((h) => h.id === 'RXA' && h.reporting), 'RXA in the region view')
      expect(rxa.beds.occupied).toBe(7)
      child.kill('SIGINT')
      expect(await exit).toBe(0)
      expect(stdout).toMatch(/stopped\./)
      expect(existsSync(join(dir.dir, 'region.sqlite.region.json'))).toBe(true)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 60_000)
})
