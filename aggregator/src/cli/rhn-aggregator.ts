#!/usr/bin/env node
/**
 * `rhn-aggregator`: the hospital's live twin for clinical engineering (issue 5 "CLI").
 * Exit codes: 0 ok, 1 invalid config or a failure at run time, 2 bad usage or unreadable file.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type AggregatorConfig, parseAggregatorConfig, runCli, stopSignal, UsageError } from '@rhn/protocols'
import { pino } from 'pino'
import { configFileProblems } from './validate.js'

const HELP = `Usage: rhn-aggregator <command> [options]

The hospital's live twin: a Sparkplug B host application that builds hospital > unit > section >
component with live state, rollups and alarms, keeps history (InfluxDB or embedded SQLite), and
serves an API and a web page. The asset registry file is reloaded when it changes.

Commands:
  run --config FILE        run the aggregator; prints the page address and the API token names
                           (Ctrl-C or SIGTERM stops it cleanly)
  validate --config FILE   check the config and the files it names (registry, token file, secrets)
                           without touching the network; lists every problem with key path and line

Options:
  -c, --config FILE        the aggregator config (YAML); relative paths in it are relative to its folder
  --verbose                debug logging (logs are JSON on stderr)
  -h, --help               this help (also: rhn-aggregator <command> --help)

Exit codes: 0 ok, 1 invalid config or a run-time failure, 2 bad usage or unreadable file.
Example: rhn-aggregator validate --config protocols/examples/aggregator.example.yaml`

const COMMAND_HELP: Record<string, string> = {
  run: `Usage: rhn-aggregator run --config FILE [--verbose]

In region mode (mode: region) it builds the region twin from the ledger node's confirmed transactions
only, and serves the region API and page. In hospital mode it starts the hospital twin: opens the store, rebuilds the twin from it, connects to the broker as a
Sparkplug host (STATE online, rebirth requests to the registry's gateways) and serves the API and
page. Prints the page address and the names of the accepted API tokens. SIGINT or SIGTERM stops it
(offline STATE, streams closed, store flushed) and it exits 0.`,
  validate: `Usage: rhn-aggregator validate --config FILE

Checks the config against its schema and the files it names: the asset registry (and that it holds
hospitalId), the API token file, the MQTT password and TLS files. No network. Every problem is listed
with its key path and line. Exit 0 valid, 1 problems, 2 unreadable config file.`,
}

function readConfig(file: string): { text: string; baseDir: string } {
  try {
    return { text: readFileSync(file, 'utf8'), baseDir: dirname(resolve(file)) }
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
}

function summary(config: AggregatorConfig): string {
  if (config.mode === 'region') return `region ${config.regionId ?? '(no regionId)'} from ledger ${config.ledger?.nodeUrl ?? '(none)'}`
  return `hospital ${config.hospitalId}, registry ${config.registry}, broker ${config.mqtt?.url}, store ${config.store.type}, API ${config.api.host}:${config.api.port}`
}

async function validate(file: string): Promise<number> {
  const { text, baseDir } = readConfig(file)
  const config = parseAggregatorConfig(text, file)
  const { problems, warnings } = await configFileProblems(config, text, file, baseDir)
  for (const w of warnings) console.error(`warning: ${w}`)
  if (problems.length > 0) {
    console.error(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'} in the files it names:\n${problems.map((p) => `  ${p.replace(/\n/g, '\n  ')}`).join('\n')}`)
    return 1
  }
  console.log(`${file}: valid — ${summary(config)}`)
  return 0
}

async function run(file: string, verbose: boolean): Promise<number> {
  const { text, baseDir } = readConfig(file)
  const config = parseAggregatorConfig(text, file)
  if (config.mode === 'region') return runRegion(config, baseDir, verbose)
  const logger = pino({ level: verbose ? 'debug' : 'info', base: { hospital: config.hospitalId } }, pino.destination(2))
  const { Aggregator } = await import('../aggregator.js')
  const aggregator = new Aggregator({ config, baseDir, logger })
  const stopped = stopSignal()
  await aggregator.start()
  const tokens = aggregator.tokenNames
  console.log(`rhn-aggregator: ${config.hospitalId} running — page ${aggregator.url}`)
  console.log(`rhn-aggregator: API tokens accepted: ${tokens.length === 0 ? '(none)' : tokens.join(', ')}; broker ${config.mqtt?.url}, store ${config.store.type}`)
  const signal = await stopped
  console.log(`rhn-aggregator: ${signal}; stopping (offline STATE, streams, store flush)…`)
  await aggregator.stop()
  console.log('rhn-aggregator: stopped.')
  return 0
}

/** Region mode (issue 7): the region twin from the ledger node's confirmed transactions. */
async function runRegion(config: AggregatorConfig, baseDir: string, verbose: boolean): Promise<number> {
  const logger = pino({ level: verbose ? 'debug' : 'info', base: { region: config.regionId ?? null } }, pino.destination(2))
  const { RegionAggregator } = await import('../region/index.js')
  const region = new RegionAggregator({ config, baseDir, logger })
  const stopped = stopSignal()
  await region.start()
  const tokens = region.tokenNames
  console.log(`rhn-aggregator: region ${region.twin?.registry.region.id ?? config.regionId} running — page ${region.url}`)
  console.log(`rhn-aggregator: API tokens accepted: ${tokens.length === 0 ? '(none)' : tokens.join(', ')}; ledger ${config.ledger?.nodeUrl}, store ${config.store.type}`)
  const signal = await stopped
  console.log(`rhn-aggregator: ${signal}; stopping (feed, streams, checkpoint, store flush)…`)
  await region.stop()
  console.log('rhn-aggregator: stopped.')
  return 0
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  const [command, extra] = positionals
  if (values.help === true) {
    console.log(command !== undefined && COMMAND_HELP[command] !== undefined ? COMMAND_HELP[command] : HELP)
    return 0
  }
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
  switch (command) {
    case 'validate':
      if (values.config === undefined) throw new UsageError('validate needs --config FILE')
      return validate(values.config)
    case 'run':
      if (values.config === undefined) throw new UsageError('run needs --config FILE')
      return run(values.config, values.verbose === true)
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command '${command}'`)
  }
}

runCli({ name: 'rhn-aggregator', usage: () => HELP }, () => main(process.argv.slice(2)))
