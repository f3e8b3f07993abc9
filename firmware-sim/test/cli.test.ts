import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { portIsFree } from './opcua-support.js'

const cli = new URL('../src/cli/rhn-sim.ts', import.meta.url).pathname
const examples = new URL('../../protocols/examples/', import.meta.url).pathname
const nodeArgs = ['--import', 'tsx', '--conditions=rhn-source', cli]

function run(...args: string[]) {
  return spawnSync(process.execPath, [...nodeArgs, ...args], { encoding: 'utf8' })
}

function scenarioFile(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'rhn-sim-cli-'))
  const file = join(dir, 'scenario.yaml')
  writeFileSync(file, `name: cli-test\nregistry: ${join(examples, 'region-north.yaml')}\nhospitals: [RXC]\nopcua: { securityModes: [None], securityPolicies: [None] }\n${extra}`)
  return file
}

describe('rhn-sim CLI', () => {
  it('lists the endpoints of a scenario without starting anything', () => {
    const r = run('list', '--scenario', join(examples, 'winter-surge.yaml'))
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^HOSPITAL\s+KIND\s+ID\s+PROTOCOL\s+ADDRESS\s+DEVICES$/)
    expect(r.stdout).toContain('opc.tcp://127.0.0.1:20000/rhn/RXA')
    expect(r.stdout).toMatch(/RXC\s+HL7 v2 ADT feed \(sends to\)\s+RXC\/adt\s+hl7-mllp\s+mllp:\/\/127\.0\.0\.1:2577/)
    expect(r.stderr).toBe('')
  })

  it('says what is wrong: usage errors exit 2, a scenario that does not match the registry exits 1', () => {
    expect(run('--help').stdout).toContain('Usage: rhn-sim')
    const noScenario = run('run')
    expect(noScenario.status).toBe(2)
    expect(noScenario.stderr).toContain('--scenario FILE is required')
    const badSpeed = run('run', '--scenario', scenarioFile(), '--speed', 'fast')
    expect(badSpeed.status).toBe(2)
    expect(badSpeed.stderr).toContain("--speed must be a number")
    const bad = run('list', '--scenario', scenarioFile('faults:\n  - { type: device-power-off, device: rxc-nowhere, atHours: 1, durationS: 5 }\n'))
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('faults[0].device: "rxc-nowhere" is not a component of the simulated hospitals')
  })

  it('runs, prints its endpoints, and on Ctrl-C closes every socket and exits 0', async () => {
    const child = spawn(process.execPath, [...nodeArgs, 'run', '--scenario', scenarioFile(), '--base-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'rhn-sim-data-')), '--status', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes('running; Ctrl-C to stop')) {
          clearInterval(timer)
          resolve()
        }
      }, 50)
      child.once('exit', () => reject(new Error(`exited early:\n${out}`)))
    })
    const ports = [...out.matchAll(/(?:modbus|llrp):\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))
    expect(ports.length).toBeGreaterThan(5)
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(out).toContain('rhn-sim: interrupted; closing every device…')
    expect(out).toContain('rhn-sim: stopped.')
    for (const port of ports) expect(await portIsFree(port), String(port)).toBe(true)
  })
})
