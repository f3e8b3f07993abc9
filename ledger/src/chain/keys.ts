/**
 * Key files of a ledger node: the member's Ed25519 consensus key (PKCS#8 PEM, signs blocks) and the
 * libp2p peer identity (libp2p's protobuf private key bytes, fixes the peer id the genesis lists).
 * Both are written with mode 0600 and never overwritten.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LedgerError } from '../errors.js'
import type { ConsensusNode, Membership } from '../interface.js'
import { ed25519PublicKeyBase64 } from './membership.js'

/** A fresh member consensus key. */
export interface MemberKey {
  privateKey: KeyObject
  /** PKCS#8 PEM of the private key: the content of `keyFile`. */
  privateKeyPem: string
  /** Raw 32-byte public key, base64: what the genesis lists in `publicKeys`. */
  publicKeyBase64: string
}

/** A libp2p peer identity. */
export interface PeerKey {
  privateKey: PrivateKey
  /** base58btc peer id (`12D3KooW…`): what the genesis lists in `peerIds`. */
  peerId: string
  /** libp2p protobuf private key bytes: the content of `peerKeyFile`. */
  bytes: Uint8Array
}

/** Generates an Ed25519 member key (node:crypto). */
export function generateMemberKey(): MemberKey {
  const { privateKey } = generateKeyPairSync('ed25519')
  return { privateKey, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKeyBase64: ed25519PublicKeyBase64(privateKey) }
}

/** Generates a libp2p Ed25519 peer identity. */
export async function generatePeerKey(): Promise<PeerKey> {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), bytes: privateKeyToProtobuf(privateKey) }
}

/** Writes a key file with mode 0600, creating its folder; refuses (`RHN_LEDGER_KEY_INVALID`) to overwrite an existing file. */
export async function writeKeyFile(file: string, content: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, content, { mode: 0o600, flag: 'wx' })
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists already (a key is never overwritten; move it away first)' : (cause as Error).message
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `cannot write key file ${file}: ${why}`, { cause })
  }
}

async function readKeyFile(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file (create one with `rhn-ledger keygen`)' : code === 'EACCES' ? 'permission denied' : (cause as Error).message
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `cannot read ${what} ${file}: ${why}`, { cause })
  }
}

/** Parses a PKCS#8 PEM Ed25519 private key; `RHN_LEDGER_KEY_INVALID` naming `source` when it is not one. */
export function parseMemberKey(pem: string | Buffer, source = 'member key'): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch (cause) {
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `${source} is not a PEM private key: ${(cause as Error).message}`, { cause })
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new LedgerError('RHN_LEDGER_KEY_INVALID', `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; the ledger signs with Ed25519`)
  return key
}

/**
 * Loads this node's member key and finds its consensus node in the genesis. Throws
 * `RHN_LEDGER_KEY_INVALID` when the file is missing or unreadable, is not an Ed25519 PKCS#8 PEM key,
 * or its public key is not one the genesis lists for `memberId`.
 */
export async function loadMemberKey(file: string, membership: Membership, memberId: string): Promise<{ privateKey: KeyObject; node: ConsensusNode }> {
  const privateKey = parseMemberKey(await readKeyFile(file, 'member key file'), `member key file ${file}`)
  const publicKeyBase64 = ed25519PublicKeyBase64(privateKey)
  const node = membership.nodes.find((n) => n.publicKeyBase64 === publicKeyBase64)
  if (node === undefined) {
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `member key file ${file} holds public key ${publicKeyBase64}, which the genesis of ${membership.genesis.consortiumId} does not list for any member (it lists ${membership.nodes.filter((n) => n.member === memberId).map((n) => n.publicKeyBase64).join(', ') || 'nothing'} for ${memberId})`)
  }
  if (node.member !== memberId) {
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `member key file ${file} is a key of member ${node.member} (chain ${node.chain}), not of ${memberId}`)
  }
  return { privateKey, node }
}

/** Loads a libp2p peer identity written by `generatePeerKey` + `writeKeyFile`; `RHN_LEDGER_KEY_INVALID` when missing or not a libp2p key. */
export async function loadPeerKey(file: string): Promise<PeerKey> {
  const bytes = await readKeyFile(file, 'peer key file')
  let privateKey: PrivateKey
  try {
    privateKey = privateKeyFromProtobuf(bytes)
  } catch (cause) {
    throw new LedgerError('RHN_LEDGER_KEY_INVALID', `peer key file ${file} is not a libp2p protobuf private key: ${(cause as Error).message}`, { cause })
  }
  if (privateKey.type !== 'Ed25519') throw new LedgerError('RHN_LEDGER_KEY_INVALID', `peer key file ${file} is a ${privateKey.type} key; ledger peers use Ed25519`)
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), bytes: new Uint8Array(bytes) }
}
