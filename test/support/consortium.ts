/**
 * A consortium of real ledger nodes on loopback for cross-package tests (issue 6/7): fresh keys, a
 * genesis, and per member a node that runs either in this process (`createLedgerNode` + its HTTP API)
 * or as a real `rhn-ledger run` child process that a test may `kill -9` and start again.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLedgerApi, createLedgerNode, generateMemberKey, generatePeerKey, LedgerClient, type LedgerNode, writeKeyFile } from '@rhn/ledger'
import { type Genesis, parseGenesis, parseLedgerConfig } from '@rhn/protocols'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { stringify } from 'yaml'
import { freePort } from './ports.js'
import { exited, killWithParent, stopChild } from './process.js'

const CLI = new URL('../../ledger/src/cli/rhn-ledger.ts', import.meta.url).pathname
const ROOT = new URL('../../', import.meta.url).pathname

/** One member's node: where its API is, and how to stop, kill and start it. */
export interface ConsortiumNode {
  member: string
  /** The API base URL (`http://127.0.0.1:<port>`). */
  url: string
  /** The API token file (for `ledger.tokenFile` of an aggregator). */
  tokenFile: string
  /** A client of the node's API, with the token. */
  client: LedgerClient
  /** Starts the node (again): same keys, same data dir, same ports. */
  start(): Promise<void>
  /** Stops it cleanly. */
  stop(): Promise<void>
  /** Child-process nodes only: SIGKILL, no clean-up at all. */
  kill(): Promise<void>
}

/** What `startConsortium` needs. */
export interface ConsortiumInit {
  /** Member ids, one consensus node each (quorum ⌊2n/3⌋ + 1). */
  members: string[]
  /** Folder for keys, genesis, configs and chains. */
  dir: string
  /** Members whose node runs as an `rhn-ledger run` child process (default none). */
  childProcess?: string[]
  /** Block interval, ms (default 50, the config default). */
  blockIntervalMs?: number
}

/** Writes keys, genesis and configs, starts every node, and waits until each has a peer. */
export async function startConsortium(init: ConsortiumInit): Promise<ConsortiumNode[]> {
  const raw = await Promise.all(
    init.members.map(async (member) => ({ member, key: generateMemberKey(), peer: await generatePeerKey(), p2p: await freePort(), api: await freePort() })),
  )
  const genesis: Genesis = parseGenesis(
    stringify({
      consortiumId: 'rhn-e2e',
      createdAt: new Date().toISOString(),
      members: raw.map((m) => ({ id: m.member, name: `Hospital ${m.member}`, publicKeys: [m.key.publicKeyBase64], peerIds: [m.peer.peerId] })),
    }),
  )
  const genesisFile = join(init.dir, 'genesis.yaml')
  mkdirSync(init.dir, { recursive: true })
  writeFileSync(genesisFile, stringify(genesis))
  const nodes: ConsortiumNode[] = []
  for (const m of raw) {
    const dir = join(init.dir, m.member)
    await writeKeyFile(join(dir, 'member.key'), m.key.privateKeyPem)
    await writeKeyFile(join(dir, 'peer.key'), m.peer.bytes)
    const token = `e2e-${m.member.toLowerCase()}-${m.peer.peerId.slice(-16)}`
    await writeKeyFile(join(dir, 'api.token'), `${token}\n`)
    const configFile = join(dir, 'ledger.yaml')
    writeFileSync(
      configFile,
      stringify({
        memberId: m.member,
        keyFile: './member.key',
        peerKeyFile: './peer.key',
        genesisFile,
        dataDir: './data',
        listen: [`/ip4/127.0.0.1/tcp/${m.p2p}`],
        bootstrap: raw.filter((o) => o !== m).map((o) => `/ip4/127.0.0.1/tcp/${o.p2p}/p2p/${o.peer.peerId}`),
        api: { host: '127.0.0.1', port: m.api, tokenFile: './api.token' },
        fsync: 'always',
        block: { intervalMs: init.blockIntervalMs ?? 50 },
        gossip: { heartbeatIntervalMs: 200 },
      }),
    )
    const url = `http://127.0.0.1:${m.api}`
    const common = { member: m.member, url, tokenFile: join(dir, 'api.token'), client: new LedgerClient({ url, token }) }
    nodes.push(init.childProcess?.includes(m.member) === true ? childNode(common, configFile) : inProcessNode(common, configFile, genesis, dir, token, m.api))
  }
  await Promise.all(nodes.map((n) => n.start()))
  return nodes
}

type Common = Pick<ConsortiumNode, 'member' | 'url' | 'tokenFile' | 'client'>

async function untilUp(client: LedgerClient, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      await client.status(AbortSignal.timeout(1_000))
      return
    } catch (err) {
      if (Date.now() > end) throw new Error(`${what}: the ledger API did not answer within ${timeoutMs} ms (${String(err)})`, { cause: err })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function inProcessNode(common: Common, configFile: string, genesis: Genesis, dir: string, token: string, port: number): ConsortiumNode {
  let running: { node: LedgerNode; api: FastifyInstance } | undefined
  return {
    ...common,
    async start() {
      const config = parseLedgerConfig(readFileSync(configFile, 'utf8'), configFile)
      const node = createLedgerNode({ config, genesis, baseDir: dir })
      await node.start()
      const api = createLedgerApi({ node, token, host: '127.0.0.1', port, logger: pino({ level: 'silent' }) })
      await api.listen()
      running = { node, api }
    },
    async stop() {
      const r = running
      running = undefined
      await r?.api.close()
      await r?.node.stop()
    },
    kill() {
      return Promise.reject(new Error(`${common.member}: an in-process node cannot be killed; use childProcess for it`))
    },
  }
}

function childNode(common: Common, configFile: string): ConsortiumNode {
  let child: ChildProcess | undefined
  return {
    ...common,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', CLI, 'run', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
      killWithParent(child)
      let stderr = ''
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)))
      await untilUp(common.client, `rhn-ledger run (${common.member})`).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${stderr}`)
      })
    },
    async stop() {
      const c = child
      child = undefined
      if (c !== undefined) await stopChild(c, 15_000)
    },
    async kill() {
      const c = child
      child = undefined
      if (c === undefined) return
      c.kill('SIGKILL')
      await exited(c)
    },
  }
}
