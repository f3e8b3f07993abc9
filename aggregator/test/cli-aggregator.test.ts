// `rhn-aggregator` as a user runs it (issue 5 "CLI"): validate with line numbers, run printing the
// page address and token names, SIGINT stopping it cleanly with exit 0 and no process left.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { isAlive as alive, startMosquitto, type MosquittoBroker } from '@rhn/test/harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDir, waitFor, type TestDir } from './aggregator-support.js'

const CLI = new URL('../src/cli/rhn-aggregator.ts', import.meta.url).pathname
const ROOT = new URL('../../', import.meta.url).pathname

interface Run {
  child: ChildProcess
  stdout: string
  stderr: string
  /** The exit code, once the process exited and its output streams closed (so stdout/stderr are complete). */
  exit: Promise<number | null>
}

/** Every child started, so a failed test leaves none running. */
const started: ChildProcess[] = []

function cli(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('close', (code) => resolve(code))) }
  child.stdout.on('data', (b: Buffer) => (run.stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (run.stderr += b.toString()))
  return run
}

describe('rhn-aggregator CLI', () => {
  let broker: MosquittoBroker
  let t: TestDir

  beforeAll(async () => {
    broker = await startMosquitto()
    t = await makeDir(broker.url, '{ type: sqlite, path: ./data/telemetry.sqlite }')
  })
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await broker?.stop()
    await t?.remove()
  })

  it('validate accepts a good config and its registry, exit 0', async () => {
    const run = cli(['validate', '--config', t.configFile])
    expect(await run.exit).toBe(0)
    expect(run.stdout).toMatch(/aggregator\.yaml: valid — hospital RXA/)
  })

  it('validate lists every config problem with key path and line, exit 1', async () => {
    const bad = t.configFile.replace(/aggregator\.yaml$/, 'bad.yaml')
    await writeFile(bad, ['mode: hospital', 'hospitalId: RXA', 'registry: ./registry.yaml', 'mqtt: { url: http://nope }', 'api:', '  port: 99999', '  colour: blue'].join('\n'))
    const run = cli(['validate', '--config', bad])
    expect(await run.exit).toBe(1)
    expect(run.stderr).toMatch(/bad\.yaml:4:\d+: mqtt\.url: must be mqtt:\/\/host/)
    expect(run.stderr).toMatch(/bad\.yaml:6:\d+: api\.port/)
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+: api: .*colour/)
  })

  it('validate also checks the registry file (with its lines) and that it holds the hospital, exit 1', async () => {
    const other = t.configFile.replace(/aggregator\.yaml$/, 'other.yaml')
    const registry = t.configFile.replace(/aggregator\.yaml$/, 'broken-registry.yaml')
    await writeFile(registry, 'region: { id: north, name: North }\nhospitals:\n  - id: RXB\n    name: Other\n    gateways: [{ id: gw-1 }]\n    units:\n      - { id: u1, name: U, type: spaceship, sections: [] }\n')
    await writeFile(other, `mode: hospital\nhospitalId: RXA\nregistry: ./broken-registry.yaml\nmqtt: { url: '${broker.url}' }\napi: { tokens: [{ name: a, token: aaaaaaaaaaaaaaaaaaaa, role: viewer }] }\n`)
    const missing = t.configFile.replace(/aggregator\.yaml$/, 'missing.yaml')
    await writeFile(missing, `mode: hospital\nregistry: ./registry.yaml\nhospitalId: RXZ\nmqtt: { url: '${broker.url}' }\napi: { tokens: [{ name: a, token: aaaaaaaaaaaaaaaaaaaa, role: viewer }] }\n`)
    const run = cli(['validate', '--config', other])
    const absent = cli(['validate', '--config', missing])
    expect(await run.exit).toBe(1)
    expect(run.stderr).toMatch(/broken-registry\.yaml:7:\d+: hospitals\[0\]\.units\[0\]\.type/)
    expect(await absent.exit).toBe(1)
    expect(absent.stderr).toMatch(/missing\.yaml:3:\d+: hospitalId: "RXZ" is not in the registry/)
  })

  it('run prints the page address and token names; SIGINT stops it with exit 0 and no process left', async () => {
    const run = cli(['run', '--config', t.configFile])
    const url = await waitFor(() => /page (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stdout)?.[1], 'page URL printed', 20_000)
    await waitFor(() => run.stdout.includes('tokens accepted'), 'token names printed')
    expect(run.stdout).toMatch(/tokens accepted: Vic Viewer \(viewer\), Erin Engineer \(engineer\)/)
    expect(run.stdout).not.toContain('viewer-token-0123456789')
    const health = (await (await fetch(new URL('/healthz', url))).json()) as { registry: { error?: unknown } }
    expect(health.registry.error).toBeUndefined()
    run.child.kill('SIGINT')
    expect(await run.exit).toBe(0)
    expect(run.stdout).toMatch(/stopped\./)
    expect(alive(run.child.pid!)).toBe(false)
    await expect(fetch(new URL('/healthz', url))).rejects.toThrow()
  })

  it('names a missing region token file (exit 1), and answers --help (0) and bad usage (2)', async () => {
    const region = cli(['run', '--config', new URL('../../protocols/examples/aggregator-region.example.yaml', import.meta.url).pathname])
    const help = cli(['run', '--help'])
    const usage = cli(['serve'])
    expect(await region.exit).toBe(1)
    expect(region.stderr).toMatch(/api\.tokenFile: cannot read/)
    expect(await help.exit).toBe(0)
    expect(help.stdout).toMatch(/Usage: rhn-aggregator run --config FILE/)
    expect(await usage.exit).toBe(2)
    expect(usage.stderr).toMatch(/unknown command 'serve'/)
  })
})
