/**
 * `rhn-ledger verify --data DIR --genesis FILE`: the offline check of a node's data folder
 * (`verifyDataDir`), printed per chain: blocks, head, problems. Exit 1 on any problem.
 */
import { access } from 'node:fs/promises'
import { loadGenesis } from '../chain/membership.js'
import { verifyDataDir } from '../verify.js'
import type { Print } from './status.js'
import { InputError, short, table } from './usage.js'

/** Verifies `dataDir` against the genesis in `genesisFile`; prints the report, returns the exit code. */
export async function verify(dataDir: string, genesisFile: string, print: Print): Promise<number> {
  await access(dataDir).catch(() => {
    throw new InputError(`--data ${dataDir}: no such folder (the node's dataDir)`)
  })
  const genesis = await loadGenesis(genesisFile)
  const report = await verifyDataDir(dataDir, genesis)
  print(`${dataDir}: ${report.chains.length} chain file${report.chains.length === 1 ? '' : 's'}, consortium ${genesis.consortiumId} (genesis ${short(report.genesisHash)})`)
  if (report.chains.length > 0) {
    print(table(['CHAIN', 'BLOCKS', 'HEAD', 'HASH', 'PROBLEMS'], report.chains.map((c) => [c.chain, String(c.blocks), c.head === undefined ? '-' : String(c.head.height), c.head === undefined ? '' : short(c.head.hash), String(c.problems.length)])))
  }
  print(`evidence: ${report.evidence.records} record${report.evidence.records === 1 ? '' : 's'}; last signed: ${report.lastSigned === undefined ? 'nothing yet' : `${report.lastSigned.chain} height ${report.lastSigned.height}`}`)
  const problems = [...report.chains.flatMap((c) => c.problems.map((p) => `${c.chain}: ${p}`)), ...report.evidence.problems, ...report.problems]
  const notes = [...report.chains.flatMap((c) => c.notes), ...report.evidence.notes]
  for (const n of notes) print(`note: ${n}`)
  for (const p of problems) print(`PROBLEM: ${p}`)
  print(report.ok ? 'verify: every block, signature and link checks out' : `verify: ${problems.length} problem${problems.length === 1 ? '' : 's'} found`)
  return report.ok ? 0 : 1
}
