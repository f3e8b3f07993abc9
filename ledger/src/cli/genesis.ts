/**
 * `rhn-ledger genesis`: the consortium's genesis file from each node's public key and peer id.
 * Members come from `--member ID:NAME:KEYDIR` (repeat an ID for a member's second node) or from a
 * YAML file (`--members FILE`: `consortiumId`, `members: [{id, name, nodes: [KEYDIR…]}]`). A KEYDIR is
 * a `rhn-ledger keygen` folder (or its `public.yaml`); only public halves are read when the private keys are absent.
 */
import { access, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { ed25519PublicKeyBase64 as publicKeyRule, type Genesis, OdsCodeSchema, parseGenesis, parseYamlLocated, quorumSize } from '@rhn/protocols'
import { loadPeerKey, parseMemberKey } from '../chain/keys.js'
import { ed25519PublicKeyBase64 } from '../chain/membership.js'
import { KEY_FILES } from './keygen.js'
import { atKey, InputError, readText, UsageError } from './usage.js'

/** One consensus node's public half. */
interface NodePublic {
  publicKey: string
  peerId: string
}

/** Members as given on the command line or in a members file, before their keys are read. */
export interface GenesisMembers {
  consortiumId: string
  members: Array<{ id: string; name: string; nodes: string[] }>
}

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false)

/** Reads a node's public key and peer id from a keygen folder (private keys if present, else `public.yaml`) or a `public.yaml`. */
export async function readNodePublic(path: string): Promise<NodePublic> {
  const dir = basename(path) === KEY_FILES.public ? dirname(path) : path
  if (basename(path) !== KEY_FILES.public && (await exists(join(dir, KEY_FILES.member)))) {
    const memberFile = join(dir, KEY_FILES.member)
    const key = parseMemberKey(await readText(memberFile, 'member key file'), `member key file ${memberFile}`)
    const peer = await loadPeerKey(join(dir, KEY_FILES.peer))
    return { publicKey: ed25519PublicKeyBase64(key), peerId: peer.peerId }
  }
  const file = join(dir, KEY_FILES.public)
  const text = await readText(file, `public key file (run \`rhn-ledger keygen --out ${dir}\` first)`)
  const doc = parseYamlLocated(text, file).value as Record<string, unknown> | null
  const publicKey = doc?.publicKey
  const peerId = doc?.peerId
  if (typeof publicKey !== 'string' || !publicKeyRule.safeParse(publicKey).success) throw new InputError(atKey(text, file, ['publicKey'], 'must be a 32-byte Ed25519 public key in base64'))
  if (typeof peerId !== 'string' || !/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/.test(peerId)) throw new InputError(atKey(text, file, ['peerId'], 'must be a libp2p Ed25519 peer id (12D3KooW…)'))
  return { publicKey, peerId }
}

/** Parses repeated `--member ID:NAME:KEYDIR` flags; the same ID twice adds a node to that member. */
export function membersFromFlags(consortiumId: string | undefined, flags: readonly string[]): GenesisMembers {
  if (consortiumId === undefined) throw new UsageError('genesis needs --consortium ID')
  if (flags.length === 0) throw new UsageError('genesis needs at least one --member ID:NAME:KEYDIR (or --members FILE)')
  const members: GenesisMembers['members'] = []
  for (const flag of flags) {
    const m = /^([^:]+):(.+):([^:]+)$/.exec(flag)
    if (m === null) throw new UsageError(`--member ${flag}: must be ID:NAME:KEYDIR (e.g. RXA:Northgate General Hospital:./keys/rxa)`)
    const [, id, name, dir] = m as unknown as [string, string, string, string]
    const known = members.find((x) => x.id === id)
    if (known !== undefined && known.name !== name) throw new UsageError(`--member ${flag}: member ${id} is named "${known.name}" in an earlier --member`)
    if (known === undefined) members.push({ id, name, nodes: [dir] })
    else known.nodes.push(dir)
  }
  return { consortiumId, members }
}

