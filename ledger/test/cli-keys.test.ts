// `rhn-ledger keygen`, `genesis`, usage and config errors as a user meets them (issue 6 "Library and CLI").
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseGenesis } from '@rhn/protocols'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliDone, killAll } from './cli-support.js'

describe('rhn-ledger keygen, genesis and usage', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rhn-ledger-cli-'))
  })
  afterAll(async () => {
    killAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('keygen writes 0600 keys and a token, prints the public key and peer id, and refuses to overwrite without --force', async () => {
    const out = join(dir, 'rxa')
    const first = await cliDone(['keygen', '--out', out, '--member', 'RXA'])
    expect(first.code).toBe(0)
    const publicKey = /public key (\S+)/.exec(first.stdout)?.[1]
    const peerId = /peer id\s+(12D3KooW\S+)/.exec(first.stdout)?.[1]
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(peerId).toHaveLength(52)
    for (const f of ['member.key', 'peer.key', 'api.token']) expect((await stat(join(out, f))).mode & 0o777).toBe(0o600)
    expect(await readFile(join(out, 'member.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect((await readFile(join(out, 'api.token'), 'utf8')).trim().length).toBeGreaterThanOrEqual(43)
    expect(await readFile(join(out, 'public.yaml'), 'utf8')).toContain(`publicKey: ${publicKey}\npeerId: ${peerId}`)

    const again = await cliDone(['keygen', '--out', out])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/member\.key.* exist; use --force/)
    expect(await readFile(join(out, 'public.yaml'), 'utf8')).toContain(publicKey)
    const forced = await cliDone(['keygen', '--out', out, '--force'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).not.toContain(publicKey)
  })

  it('genesis builds a file parseGenesis accepts from key folders, with the schema comment and a second node per member', async () => {
    for (const k of ['rxb', 'rxc', 'rxc1']) expect((await cliDone(['keygen', '--out', join(dir, k)])).code).toBe(0)
    // Only the public half is needed: the RXC folders lose their private keys.
    for (const f of ['member.key', 'peer.key', 'api.token']) await rm(join(dir, 'rxc1', f))
    const file = join(dir, 'genesis.yaml')
    const r = await cliDone([
      'genesis', '--consortium', 'north-region', '--out', file,
      '--member', `RXA:Northgate General:${join(dir, 'rxa')}`,
      '--member', `RXB:Riverside District: Main Site:${join(dir, 'rxb')}`,
      '--member', `RXC:Moorside:${join(dir, 'rxc')}`,
      '--member', `RXC:Moorside:${join(dir, 'rxc1')}`,
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/3 members \(RXA, RXB, RXC\), 4 consensus nodes, quorum 3/)
    const text = await readFile(file, 'utf8')
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S*protocols\/schemas\/genesis\.schema\.json\n/)
    const genesis = parseGenesis(text, file)
    expect(genesis.members.map((m) => [m.id, m.publicKeys.length, m.peerIds.length])).toEqual([['RXA', 1, 1], ['RXB', 1, 1], ['RXC', 2, 2]])
    expect(genesis.members[1]!.name).toBe('Riverside District: Main Site')
    const rxa = await readFile(join(dir, 'rxa', 'public.yaml'), 'utf8')
    expect(rxa).toContain(genesis.members[0]!.publicKeys[0])
    expect(rxa).toContain(genesis.members[0]!.peerIds[0])

    const again = await cliDone(['genesis', '--consortium', 'north-region', '--out', file, '--member', `RXA:N:${join(dir, 'rxa')}`])
    expect([again.code, /exists; use --force/.test(again.stderr)]).toEqual([2, true])
  })

  it('genesis from a members file names a missing key with its line, and refuses one key listed twice', async () => {
    const members = join(dir, 'members.yaml')
    await writeFile(members, 'consortiumId: north-region\nmembers:\n  - id: RXA\n    name: Northgate\n    nodes: [./rxa]\n  - id: RXB\n    nodes: [./rxb]\n')
    const bad = await cliDone(['genesis', '--members', members, '--out', join(dir, 'g2.yaml')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/members\.yaml:6:\d+: members\[1\]\.name: is required/)
    await writeFile(members, 'consortiumId: north-region\nmembers:\n  - { id: RXA, name: Northgate, nodes: [./rxa] }\n  - { id: RXB, name: Riverside, nodes: [./rxa] }\n')
    const dup = await cliDone(['genesis', '--members', members, '--out', join(dir, 'g2.yaml')])
    expect(dup.code).toBe(2)
    expect(dup.stderr).toMatch(/members\[1\]\.publicKeys\[0\]: .*public key/)
  })

  it('prints help per command, and usage with exit 2 for an unknown command or flag', async () => {
    const help = await cliDone(['--help'])
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Usage: rhn-ledger <command>')])
    const commands = ['keygen', 'genesis', 'run', 'status', 'inspect', 'verify']
    const helps = await Promise.all(commands.map((c) => cliDone([c, '--help'])))
    helps.forEach((r, i) => expect([r.code, r.stdout.split('\n')[0]]).toEqual([0, expect.stringContaining(`Usage: rhn-ledger ${commands[i]}`)]))
    const unknown = await cliDone(['mine'])
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/^rhn-ledger: unknown command 'mine'\n\nUsage:/)])
    const flag = await cliDone(['status', '--colour'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/Unknown option '--colour'[\s\S]*Usage: rhn-ledger status/)
    expect((await cliDone(['keygen'])).stderr).toMatch(/keygen needs --out DIR/)
  })

  it('run names each bad config key with its line and exits 2 before starting anything', async () => {
    const config = join(dir, 'bad.yaml')
    await writeFile(config, 'memberId: rxa\ngenesisFile: ./genesis.yaml\nfsync: sometimes\n')
    const bad = await cliDone(['run', '--config', config])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/bad\.yaml:1:\d+: memberId: must be an ODS-style code/)
    expect(bad.stderr).toMatch(/bad\.yaml:3:\d+: fsync: /)
    expect(bad.stderr).not.toMatch(/\n\s+at /) // no stack trace
    await writeFile(config, 'memberId: RXZ\ngenesisFile: ./genesis.yaml\n')
    const stranger = await cliDone(['run', '--config', config])
    expect(stranger.code).toBe(2)
    expect(stranger.stderr).toMatch(/bad\.yaml:1:\d+: memberId: RXZ is not a member of north-region \(the genesis lists RXA, RXB, RXC\)/)
    await writeFile(config, 'memberId: RXA\ngenesisFile: ./genesis.yaml\napi: { tokenFile: ./nope.token }\n')
    const token = await cliDone(['run', '--config', config])
    expect(token.code).toBe(2)
    expect(token.stderr).toMatch(/bad\.yaml:3:\d+: api\.tokenFile: cannot read API token file \S+nope\.token: no such file/)
  })
})
