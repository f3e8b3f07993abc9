/**
 * Where a bench phase's CPU went, and an optional V8 CPU profile of it: /proc readings (Linux) for this
 * process, the servers it started and the whole machine, so figures on a shared box can be read per point.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export async function processCpuS(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN
  }
}

/** CPU seconds the whole machine has been busy (every core), from /proc/stat; NaN elsewhere. */
export async function machineBusyS(): Promise<number> {
  try {
    const [, ...ticks] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).map(Number)
    return (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / 100 // minus idle and iowait
  } catch {
    return Number.NaN
  }
}

/** Where the machine's CPU went during a phase: this process, the broker, influxd, and the rest. */
export async function cpuSnapshot(pids: Record<string, number>): Promise<Record<string, number>> {
  const out: Record<string, number> = { machine: await machineBusyS(), aggregator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 }
  for (const [name, pid] of Object.entries(pids)) out[name] = await processCpuS(pid)
  return out
}

/** With RHN_BENCH_PROFILE set: starts the V8 CPU profiler; the returned function writes `<label>.cpuprofile`. */
export async function startProfile(): Promise<((label: string) => Promise<void>) | undefined> {
  const dir = process.env.RHN_BENCH_PROFILE
  if (dir === undefined || dir === '') return undefined
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async (label) => {
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    await writeFile(join(dir, `${label}.cpuprofile`), JSON.stringify(profile))
  }
}
