import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorCatalogues } from '@rhn/protocols'

const root = new URL('..', import.meta.url).pathname
const packages = ['protocols', 'firmware-sim', 'edge-agent', 'aggregator', 'ledger']

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* sources(path)
    else if (path.endsWith('.ts')) yield path
  }
}

describe('error-code catalogues', () => {
  const all = Object.values(errorCatalogues).flatMap((c) => Object.keys(c))

  it('list every code once, with a description a person can act on', () => {
    expect(new Set(all).size).toBe(all.length)
    for (const [pkg, catalogue] of Object.entries(errorCatalogues)) {
      const prefix = { '@rhn/protocols': 'RHN_PROTO_', '@rhn/firmware-sim': 'RHN_SIM_', '@rhn/edge-agent': 'RHN_EDGE_', '@rhn/aggregator': 'RHN_AGG_', '@rhn/ledger': 'RHN_LEDGER_' }[pkg]!
      for (const [code, text] of Object.entries(catalogue)) {
        expect(code.startsWith(prefix), `${code} belongs to ${pkg}`).toBe(true)
        expect((text as string).length, code).toBeGreaterThan(20)
      }
    }
  })

  it('hold every code the source throws, so callers can match on it', () => {
    const known = new Set(all)
    const unknown: string[] = []
    for (const pkg of packages) {
      let files: string[]
      try {
        files = [...sources(join(root, pkg, 'src'))]
      } catch {
        continue // a package that has no sources yet
      }
      for (const file of files) {
        for (const [code] of readFileSync(file, 'utf8').matchAll(/\bRHN_[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g)) {
          if (!known.has(code)) unknown.push(`${file.slice(root.length)}: ${code}`)
        }
      }
    }
    expect(unknown).toEqual([])
  })
})
