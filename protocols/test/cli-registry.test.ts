import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const cli = new URL('../src/cli/rhn-registry.ts', import.meta.url).pathname
const example = new URL('../examples/region-north.yaml', import.meta.url).pathname

/** Runs the CLI from its TypeScript source, as a user would run the built one. */
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', cli, ...args], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('rhn-registry CLI', () => {
  it('shows the example hierarchy with capacities and exits 0', () => {
    const r = run('show', example)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^North Region \(region north\) — 3 hospitals · /)
    expect(r.stdout).toMatch(/RXC {2}Moorside Community Hospital — \d+ beds/)
  })

  it('validates a broken registry: exit 1 and every problem on stderr with file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-registry-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'region: { id: north, name: North }\nhospitals:\n  - id: nope\n    name: X\n    gateways: []\n    units: []\n')
    const r = run('validate', file)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`${file}:3:`)
    expect(r.stderr).toContain('hospitals[0].id')
    expect(r.stderr).toContain('hospitals[0].gateways')
    expect(r.stderr).toContain('hospitals[0].units')
  })

  it('explains usage: --help exits 0, a bad command or missing file exits 2 saying why', () => {
    expect(run('--help').stdout).toContain('Usage: rhn-registry')
    expect(run('--help').status).toBe(0)
    const bad = run('frobnicate', example)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("expected 'show FILE' or 'validate FILE'")
    const missing = run('show', '/nonexistent/registry.yaml')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('cannot read /nonexistent/registry.yaml: ENOENT')
  })
})