/** Reads a members file; key folders in it are relative to the file's folder. Problems name the key and line. */
export async function membersFromFile(file: string): Promise<GenesisMembers> {
  const text = await readText(file, 'members file')
  const doc = parseYamlLocated(text, file).value as { consortiumId?: unknown; members?: unknown } | null
  const bad = (path: (string | number)[], message: string): never => {
    throw new InputError(atKey(text, file, path, message))
  }
  if (typeof doc?.consortiumId !== 'string') bad(['consortiumId'], 'is required: the consortium id')
  if (!Array.isArray(doc?.members) || doc.members.length === 0) bad(['members'], 'must list the members: [{id, name, nodes: [KEYDIR, …]}]')
  const members = (doc!.members as unknown[]).map((raw, i) => {
    const m = (raw ?? {}) as { id?: unknown; name?: unknown; nodes?: unknown }
    if (typeof m.id !== 'string') bad(['members', i, 'id'], 'is required: the member hospital code')
    if (typeof m.name !== 'string' || m.name === '') bad(['members', i, 'name'], 'is required: the hospital name')
    if (!Array.isArray(m.nodes) || m.nodes.length === 0 || !m.nodes.every((n) => typeof n === 'string')) bad(['members', i, 'nodes'], 'must list the key folders of this member\'s nodes')
    return { id: m.id as string, name: m.name as string, nodes: (m.nodes as string[]).map((n) => resolve(dirname(file), n)) }
  })
  return { consortiumId: doc!.consortiumId as string, members }
}

/** Builds the genesis from the members' key folders; throws `ValidationError` (every problem) when it would not parse. */
export async function buildGenesis(input: GenesisMembers, createdAt: string): Promise<Genesis> {
  for (const m of input.members) if (!OdsCodeSchema.safeParse(m.id).success) throw new InputError(`member '${m.id}': not an ODS-style member code such as RXA`)
  const members = await Promise.all(
    input.members.map(async (m) => {
      const nodes = await Promise.all(m.nodes.map(readNodePublic))
      return { id: m.id, name: m.name, publicKeys: nodes.map((n) => n.publicKey), peerIds: nodes.map((n) => n.peerId) }
    }),
  )
  return parseGenesis(JSON.stringify({ consortiumId: input.consortiumId, createdAt, quorum: '>2/3', members }), '(genesis being written)')
}

/** The genesis as YAML, with the editor schema comment (path relative to `outFile`) and the quorum it implies. */
export function genesisYaml(genesis: Genesis, outFile: string): string {
  const schema = createRequire(import.meta.url).resolve('@rhn/protocols/schemas/genesis.schema.json')
  const nodes = genesis.members.reduce((n, m) => n + m.publicKeys.length, 0)
  const q = quorumSize(nodes)
  const s = JSON.stringify // a JSON string is a valid YAML scalar: names with ':' or '#' stay intact
  const lines = [
    `# yaml-language-server: $schema=${relative(dirname(resolve(outFile)), schema)}`,
    '#',
    `# Genesis of the ${genesis.consortiumId} consortium, written by \`rhn-ledger genesis\`: identical on every node.`,
    `# ${nodes} consensus node${nodes === 1 ? '' : 's'}: a transaction is confirmed by ${q} endorsements (more than 2/3),`,
    `# tolerating ${Math.floor((nodes - 1) / 3)} Byzantine node${Math.floor((nodes - 1) / 3) === 1 ? '' : 's'} (f of 3f+1).`,
    '',
    `consortiumId: ${genesis.consortiumId}`,
    `createdAt: ${s(genesis.createdAt)}`,
    `quorum: ${s(genesis.quorum)}`,
    'members:',
    ...genesis.members.flatMap((m) => [
      `  - id: ${m.id}`,
      `    name: ${s(m.name)}`,
      '    publicKeys:',
      ...m.publicKeys.map((k) => `      - ${k}`),
      '    peerIds:',
      ...m.peerIds.map((p) => `      - ${p}`),
    ]),
  ]
  return `${lines.join('\n')}\n`
}

/** `rhn-ledger genesis` flags. */
export interface GenesisFlags {
  consortium: string | undefined
  member: string[]
  members: string | undefined
  out: string
  force: boolean
}

/** Writes the genesis file; refuses to replace one unless `force` (every node must hold the same). */
export async function writeGenesis(flags: GenesisFlags, print: (text: string) => void): Promise<number> {
  if (flags.members !== undefined && (flags.member.length > 0 || flags.consortium !== undefined)) throw new UsageError('genesis takes either --members FILE or --consortium and --member, not both')
  const input = flags.members !== undefined ? await membersFromFile(flags.members) : membersFromFlags(flags.consortium, flags.member)
  if (!flags.force && (await exists(flags.out))) throw new UsageError(`${flags.out} exists; use --force to replace it (every node must hold the same genesis)`)
  const genesis = await buildGenesis(input, new Date().toISOString())
  await writeFile(flags.out, genesisYaml(genesis, flags.out))
  const nodes = genesis.members.reduce((n, m) => n + m.publicKeys.length, 0)
  print(`wrote ${flags.out}: consortium ${genesis.consortiumId}, ${genesis.members.length} member${genesis.members.length === 1 ? '' : 's'} (${genesis.members.map((m) => m.id).join(', ')}), ${nodes} consensus node${nodes === 1 ? '' : 's'}, quorum ${quorumSize(nodes)}`)
  return 0
}
