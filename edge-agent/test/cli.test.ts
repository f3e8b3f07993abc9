import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEdgeConfig } from '@rhn/protocols'

const cli = new URL('../src/cli/rhn-edge.ts', import.meta.url).pathname
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', cli, ...args], { encoding: 'utf8' })

describe('rhn-edge CLI', () => {
  it('init writes a commented example that validate accepts, and refuses to overwrite without --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-edge-cli-'))
    const file = join(dir, 'rhn-edge.yaml')
    const init = run('init', '--out', file)
    expect(init.status).toBe(0)
    expect(init.stdout).toContain(`wrote ${file}`)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^# Written by `rhn-edge init`/)
    expect(parseEdgeConfig(text).devices.length).toBeGreaterThan(3)
    const validate = run('validate', '--config', file)
    expect(validate.status).toBe(0)
    expect(validate.stdout).toMatch(/valid — gateway RXA\/gw-rxa-crit/)
    const again = run('init', '--out', file)
    expect(again.status).toBe(2)
    expect(again.stderr).toContain('exists; use --force')
  })

  it('validate lists every problem with its key path and line, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-edge-cli-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(
      file,
      ['gateway: { groupId: rxa, edgeNodeId: gw-1 }', 'mqtt: { url: http://broker }', 'devices:', '  - { id: vent-1, driver: modbus, host: 10.0.0.1, unitIds: [1], map: ventilator, pollIntervalMs: fast }'].join('\n'),
    )
    const r = run('validate', '--config', file)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`${file}:1:`)
    expect(r.stderr).toContain('gateway.groupId')
    expect(r.stderr).toMatch(new RegExp(`${file}:2:\\d+: mqtt.url`))
    expect(r.stderr).toMatch(new RegExp(`${file}:4:\\d+: devices\\[0\\].pollIntervalMs`))
  })

  it('speaks plainly on bad usage: exit 2 with the reason and the help', () => {
    expect(run('--help').stdout).toContain('Usage: rhn-edge <command>')
    const none = run('run')
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('run needs --config FILE')
    const missing = run('validate', '--config', '/nonexistent/rhn-edge.yaml')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('cannot read /nonexistent/rhn-edge.yaml: ENOENT')
    const scheme = run('discover', 'http://example')
    expect(scheme.status).toBe(2)
    expect(scheme.stderr).toContain("unknown scheme in 'http://example'")
  })
})
