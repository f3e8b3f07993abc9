/**
 * `rhn-ledger` node config and the consortium genesis file (issue 6, DESIGN.md "Ledger model").
 * See `examples/ledger.example.yaml` and `examples/genesis.example.yaml`.
 */
import { z } from 'zod'
import { loadYaml } from '../yaml/located.js'
import { checkUnique, type ConfigProblem, filePath, host, listenPort, ms, odsCode, positiveInt } from './common.js'

/** A TCP multiaddr: `/ip4/127.0.0.1/tcp/4001`, `/dns4/ledger.rxa.nhs.example/tcp/4001/p2p/12D3KooW…`. */
const multiaddr = z
  .string()
  .regex(/^\/(ip4|ip6|dns|dns4|dns6)\/[^/\s]+\/tcp\/\d{1,5}(\/[^\s]*)?$/, 'must be a TCP multiaddr such as /ip4/127.0.0.1/tcp/4001')

/** A libp2p peer id in base58btc: Ed25519 (`12D3KooW…`, 52 chars) or legacy RSA (`Qm…`, 46 chars). */
const peerId = z
  .string()
  .regex(/^(12D3KooW[1-9A-HJ-NP-Za-km-z]{44}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/, 'must be a libp2p peer id (12D3KooW… or Qm…)')

/**
 * An Ed25519 public key: 32 bytes in standard base64 with padding (44 characters). The last
 * character before `=` carries 2 unused bits that must be zero, so only canonical encodings pass.
 */
export const ed25519PublicKeyBase64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'must be a 32-byte Ed25519 public key in base64 (44 characters ending in =)')

