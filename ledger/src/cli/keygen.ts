/**
 * `rhn-ledger keygen --out DIR [--member ID] [--force]`: one consensus node's keys. Writes
 * `member.key` (Ed25519 PKCS#8 PEM, signs blocks), `peer.key` (libp2p identity), `api.token`
 * (bearer token of the node's API), all mode 0600, and `public.yaml` (public key and peer id:
 * the only file to send to whoever writes the genesis).
 */
import { randomBytes } from 'node:crypto'
import { access, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OdsCodeSchema } from '@rhn/protocols'
import { generateMemberKey, generatePeerKey, writeKeyFile } from '../chain/keys.js'
import { UsageError } from './usage.js'

/** File names in a key folder. */
export const KEY_FILES = Object.freeze({ member: 'member.key', peer: 'peer.key', token: 'api.token', public: 'public.yaml' })

/** What {@link keygen} wrote. */
export interface KeygenResult {
  dir: string
  publicKeyBase64: string
  peerId: string
}

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false)

/** Writes a fresh key set into `dir`; refuses existing keys unless `force` (the genesis may list the old ones). */
export async function keygen(dir: string, member: string | undefined, force: boolean): Promise<KeygenResult> {
  if (member !== undefined && !OdsCodeSchema.safeParse(member).success) throw new UsageError(`--member: '${member}' is not an ODS-style member code such as RXA`)
  const files = Object.values(KEY_FILES).map((f) => join(dir, f))
  const present = (await Promise.all(files.map(async (f) => ((await exists(f)) ? f : undefined)))).filter((f) => f !== undefined)
  if (present.length > 0) {
    if (!force) throw new UsageError(`${present.join(', ')} exist${present.length === 1 ? 's' : ''}; use --force to replace them (a genesis that lists the old keys will no longer match)`)
    await Promise.all(present.map((f) => rm(f)))
  }
  const memberKey = generateMemberKey()
  const peerKey = await generatePeerKey()
  await writeKeyFile(join(dir, KEY_FILES.member), memberKey.privateKeyPem)
  await writeKeyFile(join(dir, KEY_FILES.peer), peerKey.bytes)
  await writeKeyFile(join(dir, KEY_FILES.token), `${randomBytes(32).toString('base64url')}\n`) // 256 bits
  const lines = [
    '# Public half of one rhn-ledger consensus node, written by `rhn-ledger keygen`: safe to share.',
    '# `rhn-ledger genesis --member ID:NAME:<this folder>` reads it.',
    ...(member === undefined ? [] : [`memberId: ${member}`]),
    `publicKey: ${memberKey.publicKeyBase64}`,
    `peerId: ${peerKey.peerId}`,
  ]
  await writeFile(join(dir, KEY_FILES.public), `${lines.join('\n')}\n`)
  return { dir, publicKeyBase64: memberKey.publicKeyBase64, peerId: peerKey.peerId }
}
