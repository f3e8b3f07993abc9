// Child process of outbox-recovery.test.ts: appends batches in a loop and prints "<id> <seq>" for
// each batch as soon as its append resolved (i.e. it is fsynced), until it is killed with SIGKILL.
// Eight appends stay in flight so group commit and segment rolls happen while it dies.
import { pino } from 'pino'
import { DiskOutbox } from '../src/outbox/index.js'
import { batch } from './outbox-support.js'

const outbox = await DiskOutbox.open({ dir: process.argv[2]!, logger: pino({ level: 'silent' }), segmentBytes: 32 * 1024 })
let seq = 0

async function worker(): Promise<never> {
  for (;;) {
    const mine = seq++
    const id = await outbox.append(batch(mine))
    // stdout to a pipe is synchronous on Linux: a line printed here has left the process.
    process.stdout.write(`${id} ${mine}\n`)
  }
}

for (let i = 0; i < 8; i++) void worker()