/** The `rhn-ledger run` config schema. */
export const LedgerConfigSchema = z
  .object({
    memberId: odsCode.describe('the member hospital this node belongs to; must be in the genesis'),
    keyFile: filePath.default('./keys/member.key').describe('Ed25519 private key (PKCS#8 PEM) that signs this node\'s blocks'),
    peerKeyFile: filePath
      .default('./keys/peer.key')
      .describe('libp2p identity key; kept on disk because the genesis lists this node\'s peer id'),
    genesisFile: filePath.describe('the consortium genesis file; identical on every node'),
    dataDir: filePath.default('./data/ledger').describe('chains, endorsements, evidence and the last-signed record'),
    listen: z
      .array(multiaddr)
      .min(1)
      .default(['/ip4/127.0.0.1/tcp/0'])
      .describe('libp2p listen addresses (default loopback, OS-chosen port: nothing is exposed until configured)'),
    bootstrap: z.array(multiaddr).default([]).describe('member peers to dial at start; each must end in /p2p/<peer id>'),
    api: z
      .object({
        host: host.default('127.0.0.1').describe('default loopback: the aggregator runs beside the node'),
        port: listenPort.default(8090).describe('default 8090'),
        tokenFile: filePath.default('./keys/api.token').describe('bearer token required for submissions; reads are open to the host'),
      })
      .strict()
      .prefault({}),
    fsync: z
      .enum(['always', 'never'])
      .default('always')
      .describe('always: fsync before a block is announced or an endorsement sent (the crash guarantee); never: tests and benches only'),
    block: z
      .object({
        intervalMs: ms.default(50).describe('at most one block per interval, ms: work after a quiet interval is written at once, work within it is batched into the next (default 50: one signature and fsync per batch under load)'),
        maxTxs: positiveInt.default(1_000).describe('transactions per block (default 1000)'),
        maxBytes: positiveInt.default(1024 * 1024).describe('block size limit, bytes (default 1 MiB; larger blocks are rejected as oversized)'),
      })
      .strict()
      .prefault({}),
    gossip: z
      .object({
        heartbeatIntervalMs: ms.default(1_000).describe('gossipsub heartbeat, ms (default 1000: the gossipsub v1.1 spec default)'),
        // A consortium is a few to a few dozen members, every node dialled to every other, and with
        // floodPublish the author already sends each block to every member: the mesh only relays for a
        // member whose direct link is down. The spec's 6/4/12 (sized for open networks of thousands)
        // makes every node forward every block to every other, ~6× the sends; 2/1/3 cuts the CPU per
        // block ~20 % and the 7-member p50 ~3× on the ledger bench. Gossip (IHAVE/IWANT) and the
        // anti-entropy sync still reach a node that no relay reached.
        D: positiveInt.default(2).describe('mesh degree (default 2: small fully connected consortia with floodPublish; raise toward the gossipsub spec\'s 6 for a large or partly connected one)'),
        Dlo: positiveInt.default(1).describe('lower mesh bound (default 1; gossipsub spec 4)'),
        Dhi: positiveInt.default(3).describe('upper mesh bound (default 3; gossipsub spec 12)'),
        floodPublish: z.boolean().default(true).describe('publish to every member peer, not just the mesh (default true: small consortia, lowest latency)'),
        maxMessageBytes: positiveInt
          .default(1024 * 1024 + 64 * 1024)
          .describe('largest gossip message, bytes (default 1 MiB + 64 KiB: a full block plus its envelope)'),
      })
      .strict()
      .prefault({}),
    sync: z
      .object({
        batchBlocks: positiveInt.default(500).describe('blocks per /rhn/ledger/sync/1.0.0 response (default 500: catch-up at ≥ 5,000 blocks/s in few round trips)'),
        timeoutMs: ms.default(10_000).describe('sync request timeout, ms (default 10 s)'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('rhn-ledger node config: durations in ms (key ends in Ms), sizes in bytes')

/** A validated `rhn-ledger` node config. */
export type LedgerConfig = z.output<typeof LedgerConfigSchema>
/** An `rhn-ledger` node config as written in YAML. */
export type LedgerConfigInput = z.input<typeof LedgerConfigSchema>

/** Cross-field rules: bootstrap peers name their peer id; gossip mesh bounds are ordered. */
export function ledgerConfigProblems(config: LedgerConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  config.bootstrap.forEach((addr, i) => {
    if (!/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(addr)) problems.push({ path: ['bootstrap', i], message: 'a bootstrap address must end in /p2p/<peer id>' })
  })
  problems.push(...checkUnique(config.listen, (a) => a, (i) => ['listen', i], 'listen address'))
  const g = config.gossip
  if (!(g.Dlo <= g.D && g.D <= g.Dhi)) problems.push({ path: ['gossip', 'D'], message: 'mesh degrees must satisfy Dlo ≤ D ≤ Dhi' })
  if (g.maxMessageBytes < config.block.maxBytes) {
    problems.push({ path: ['gossip', 'maxMessageBytes'], message: 'must be at least block.maxBytes, or full blocks cannot be gossiped' })
  }
  return problems
}

/** Parses and validates an `rhn-ledger` node config; throws a `ValidationError` listing every problem with key path and line. */
export function parseLedgerConfig(text: string, file?: string): LedgerConfig {
  return loadYaml(LedgerConfigSchema, text, { code: 'RHN_PROTO_CONFIG_INVALID', what: 'ledger node config', file, extraChecks: ledgerConfigProblems })
}

/**
 * The genesis file: fixes the consortium's membership. Every consensus node is one public key;
 * a multi-party transaction is confirmed by endorsements from more than 2/3 of all consensus nodes,
 * which tolerates f Byzantine nodes out of 3f + 1 (any two quorums share an honest node).
 */
export const GenesisSchema = z
  .object({
    consortiumId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'must be 3-64 lower-case letters, digits or "-"')
      .describe('consortium id, signed into every block header so blocks cannot cross consortia'),
    createdAt: z.iso.datetime({ offset: true }).describe('creation time, ISO 8601 with offset'),
    quorum: z
      .literal('>2/3')
      .default('>2/3')
      .describe('endorsements needed: more than 2/3 of all consensus nodes (tolerates f Byzantine of 3f+1)'),
    members: z
      .array(
        z
          .object({
            id: odsCode.describe('member hospital ODS-style code'),
            name: z.string().min(1),
            publicKeys: z.array(ed25519PublicKeyBase64).min(1).describe('Ed25519 keys of this member\'s consensus nodes, base64 (32 bytes)'),
            peerIds: z.array(peerId).min(1).describe('libp2p peer ids of this member\'s nodes; the connection gater admits only these'),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .describe('rhn-ledger genesis: the consortium membership, identical on every node')

/** A validated genesis. */
export type Genesis = z.output<typeof GenesisSchema>
/** A genesis as written in YAML. */
export type GenesisInput = z.input<typeof GenesisSchema>

/** Endorsements needed for a quorum of `nodes` consensus nodes: the least count above 2/3. */
export function quorumSize(nodes: number): number {
  return Math.floor((2 * nodes) / 3) + 1
}

/** Cross-field rules: member ids, keys and peer ids are each unique across the whole consortium. */
export function genesisProblems(genesis: Genesis): ConfigProblem[] {
  const keys = genesis.members.flatMap((m, i) => m.publicKeys.map((k, j) => ({ k, path: ['members', i, 'publicKeys', j] })))
  const peers = genesis.members.flatMap((m, i) => m.peerIds.map((p, j) => ({ p, path: ['members', i, 'peerIds', j] })))
  return [
    ...checkUnique(genesis.members, (m) => m.id, (i) => ['members', i, 'id'], 'member id'),
    ...checkUnique(keys, (x) => x.k, (i) => keys[i]?.path ?? ['members'], 'public key'),
    ...checkUnique(peers, (x) => x.p, (i) => peers[i]?.path ?? ['members'], 'peer id'),
  ]
}

/** Parses and validates a genesis file; throws a `ValidationError` listing every problem with key path and line. */
export function parseGenesis(text: string, file?: string): Genesis {
  return loadYaml(GenesisSchema, text, { code: 'RHN_PROTO_CONFIG_INVALID', what: 'ledger genesis', file, extraChecks: genesisProblems })
}
