#!/usr/bin/env node
/**
 * `rhn-ledger`: the hospitals' consortium ledger node and its tools (issue 6 "Library and CLI").
 * Exit codes: 0 ok, 1 a failed check or a run-time failure, 2 bad usage or a bad input file.
 */
import '../polyfill.js' // first: libp2p needs Promise.withResolvers on Node 20
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { RhnError, runCli } from '@rhn/protocols'
import { COMMAND_HELP, HELP } from './help.js'
import { InputError, UsageError } from './usage.js'

type Options = NonNullable<ParseArgsConfig['options']>

const COMMON: Options = { help: { type: 'boolean', short: 'h' } }
const URL_FLAGS: Options = { url: { type: 'string' }, json: { type: 'boolean' } }

/** The flags each command takes; any other is a usage error. */
const FLAGS: Readonly<Record<string, Options>> = {
  keygen: { out: { type: 'string' }, member: { type: 'string' }, force: { type: 'boolean' } },
  genesis: { consortium: { type: 'string' }, member: { type: 'string', multiple: true }, members: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
  run: { config: { type: 'string', short: 'c' }, verbose: { type: 'boolean' } },
  status: URL_FLAGS,
  inspect: { ...URL_FLAGS, chain: { type: 'string' }, tx: { type: 'string' } },
  verify: { data: { type: 'string' }, genesis: { type: 'string' } },
}

/** Codes that mean "a file the user gave is wrong": exit 2 like bad usage, but without the usage text. */
const INPUT_CODES = new Set(['RHN_PROTO_CONFIG_INVALID', 'RHN_PROTO_YAML_SYNTAX', 'RHN_LEDGER_CONFIG_INVALID', 'RHN_LEDGER_GENESIS_INVALID', 'RHN_LEDGER_KEY_INVALID'])

const print = (text: string): void => console.log(text)

function need<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new UsageError(message)
  return value
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) throw new UsageError('no command given')
  if (command === '--help' || command === '-h') {
    print(HELP)
    return 0
  }
  const flags = FLAGS[command]
  if (flags === undefined) throw new UsageError(`unknown command '${command}'`)
  const { values: v, positionals } = parseArgs({ args: rest, options: { ...COMMON, ...flags }, allowPositionals: true, strict: true })
  if (v.help === true) {
    print(COMMAND_HELP[command] ?? HELP)
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument '${positionals[0]}'`)
  const str = (name: string): string | undefined => v[name] as string | undefined
  const bool = (name: string): boolean => v[name] === true
  switch (command) {
    case 'keygen': {
      const { keygen } = await import('./keygen.js')
      const out = need(str('out'), 'keygen needs --out DIR')
      const k = await keygen(resolve(out), str('member'), bool('force'))
      print(`wrote ${out}/member.key, peer.key, api.token (mode 0600) and public.yaml`)
      print(`public key ${k.publicKeyBase64}`)
      print(`peer id    ${k.peerId}`)
      return 0
    }
    case 'genesis': {
      const { writeGenesis } = await import('./genesis.js')
      return writeGenesis({ consortium: str('consortium'), member: (v.member as string[] | undefined) ?? [], members: str('members'), out: need(str('out'), 'genesis needs --out FILE'), force: bool('force') }, print)
    }
    case 'run': {
      const { run } = await import('./run.js')
      return run(need(str('config'), 'run needs --config FILE'), bool('verbose'))
    }
    case 'status': {
      const { status, DEFAULT_URL } = await import('./status.js')
      return status(str('url') ?? DEFAULT_URL, bool('json'), print)
    }
    case 'inspect': {
      const { inspect, DEFAULT_URL } = await import('./status.js')
      return inspect(str('url') ?? DEFAULT_URL, { chain: str('chain'), tx: str('tx'), json: bool('json') }, print)
    }
    default: {
      const { verify } = await import('./verify.js')
      return verify(need(str('data'), 'verify needs --data DIR'), need(str('genesis'), 'verify needs --genesis FILE'), print)
    }
  }
}

/** The usage of the command given, or the program's. */
function usage(): string {
  const command = process.argv[2]
  return command !== undefined && COMMAND_HELP[command] !== undefined ? COMMAND_HELP[command] : HELP
}

/** The ledger's own failures; the rest as every RHN program reports them (`cliFailure`). */
function failure(err: unknown): number | undefined {
  if (err instanceof InputError) {
    console.error(`rhn-ledger: ${err.message}`)
    return 2
  }
  if (err instanceof RhnError && INPUT_CODES.has(err.code)) {
    // A ValidationError's message already lists every problem as file:line:col: key: message.
    console.error(err.code === 'RHN_PROTO_CONFIG_INVALID' || err.code === 'RHN_PROTO_YAML_SYNTAX' ? err.message : `rhn-ledger: ${err.code}: ${err.message}`)
    return 2
  }
  if (err instanceof Error && err.name === 'LedgerClientError') {
    console.error(`rhn-ledger: ${err.message}`)
    return 1
  }
  if (err instanceof TypeError && err.message === 'fetch failed') {
    console.error(`rhn-ledger: no node answered: ${(err.cause as Error | undefined)?.message ?? err.message} (is \`rhn-ledger run\` up, and is --url right?)`)
    return 1
  }
  return undefined
}

runCli({ name: 'rhn-ledger', usage, failure }, () => main(process.argv.slice(2)))
