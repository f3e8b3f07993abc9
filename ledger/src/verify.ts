/**
 * `rhn-ledger verify --data DIR`: re-checks every record checksum, block, signature and link on
 * disk, and the evidence and last-signed records, without changing anything (a store opened by a
 * node truncates a torn tail; verify only notes it). A bad record with intact data after it is
 * corruption, not a torn tail: a problem here, and a node refuses to open over it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Genesis } from '@rhn/protocols'
import { membershipFromGenesis } from './chain/membership.js'
import { LAST_SIGNED_FILE } from './store/last-signed.js'
import { decodeEvidence, loadChain, readIfExists } from './store/load.js'
import { type ScanResult, scanRecords } from './store/records.js'

/** The verdict on one chain file. */
export interface ChainReport {
  chain: string
  file: string
  /** Blocks that verified, from height 0. */
  blocks: number
  /** The last block that verified. */
  head: { height: number; hash: string } | undefined
  /** What is wrong: a block that does not verify or link, a file of a chain not in the genesis. */
  problems: string[]
  /** What a node fixes by itself on open (a torn tail left by a crash), reported but not a problem. */
  notes: string[]
}

/** The verdict on a whole data dir. */
export interface VerifyReport {
  dir: string
  genesisHash: string
  chains: ChainReport[]
  evidence: { records: number; problems: string[]; notes: string[] }
  lastSigned: { chain: string; height: number; hash: string } | undefined
  /** Problems not tied to one chain file (last-signed record). */
  problems: string[]
  /** True when nothing in `problems` of any part. */
  ok: boolean
}

/** The problem of a corrupt record (see `scanRecords`): what verify reports and a node refuses to open over. */
function corruptProblem(file: string, scan: ScanResult, where: (index: number) => string): string[] {
  const c = scan.corrupt
  return c === undefined ? [] : [`${file}: record at offset ${c.offset} (${where(c.index)}) is corrupt: ${c.detail}; a node refuses to open this store (restore the file from a backup or another member's copy of this chain)`]
}

function tailNote(file: string, size: number, goodBytes: number, tailProblem: string | undefined): string[] {
  return tailProblem === undefined ? [] : [`${file}: ${size - goodBytes} bytes after offset ${goodBytes} are a torn tail (${tailProblem}); a node truncates them on open`]
}

/** Verifies the data dir `dir` of a node of the consortium `genesis`; read-only. */
export async function verifyDataDir(dir: string, genesis: Genesis): Promise<VerifyReport> {
  const membership = membershipFromGenesis(genesis)
  const chains: ChainReport[] = []
  let names: string[] = []
  try {
    names = (await readdir(join(dir, 'chains'))).filter((n) => n.endsWith('.log')).sort()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  for (const name of names) {
    const chain = name.slice(0, -'.log'.length)
    const file = join(dir, 'chains', name)
    if (!membership.byChain.has(chain)) {
      chains.push({ chain, file, blocks: 0, head: undefined, problems: [`${file}: chain ${chain} is not a consensus node of genesis ${membership.genesisHash}`], notes: [] })
      continue
    }
    const data = await readFile(file)
    const scan = scanRecords(data)
    const { blocks, problem } = loadChain(scan, chain, membership)
    const last = blocks.at(-1)
    const problems = [
      ...(problem === undefined ? [] : [`${file}: block at offset ${problem.offset} (${problem.where}) does not verify: ${problem.detail}; ${scan.records.length - blocks.length - 1} later records not checked`]),
      ...corruptProblem(file, scan, (i) => `height ${i}`),
    ]
    chains.push({ chain, file, blocks: blocks.length, head: last && { height: last.header.height, hash: last.hash }, problems, notes: tailNote(file, data.length, scan.goodBytes, scan.tailProblem) })
  }

  const evFile = join(dir, 'evidence.log')
  const evData = await readIfExists(evFile)
  const evScan = scanRecords(evData)
  const evidence = { records: 0, problems: corruptProblem(evFile, evScan, (i) => `evidence record ${i}`), notes: tailNote(evFile, evData.length, evScan.goodBytes, evScan.tailProblem) }
  for (const { offset, payload } of evScan.records) {
    const ev = decodeEvidence(payload, membership)
    if (typeof ev === 'string') evidence.problems.push(`${evFile}: evidence record at offset ${offset} does not verify: ${ev}`)
    else evidence.records++
  }

  const problems: string[] = []
  let lastSigned: VerifyReport['lastSigned']
  const lsFile = join(dir, LAST_SIGNED_FILE)
  const lsText = (await readIfExists(lsFile)).toString('utf8')
  if (lsText !== '') {
    try {
      lastSigned = JSON.parse(lsText) as VerifyReport['lastSigned']
      const held = chains.find((c) => c.chain === lastSigned!.chain)
      if (held?.head === undefined || held.head.height < lastSigned!.height) {
        problems.push(`${lsFile}: this node signed ${lastSigned!.chain}#${lastSigned!.height} but its chain file holds ${held?.head === undefined ? 'no block' : `only up to height ${held.head.height}`}; catch up its own chain from peers before it signs again`)
      }
    } catch (e) {
      problems.push(`${lsFile} is not JSON: ${(e as Error).message}`)
    }
  }
  const ok = problems.length === 0 && evidence.problems.length === 0 && chains.every((c) => c.problems.length === 0)
  return { dir, genesisHash: membership.genesisHash, chains, evidence, lastSigned, problems, ok }
}
