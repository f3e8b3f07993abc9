import { generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGenesis, quorumSize } from '@rhn/protocols'
import { generateMemberKey, generatePeerKey, loadMemberKey, loadPeerKey, writeKeyFile } from '../src/chain/keys.js'
import { ed25519PublicKeyBase64, loadGenesis, membershipFromGenesis } from '../src/chain/membership.js'
import { canonicalHash } from '../src/chain/canonical.js'
import { makeConsortium } from './fixtures/consortium.js'

describe('membership from the genesis', () => {
  it('names chains <member>-<index>, maps peers to members, sets the > 2/3 quorum and the genesis hash', async () => {
    const c = await makeConsortium(3, { nodesPerMember: 2 })
    const m = c.membership
    expect(m.nodes.map((n) => n.chain)).toEqual(['RXA-0', 'RXA-1', 'RXB-0', 'RXB-1', 'RXC-0', 'RXC-1'])
    expect(m.quorum).toBe(quorumSize(6))
    expect(m.quorum).toBe(5)
    expect(m.peerMembers.get(c.nodes[3]!.peerKey.peerId)).toBe('RXB')
    expect(m.byChain.get('RXC-1')?.publicKeyBase64).toBe(c.genesis.members[2]!.publicKeys[1])
    expect(ed25519PublicKeyBase64(m.byChain.get('RXA-0')!.publicKey)).toBe(c.genesis.members[0]!.publicKeys[0])
    expect(m.genesisHash).toBe(canonicalHash(c.genesis))
    // The genesis file on disk (the one `rhn-ledger run` reads) gives the same membership.
    const fromFile = membershipFromGenesis(await loadGenesis(c.genesisFile))
    expect(fromFile.genesisHash).toBe(m.genesisHash)
    expect(membershipFromGenesis(parseGenesis(readFileSync(c.genesisFile, 'utf8'))).genesisHash).toBe(m.genesisHash)
  })

  it('refuses a genesis that repeats a key or does not validate, saying where', async () => {
    const c = await makeConsortium(2)
    const dup = structuredClone(c.genesis)
    dup.members[1]!.publicKeys = [...dup.members[0]!.publicKeys]
    expect(() => membershipFromGenesis(dup)).toThrow(expect.objectContaining({ code: 'RHN_LEDGER_GENESIS_INVALID', message: expect.stringMatching(/public key/) }))
    const bad = { ...c.genesis, consortiumId: 'X' }
    expect(() => membershipFromGenesis(bad)).toThrow(/consortiumId/)
    await expect(loadGenesis(join(c.dir, 'missing.yaml'))).rejects.toThrow(/cannot read genesis file .*missing\.yaml/)
  })
})

describe('key files', () => {
  it('writes member and peer keys with mode 0600 and never overwrites one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhn-ledger-keys-'))
    const key = generateMemberKey()
    await writeKeyFile(join(dir, 'k', 'member.key'), key.privateKeyPem)
    expect(statSync(join(dir, 'k', 'member.key')).mode & 0o777).toBe(0o600)
    await expect(writeKeyFile(join(dir, 'k', 'member.key'), 'x')).rejects.toMatchObject({ code: 'RHN_LEDGER_KEY_INVALID', message: expect.stringMatching(/exists already/) })
    const peer = await generatePeerKey()
    await writeKeyFile(join(dir, 'peer.key'), peer.bytes)
    expect(statSync(join(dir, 'peer.key')).mode & 0o777).toBe(0o600)
    const loaded = await loadPeerKey(join(dir, 'peer.key'))
    expect(loaded.peerId).toBe(peer.peerId)
    expect(loaded.peerId).toMatch(/^12D3KooW/)
    expect(loaded.privateKey.equals(peer.privateKey)).toBe(true)
  })

  it('loads the member key and finds its consensus node', async () => {
    const c = await makeConsortium(2, { nodesPerMember: 2 })
    const { node, privateKey } = await loadMemberKey(c.nodes[3]!.keyFile, c.membership, 'RXB')
    expect(node.chain).toBe('RXB-1')
    expect(ed25519PublicKeyBase64(privateKey)).toBe(node.publicKeyBase64)
  })

  it('names what is wrong with a member key file', async () => {
    const c = await makeConsortium(2)
    const load = (file: string, member = 'RXA') => loadMemberKey(file, c.membership, member)
    await expect(load(join(c.dir, 'nope.key'))).rejects.toMatchObject({ code: 'RHN_LEDGER_KEY_INVALID', message: expect.stringMatching(/nope\.key: no such file/) })
    const garbage = join(c.dir, 'garbage.key')
    writeFileSync(garbage, 'hello')
    await expect(load(garbage)).rejects.toThrow(/garbage\.key is not a PEM private key/)
    const ec = join(c.dir, 'ec.key')
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }))
    await expect(load(ec)).rejects.toThrow(/is a ec key; the ledger signs with Ed25519/)
    const stranger = join(c.dir, 'stranger.key')
    writeFileSync(stranger, generateMemberKey().privateKeyPem)
    await expect(load(stranger)).rejects.toThrow(/does not list for any member/)
    await expect(load(c.nodes[1]!.keyFile, 'RXA')).rejects.toThrow(/is a key of member RXB \(chain RXB-0\), not of RXA/)
    if (process.getuid?.() !== 0) {
      chmodSync(c.nodes[0]!.keyFile, 0)
      await expect(load(c.nodes[0]!.keyFile)).rejects.toThrow(/permission denied/)
    }
    await expect(loadPeerKey(garbage)).rejects.toThrow(/garbage\.key is not a libp2p protobuf private key/)
  })
})
