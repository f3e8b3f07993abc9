#!/usr/bin/env node
/**
 * `rhn-edge`: the gateway agent a facilities team installs and forgets.
 * Exit codes: 0 ok, 1 invalid config or a failure at run time, 2 bad usage or unreadable file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseEdgeConfig, runCli, stopSignal, UsageError } from '@rhn/protocols'
import { pino } from 'pino'

const HELP = `Usage: rhn-edge <command> [options]

Reads the devices on a hospital ward network (OPC UA, Modbus TCP, LLRP RFID, HL7 ADT over MLLP) and
publishes them to MQTT as a Sparkplug B 3.0 edge node. Every reading is kept on disk until the broker
acknowledged it.

Commands:
  run --config FILE        run the agent (Ctrl-C or SIGTERM stops it cleanly)
  validate --config FILE   check a config without touching the network; lists every problem
                           with its key path and line
  init [--out FILE]        write a commented example config (default ./rhn-edge.yaml; --force overwrites)
  discover opcua://HOST:PORT [--pki DIR] [--depth N]
                           browse an OPC UA server and print its variables with units as config
  discover modbus://HOST:PORT --unit N [--start A] [--count N] [--table holding|input|coil|discrete]
                           read a register range and print the values

Options:
  --verbose                debug logging (logs are JSON on stderr)
  -h, --help               this help

Exit codes: 0 ok, 1 invalid config or a run-time failure, 2 bad usage or unreadable file.`


function readConfig(file: string): { text: string; baseDir: string } {
  try {
    return { text: readFileSync(file, 'utf8'), baseDir: dirname(resolve(file)) }
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      pki: { type: 'string' },
      depth: { type: 'string' },
      unit: { type: 'string' },
      start: { type: 'string' },
      count: { type: 'string' },
      table: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, target] = positionals
  if (values.help === true) {
    console.log(HELP)
    return 0
  }
  switch (command) {
    case 'validate': {
      if (values.config === undefined) throw new UsageError('validate needs --config FILE')
      const { text } = readConfig(values.config)
      const config = parseEdgeConfig(text, values.config)
      console.log(`${values.config}: valid — gateway ${config.gateway.groupId}/${config.gateway.edgeNodeId}, ${config.devices.length} device entries, broker ${config.mqtt.url}`)
      return 0
    }
    case 'init': {
      const out = values.out ?? 'rhn-edge.yaml'
      if (existsSync(out) && values.force !== true) throw new UsageError(`${out} exists; use --force to overwrite it`)
      const example = createRequire(import.meta.url).resolve('@rhn/protocols/examples/edge.example.yaml')
      const text = readFileSync(example, 'utf8').replace(/^# yaml-language-server:.*\n/m, '')
      writeFileSync(out, `# Written by \`rhn-edge init\`: edit the gateway, broker and devices, then \`rhn-edge validate --config ${out}\`.\n${text}`)
      console.log(`wrote ${out}: a commented example for a critical-care gateway; every key is explained in it`)
      return 0
    }
    case 'discover': {
      if (target === undefined) throw new UsageError('discover needs opcua://HOST:PORT or modbus://HOST:PORT')
      if (target.startsWith('opcua://') || target.startsWith('opc.tcp://')) {
        const { discoverOpcua } = await import('../drivers/opcua/index.js')
        const url = target.replace(/^opcua:\/\//, 'opc.tcp://')
        console.log(await discoverOpcua(url, { pkiDir: values.pki ?? '.rhn/edge-pki', ...(values.depth === undefined ? {} : { maxDepth: Number(values.depth) }) }))
        return 0
      }
      if (target.startsWith('modbus://')) {
        if (values.unit === undefined) throw new UsageError('discover modbus:// needs --unit N')
        const { probeModbus } = await import('../drivers/modbus/index.js')
        const table = values.table as 'holding' | 'input' | 'coil' | 'discrete' | undefined
        console.log(
          await probeModbus(target, {
            unit: Number(values.unit),
            ...(values.start === undefined ? {} : { start: Number(values.start) }),
            ...(values.count === undefined ? {} : { count: Number(values.count) }),
            ...(table === undefined ? {} : { table }),
          }),
        )
        return 0
      }
      throw new UsageError(`discover: unknown scheme in '${target}' (use opcua:// or modbus://)`)
    }
    case 'run': {
      if (values.config === undefined) throw new UsageError('run needs --config FILE')
      const { text, baseDir } = readConfig(values.config)
      const config = parseEdgeConfig(text, values.config)
      const logger = pino({ level: values.verbose === true ? 'debug' : 'info', base: { gateway: config.gateway.edgeNodeId } }, pino.destination(2))
      const { setWarningLogger } = await import('node-opcua')
      setWarningLogger((...args: unknown[]) => logger.debug({ source: 'node-opcua' }, args.map(String).join(' ')))
      const { EdgeAgent } = await import('../agent.js')
      const agent = new EdgeAgent({ config, baseDir, logger })
      await agent.start()
      console.log(`rhn-edge: ${config.gateway.groupId}/${config.gateway.edgeNodeId} running — ${config.devices.length} device entries, broker ${config.mqtt.url}, health http://${config.health.host}:${agent.healthPort}/healthz`)
      const signal = await stopSignal()
      console.log(`rhn-edge: ${signal}; stopping (drivers, outbox flush, NDEATH)…`)
      await agent.stop()
      console.log('rhn-edge: stopped.')
      return 0
    }
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command '${command}'`)
  }
}

runCli({ name: 'rhn-edge', usage: () => HELP }, () => main(process.argv.slice(2)))
