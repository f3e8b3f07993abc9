#!/usr/bin/env node
/**
 * `rhn-sim`: runs simulated hospitals that speak the real device protocols on loopback.
 * Exit codes: 0 ok (also after Ctrl-C), 1 the scenario or registry has problems or a device failed, 2 usage.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseRegistry, parseScenario, type Registry, RhnError, runCli, type Scenario, UsageError } from '@rhn/protocols'
import { pino } from 'pino'
import { stringify } from 'yaml'
import { edgeConfigFor, gatewaysOf } from '../edge-config.js'
import { planSimulation } from '../plan.js'
import { formatEndpointTable } from '../table.js'
import { formatStatus } from './status.js'

const HELP = `Usage: rhn-sim <command> --scenario FILE [options]

Simulated hospitals on loopback: OPC UA and Modbus TCP ventilators, Modbus TCP bed controllers,
LLRP RFID PPE cabinets and an HL7 v2 ADT feed over MLLP, driven by a scenario file.

Commands:
  run          start every device of the scenario and print its endpoints; runs until the
               scenario ends (or --duration), or Ctrl-C
  list         print the endpoints without starting anything
  edge-config  print an rhn-edge config (YAML) that reads every simulated device bound to
               --gateway ID, publishing to --mqtt URL (default mqtt://127.0.0.1:1883); without
               --gateway, list the gateways

Options:
  --scenario FILE   scenario YAML (e.g. protocols/examples/winter-surge.yaml); its registry path is
                    relative to the scenario file
  --seed N          RNG seed (default: the scenario's); the same seed gives the same values and events
  --speed X         virtual seconds per real second (default: the scenario's, e.g. 60 = an hour a minute)
  --duration S      stop after S virtual seconds (default: the scenario's durationHours)
  --base-port P     first port (default: the scenario's basePort)
  --data-dir DIR    where relative paths (OPC UA PKI) live (default .rhn/sim)
  --status S        print a status line every S real seconds (default 10; 0 = never)
  --gateway ID      (edge-config) the gateway = Sparkplug edge node id, e.g. gw-rxa-crit
  --mqtt URL        (edge-config) broker URL for the agent
  --primary-host ID (edge-config) the aggregator's Sparkplug host id the agent waits for
  --verbose         log device events to stderr
  -h, --help        this help

Exit codes: 0 ok (also after Ctrl-C), 1 bad scenario/registry or a device failed to start, 2 bad usage.`

interface Loaded {
  scenario: Scenario
  registry: Registry
}

function load(file: string): Loaded {
  const scenario = parseScenario(readFileSync(file, 'utf8'), file)
  const registryFile = resolve(dirname(file), scenario.registry)
  const registry = parseRegistry(readFileSync(registryFile, 'utf8'), registryFile)
  return { scenario, registry }
}

function num(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got '${value}'`)
  return n
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      duration: { type: 'string' },
      'base-port': { type: 'string' },
      'data-dir': { type: 'string' },
      status: { type: 'string' },
      gateway: { type: 'string' },
      mqtt: { type: 'string' },
      'primary-host': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals[0]
  if (values.help === true) {
    console.log(HELP)
    return 0
  }
  if ((command !== 'run' && command !== 'list' && command !== 'edge-config') || positionals.length > 1) {
    throw new UsageError(`expected 'run', 'list' or 'edge-config', got '${positionals.join(' ')}'`)
  }
  if (values.scenario === undefined) throw new UsageError('--scenario FILE is required')
  const seed = num('seed', values.seed, 0)
  const speed = num('speed', values.speed, Number.MIN_VALUE)
  const durationS = num('duration', values.duration, Number.MIN_VALUE)
  const basePort = num('base-port', values['base-port'], 0)
  const statusS = num('status', values.status, 0) ?? 10

  const { scenario, registry } = load(values.scenario)
  if (command === 'edge-config') {
    const plan = planSimulation(registry, scenario, basePort === undefined ? {} : { basePort })
    if (values.gateway === undefined) {
      console.log(gatewaysOf(plan).join('\n'))
      return 0
    }
    if (!gatewaysOf(plan).includes(values.gateway)) throw new UsageError(`--gateway: no simulated device is bound to "${values.gateway}" (gateways: ${gatewaysOf(plan).join(', ')})`)
    const config = edgeConfigFor(plan, {
      gateway: values.gateway,
      mqttUrl: values.mqtt ?? 'mqtt://127.0.0.1:1883',
      ...(values['primary-host'] === undefined ? {} : { primaryHostId: values['primary-host'] }),
    })
    console.log(`# rhn-edge config for gateway ${values.gateway}, generated by rhn-sim from ${values.scenario}\n${stringify(config)}`)
    return 0
  }
  if (command === 'list') {
    const plan = planSimulation(registry, scenario, basePort === undefined ? {} : { basePort })
    console.log(formatEndpointTable(plan.endpoints))
    return 0
  }

  const logger = pino({ level: values.verbose === true ? 'debug' : 'warn' }, pino.destination(2))
  // The device servers (and node-opcua, ~2 s to load) are loaded only for `run`. node-opcua prints
  // its own warnings on stdout at import (e.g. W27 about RSA PKCS#1 v1.5, which only the Basic128Rsa15
  // policy needs and the simulator does not offer): send them to the debug log instead.
  const { routeOpcuaWarnings } = await import('../opcua-warnings.js')
  routeOpcuaWarnings((text) => logger.debug({ source: 'node-opcua' }, text))
  const { Simulation } = await import('../simulation.js')
  const sim = new Simulation({
    registry,
    scenario,
    logger,
    ...(seed === undefined ? {} : { seed }),
    ...(speed === undefined ? {} : { speed }),
    ...(basePort === undefined ? {} : { basePort }),
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
  })
  const runForMs = (durationS ?? scenario.durationHours * 3600) * 1000
  console.log(`rhn-sim: ${scenario.name} — ${scenario.hospitals.join(', ')}, seed ${sim.seed}, ${sim.clock.speed}× real time, ${(runForMs / 3_600_000).toFixed(2)} virtual hours`)
  console.log('rhn-sim: starting devices…')
  await sim.start()
  console.log(formatEndpointTable(sim.endpoints()))
  console.log(`rhn-sim: running; Ctrl-C to stop.`)
  sim.onFault((e) => console.log(`[${new Date(e.at).toISOString()}] fault ${e.phase === 'start' ? 'starts' : 'ends'}: ${e.text}`))

  const done = new Promise<string>((resolveDone) => {
    sim.clock.setTimeout(() => resolveDone('scenario finished'), runForMs)
    process.once('SIGINT', () => resolveDone('interrupted'))
    process.once('SIGTERM', () => resolveDone('terminated'))
  })
  const ticker = statusS > 0 ? setInterval(() => console.log(formatStatus(sim)), statusS * 1000) : undefined
  const reason = await done
  if (ticker !== undefined) clearInterval(ticker)
  console.log(formatStatus(sim))
  console.log(`rhn-sim: ${reason}; closing every device…`)
  await sim.stop()
  console.log('rhn-sim: stopped.')
  return 0
}

runCli(
  {
    name: 'rhn-sim',
    usage: () => HELP,
    failure: (err) => {
      // A scenario or file problem: the message says which, without the code.
      if (err instanceof RhnError) {
        console.error(`rhn-sim: ${err.message}`)
        return 1
      }
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT') {
        console.error(`rhn-sim: ${err.message}`)
        return 2
      }
      return undefined
    },
  },
  () => main(process.argv.slice(2)),
)
