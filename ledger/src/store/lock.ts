/**
 * One process per data dir: two nodes appending to one chain file, or both signing, would corrupt
 * it or equivocate. `<dir>/LOCK` holds the owner's pid; a lock whose process is gone (kill -9) is
 * taken over. Node has no flock(2), hence the pid check.
 */
import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { LedgerError } from '../errors.js'

/** Data dirs locked by this process: a pid equal to ours in a LOCK we do not hold is stale (a container restarts with the same pid). */
const heldHere = new Set<string>()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes `<dir>/LOCK`; `RHN_LEDGER_STORE_IO` naming the owner when a live process holds it. */
export async function acquireLock(dir: string): Promise<void> {
  const file = join(dir, 'LOCK')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = await open(file, 'wx', 0o600)
      await fd.writeFile(`${process.pid}\n`)
      await fd.close()
      heldHere.add(file)
      return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot create ${file}: ${(e as Error).message}`, { cause: e })
    }
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10)
    const stale = !Number.isSafeInteger(pid) || pid <= 0 || (pid === process.pid ? !heldHere.has(file) : !alive(pid))
    if (!stale) throw new LedgerError('RHN_LEDGER_STORE_IO', `data dir ${dir} is in use by process ${pid}${pid === process.pid ? ' (this one: close the other store first)' : ''}; one ledger node per data dir`)
    await unlink(file).catch(() => undefined)
  }
  throw new LedgerError('RHN_LEDGER_STORE_IO', `cannot take ${file}: another process keeps creating it`)
}

/** Releases a lock taken by `acquireLock` in this process. */
export async function releaseLock(dir: string): Promise<void> {
  const file = join(dir, 'LOCK')
  if (!heldHere.delete(file)) return
  await unlink(file).catch(() => undefined)
}
