/**
 * `rhn-ledger run --config FILE`: validates the config, the genesis it names and the API token
 * (every problem names its key and line; exit 2), starts the node and its API, prints where it
 * listens, and stops cleanly on SIGINT or SIGTERM (exit 0).
 */
import { dirname, resolve } from 'node:path'
import { type Genesis, type LedgerConfig, parseLedgerConfig, stopSignal } from '@rhn/protocols'
import { pino } from 'pino'
import { createLedgerApi } from '../api/index.js'
import { loadGenesis } from '../chain/membership.js'
import { atKey, InputError, readText } from './usage.js'

/** A config with everything it names read and checked, ready to start. */
export interface LoadedConfig {
  config: LedgerConfig
  genesis: Genesis
  token: string
  /** Folder of the config file: relative paths in it resolve here. */
  baseDir: string
}

/** Reads and checks a node config, its genesis and its token file; problems name the key and the line. */
export async function loadRunConfig(file: string): Promise<LoadedConfig> {
  const text = await readText(file, 'config file')
  const config = parseLedgerConfig(text, file)
  const baseDir = dirname(resolve(file))
  const genesis = await loadGenesis(resolve(baseDir, config.genesisFile)).catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'RHN_LEDGER_GENESIS_INVALID') throw new InputError(atKey(text, file, ['genesisFile'], err.message))
    throw err
  })
  const member = genesis.members.find((m) => m.id === config.memberId)
  if (member === undefined) {
    throw new InputError(atKey(text, file, ['memberId'], `${config.memberId} is not a member of ${genesis.consortiumId} (the genesis lists ${genesis.members.map((m) => m.id).join(', ')})`))
  }
  const tokenFile = resolve(baseDir, config.api.tokenFile)
  const token = (await readText(tokenFile, 'API token file').catch((err: unknown) => {
    throw new InputError(atKey(text, file, ['api', 'tokenFile'], (err as Error).message))
  })).trim()
  return { config, genesis, token, baseDir }
}

/** Runs a node until SIGINT or SIGTERM; resolves with the exit code. */
export async function run(file: string, verbose: boolean): Promise<number> {
  const { config, genesis, token, baseDir } = await loadRunConfig(file)
  const logger = pino({ level: verbose ? 'debug' : 'info', base: { member: config.memberId } }, pino.destination(2))
  const { createLedgerNode } = await import('../node/ledger-node.js')
  const node = createLedgerNode({ config, genesis, baseDir, logger })
  // Listening before start: a signal during start is remembered and stops the node once start is done.
  const stopped = stopSignal()
  const api = createLedgerApi({ node, token, host: config.api.host, port: config.api.port, logger })
  try {
    await node.start()
    const url = await api.listen()
    const status = node.status()
    console.log(`rhn-ledger: ${config.memberId} (chain ${node.chain}) of ${genesis.consortiumId} running — peer id ${status.peerId}`)
    for (const addr of status.listen) console.log(`rhn-ledger: p2p ${addr}`)
    console.log(`rhn-ledger: API ${url} (submissions need the token in ${config.api.tokenFile}); data ${resolve(baseDir, config.dataDir)}, fsync ${config.fsync}`)
    const signal = await stopped
    console.log(`rhn-ledger: ${signal}; stopping (API, network, store)…`)
  } finally {
    await api.close()
    await node.stop()
  }
  console.log('rhn-ledger: stopped.')
  return 0
}
