/**
 * The consortium as every node sees it, derived from the genesis alone: the consensus nodes and
 * their chains, the peer ids the connection gater admits, the genesis hash every chain starts
 * from, and the endorsement quorum (> 2/3 of all consensus nodes).
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type Genesis, GenesisSchema, genesisProblems, parseGenesis, quorumSize } from '@rhn/protocols'
import { LedgerError } from '../errors.js'
import type { ConsensusNode, Membership } from '../interface.js'
import { canonicalHash } from './canonical.js'

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING of 32 bytes }. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** The chain id of a consensus node: `<member>-<index of its key in the member's publicKeys>`. */
export function chainId(member: string, index: number): string {
  return `${member}-${index}`
}

/** A `KeyObject` for a raw 32-byte Ed25519 public key given in base64. */
export function ed25519PublicKeyFromBase64(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64')
  if (raw.length !== 32) throw new LedgerError('RHN_LEDGER_GENESIS_INVALID', `public key ${base64} is ${raw.length} bytes, an Ed25519 key is 32`)
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

/** The raw 32-byte Ed25519 public key of a key object (public or private), in base64. */
export function ed25519PublicKeyBase64(key: KeyObject): string {
  const spki = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' })
  return spki.subarray(ED25519_SPKI_PREFIX.length).toString('base64')
}

/**
 * The membership fixed by `genesis`. Throws `RHN_LEDGER_GENESIS_INVALID` naming the problem when
 * the genesis does not validate, repeats a member, key or peer id, or holds a key that is not Ed25519.
 */
export function membershipFromGenesis(genesis: Genesis): Membership {
  const parsed = GenesisSchema.safeParse(genesis)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new LedgerError('RHN_LEDGER_GENESIS_INVALID', `genesis is invalid: ${first?.path.join('.') ?? '(root)'}: ${first?.message ?? 'unknown problem'}`)
  }
  const g = parsed.data
  const problems = genesisProblems(g)
  if (problems.length > 0) {
    throw new LedgerError('RHN_LEDGER_GENESIS_INVALID', `genesis is invalid: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`)
  }
  const nodes: ConsensusNode[] = []
  const peerMembers = new Map<string, string>()
  for (const [mi, member] of g.members.entries()) {
    member.publicKeys.forEach((publicKeyBase64, index) => {
      let publicKey: KeyObject
      try {
        publicKey = ed25519PublicKeyFromBase64(publicKeyBase64)
      } catch (cause) {
        throw new LedgerError('RHN_LEDGER_GENESIS_INVALID', `genesis members.${mi}.publicKeys.${index} (${member.id}) is not an Ed25519 public key: ${(cause as Error).message}`, { cause })
      }
      nodes.push(Object.freeze({ chain: chainId(member.id, index), member: member.id, index, publicKey, publicKeyBase64 }))
    })
    for (const peer of member.peerIds) peerMembers.set(peer, member.id)
  }
  return Object.freeze({
    genesis: g,
    genesisHash: canonicalHash(g),
    nodes: Object.freeze(nodes) as ConsensusNode[],
    byChain: new Map(nodes.map((n) => [n.chain, n])),
    peerMembers,
    quorum: quorumSize(nodes.length),
  })
}

/**
 * Reads and validates a genesis file (YAML or JSON). Throws `RHN_LEDGER_GENESIS_INVALID` when the
 * file cannot be read, and the `ValidationError` of `parseGenesis` (every problem with its line) when it is invalid.
 */
export async function loadGenesis(file: string): Promise<Genesis> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new LedgerError('RHN_LEDGER_GENESIS_INVALID', `cannot read genesis file ${file}: ${(cause as Error).message}`, { cause })
  }
  return parseGenesis(text, file)
}
