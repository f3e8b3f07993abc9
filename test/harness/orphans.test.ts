// The harness's servers do not outlive the process that started them, even when that process is
// killed outright (vitest ending a worker on a timeout): its own stop() never runs then.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isAlive as alive } from '@rhn/test/harness'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('harness servers and a killed test process', () => {
  it('Mosquitto started by a process that is SIGKILLed is gone within seconds', async () => {
    // A child process starts a broker through the harness, prints its pid, and waits to be killed.
    const script = `import { startMosquitto } from '@rhn/test/harness'; const b = await startMosquitto(); console.log('pid', b.pid); setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=rhn-source', '--input-type=module', '-e', script], { cwd: `${ROOT}test`, stdio: ['ignore', 'pipe', 'inherit'] })
    const brokerPid = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /pid (\d+)/.exec(out)
        if (m !== null) resolve(Number(m[1]))
      })
      child.once('exit', (code) => reject(new Error(`the starter exited (${code}) before printing the broker's pid: ${out}`)))
    })
    expect(alive(brokerPid)).toBe(true)
    child.kill('SIGKILL')
    const deadline = Date.now() + 10_000
    while (alive(brokerPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(alive(brokerPid)).toBe(false)
  }, 30_000)
})
