// Three `rhn-ledger run` processes on loopback, as three hospitals would run them (issue 6 "Library
// and CLI"): keygen ▸ genesis ▸ run ▸ status shows the peers ▸ a submission through the API is
// confirmed and inspect shows it with its certificate ▸ SIGTERM exits 0 ▸ verify passes offline,
// and catches a flipped byte in a chain file, which run then refuses to open over.
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LedgerClient } from '../src/client.js'
import { crc32 } from '../src/store/crc32.js'
import { RECORD_HEADER_BYTES, scanRecords } from '../src/store/records.js'
import { cli, cliDone, freePort, killAll, type Run, waitFor } from './cli-support.js'
import { capacitySnapshotTx } from './fixtures/txs.js'
import type { SubmittedTxInput } from '@rhn/protocols'

const MEMBERS = ['RXA', 'RXB', 'RXC']

describe('rhn-ledger run, status, inspect and verify with three nodes', () => {
  let dir: string
  const runs: Run[] = []
  const apiUrls: string[] = []
  let txId: string
  let original: Buffer

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rhn-ledger-net-'))
    const keys = await Promise.all(MEMBERS.map((m) => cliDone(['keygen', '--out', join(dir, m.toLowerCase(), 'keys'), '--member', m])))
    const peerIds = keys.map((k) => /peer id\s+(\S+)/.exec(k.stdout)?.[1] ?? `(keygen failed: ${k.stderr})`)
    const genesis = await cliDone(['genesis', '--consortium', 'cli-test', '--out', join(dir, 'genesis.yaml'), ...MEMBERS.flatMap((m) => ['--member', `${m}:Hospital ${m}:${join(dir, m.toLowerCase(), 'keys')}`])])
    expect(genesis.stderr).toBe('')
    const p2p = await Promise.all(MEMBERS.map(() => freePort()))
    const api = await Promise.all(MEMBERS.map(() => freePort()))
    for (const [i, m] of MEMBERS.entries()) {
      const bootstrap = MEMBERS.flatMap((_, j) => (j === i ? [] : [`/ip4/127.0.0.1/tcp/${p2p[j]}/p2p/${peerIds[j]}`]))
      const config = [
        `memberId: ${m}`,
        'genesisFile: ../genesis.yaml',
        'keyFile: ./keys/member.key',
        'peerKeyFile: ./keys/peer.key',
        'dataDir: ./data',
        `listen: [/ip4/127.0.0.1/tcp/${p2p[i]}]`,
        `bootstrap: [${bootstrap.join(', ')}]`,
        `api: { host: 127.0.0.1, port: ${api[i]}, tokenFile: ./keys/api.token }`,
      ]
      await writeFile(join(dir, m.toLowerCase(), 'ledger.yaml'), `${config.join('\n')}\n`)
      apiUrls.push(`http://127.0.0.1:${api[i]}`)
    }
  })
  afterAll(async () => {
    killAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('run starts each node and prints its peer id, p2p address and API URL', async () => {
    runs.push(...MEMBERS.map((m) => cli(['run', '--config', join(dir, m.toLowerCase(), 'ledger.yaml')])))
    for (const [i, run] of runs.entries()) {
      await waitFor(`node ${MEMBERS[i]} up (stderr so far: ${run.stderr.slice(-500)})`, () => (/API http:\/\//.test(run.stdout) ? true : undefined), 60_000)
      expect(run.stdout).toMatch(new RegExp(`${MEMBERS[i]} \\(chain ${MEMBERS[i]}-0\\) of cli-test running — peer id 12D3KooW`))
      expect(run.stdout).toMatch(/p2p \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
      expect(run.stdout).toContain(`API ${apiUrls[i]}`)
    }
  })

  it('status shows the two member peers of a node', async () => {
    await waitFor('RXA connected to RXB and RXC', async () => ((await new LedgerClient({ url: apiUrls[0]! }).status()).peers.length === 2 ? true : undefined), 30_000)
    const status = await cliDone(['status', '--url', apiUrls[0]!])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/consortium cli-test · member RXA · chain RXA-0/)
    expect(status.stdout).toMatch(/peers\s+2: .*RXB 12D3KooW.*|peers\s+2: .*RXC 12D3KooW.*/)
    expect(status.stdout).toMatch(/quorum\s+3 of 3 consensus nodes/)
    const json = JSON.parse((await cliDone(['status', '--url', apiUrls[0]!, '--json'])).stdout) as { peers: unknown[] }
    expect(json.peers).toHaveLength(2)
  })

  it('a submission through the API is confirmed, and inspect shows it with its certificate', async () => {
    const token = (await readFile(join(dir, 'rxa', 'keys', 'api.token'), 'utf8')).trim()
    const client = new LedgerClient({ url: apiUrls[0]!, token })
    ;({ txId } = await client.submit(capacitySnapshotTx('RXA', 7) as SubmittedTxInput))
    await waitFor('the tx confirmed on RXA', async () => ((await client.tx(txId))?.status === 'confirmed' ? true : undefined), 30_000)
    const tx = await cliDone(['inspect', '--url', apiUrls[0]!, '--tx', txId])
    expect(tx.code).toBe(0)
    expect(tx.stdout).toMatch(new RegExp(`${txId}\\s+capacity-snapshot\\s+RXA-0@\\d+\\s+confirmed\\s+[3-9]/3`))
    expect(tx.stdout).toMatch(/certificate: [3-9] endorsements, quorum 3/)
    const all = await cliDone(['inspect', '--url', apiUrls[0]!])
    expect(all.stdout).toMatch(/^CHAIN\s+MEMBER\s+HEIGHT/m)
    expect(all.stdout).toContain(txId)
    const chain = await cliDone(['inspect', '--url', apiUrls[0]!, '--chain', 'RXA-0'])
    expect(chain.stdout).toContain(txId)
    const unknown = await cliDone(['inspect', '--url', apiUrls[0]!, '--tx', 'f'.repeat(64)])
    expect([unknown.code, unknown.stdout]).toEqual([1, expect.stringContaining('not known')])
    // Another node confirms it too (more than 2/3 endorsed it).
    await waitFor('the tx confirmed on RXC', async () => ((await new LedgerClient({ url: apiUrls[2]! }).tx(txId))?.status === 'confirmed' ? true : undefined), 30_000)
    // A second block of RXA, so the bit-rot case below has intact records after the rotten one.
    const second = await client.submit(capacitySnapshotTx('RXA', 8) as SubmittedTxInput)
    await waitFor('the second tx confirmed on RXC', async () => ((await new LedgerClient({ url: apiUrls[2]! }).tx(second.txId))?.status === 'confirmed' ? true : undefined), 30_000)
  })

  it('SIGTERM stops every node cleanly with exit 0', async () => {
    for (const run of runs) run.child.kill('SIGTERM')
    const codes = await Promise.all(runs.map((r) => r.exit))
    expect(codes).toEqual([0, 0, 0])
    for (const run of runs) expect(run.stdout).toMatch(/SIGTERM; stopping[\s\S]*stopped\.\n$/)
  })

  it('verify passes on a stopped node\'s data, and names the chain and height of a tampered block (exit 1)', async () => {
    const data = join(dir, 'rxb', 'data')
    const ok = await cliDone(['verify', '--data', data, '--genesis', join(dir, 'genesis.yaml')])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^RXA-0\s+[1-9]\d*\s+\d+/m)
    expect(ok.stdout).toMatch(/every block, signature and link checks out/)
    // An edit with its checksum recomputed: only the block hash and signature can catch it.
    const file = join(data, 'chains', 'RXA-0.log')
    original = await readFile(file)
    const tampered = Buffer.from(original)
    const length = tampered.readUInt32BE(0)
    const payload = tampered.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length)
    const at = payload.indexOf('"occupied":') + '"occupied":'.length
    payload[at] = payload[at] === 0x31 ? 0x32 : 0x31 // another digit: still valid JSON
    tampered.writeUInt32BE(crc32(payload), 4)
    await writeFile(file, tampered)
    const bad = await cliDone(['verify', '--data', data, '--genesis', join(dir, 'genesis.yaml')])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/PROBLEM: RXA-0: .*height 0/)
  })

  it('verify names a flipped byte (bit rot) inside a chain file, not only at its tail (exit 1), and run refuses to open over it', async () => {
    const data = join(dir, 'rxb', 'data')
    const file = join(data, 'chains', 'RXA-0.log')
    expect(scanRecords(original).records.length).toBeGreaterThan(1)
    const rotten = Buffer.from(original)
    rotten[RECORD_HEADER_BYTES + 20] = rotten[RECORD_HEADER_BYTES + 20]! ^ 0x01 // inside the first record: later records are intact
    await writeFile(file, rotten)
    const bad = await cliDone(['verify', '--data', data, '--genesis', join(dir, 'genesis.yaml')])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/PROBLEM: RXA-0: .*offset 0 \(height 0\) is corrupt/)
    const refused = await cliDone(['run', '--config', join(dir, 'rxb', 'ledger.yaml')])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/RHN_LEDGER_STORE_CORRUPT: .*RXA-0\.log: the record at offset 0 \(height 0\) is corrupt/)
    expect((await readFile(file)).equals(rotten)).toBe(true) // nothing truncated
  })
})
