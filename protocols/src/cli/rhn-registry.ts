#!/usr/bin/env node
/**
 * `rhn-registry`: validate an asset registry file and print its hierarchy with installed capacity.
 * Exit codes: 0 ok, 1 the registry has problems, 2 usage error or unreadable file.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ASSET_LEVELS, type AssetLevel } from '../asset/model.js'
import { buildAssetTree } from '../asset/tree.js'
import { formatAssetTree } from '../asset/format.js'
import { parseRegistry } from '../asset/registry.js'
import { RhnError } from '../errors/error.js'

const HELP = `Usage: rhn-registry <command> FILE [options]

Reads an RHN asset registry (YAML: region > hospital > unit > section > component).

Commands:
  show FILE       validate, then print the hierarchy with installed capacity at every level
  validate FILE   validate only; lists every problem with its key path and line

Options:
  --depth LEVEL   deepest level 'show' prints: ${ASSET_LEVELS.join(', ')} (default: unit)
  --json          'show' prints the tree as JSON instead of text
  -h, --help      this help

Exit codes: 0 valid, 1 the registry has problems, 2 bad usage or unreadable file.
Example: rhn-registry show protocols/examples/region-north.yaml --depth section`

function main(argv: string[]): number {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { depth: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    console.error(`rhn-registry: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help === true || positionals.length === 0) {
    console.log(HELP)
    return values.help === true ? 0 : 2
  }
  const [command, file] = positionals
  if ((command !== 'show' && command !== 'validate') || file === undefined) {
    console.error(`rhn-registry: expected 'show FILE' or 'validate FILE', got '${positionals.join(' ')}'\n\n${HELP}`)
    return 2
  }
  const depth = (values.depth ?? 'unit') as AssetLevel
  if (!ASSET_LEVELS.includes(depth)) {
    console.error(`rhn-registry: --depth must be one of ${ASSET_LEVELS.join(', ')}, got '${values.depth}'`)
    return 2
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    console.error(`rhn-registry: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    return 2
  }
  try {
    const registry = parseRegistry(text, file)
    const tree = buildAssetTree(registry)
    if (command === 'validate') {
      console.log(`${file}: valid — ${registry.hospitals.length} hospitals, ${tree.capacity.components.toLocaleString('en-GB')} components`)
    } else if (values.json === true) {
      console.log(JSON.stringify(tree, null, 2))
    } else {
      console.log(formatAssetTree(tree, { depth }))
    }
    return 0
  } catch (err) {
    if (err instanceof RhnError) {
      console.error(err.message)
      return 1
    }
    throw err
  }
}

process.exitCode = main(process.argv.slice(2))
