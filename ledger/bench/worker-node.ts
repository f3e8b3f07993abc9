/**
 * One ledger node in a worker thread, for the catch-up bench: its own event loop, libp2p stack and
 * store, as the node on another member's machine has. The parent (`thread-node.ts`) asks it for
 * `start`, `status`, `heads` and `stop` with {@link WorkerRequest}s; each is answered by a
 * {@link WorkerReply}. It reports ready (id -1) once its modules are loaded, before the node starts,
 * so a bench can time the node's start without the thread's module loading.
 */
import '../src/polyfill.js'
import { parentPort, workerData } from 'node:worker_threads'
import type { Genesis, LedgerConfig } from '@rhn/protocols'
import { createLedgerNode } from '../src/node/ledger-node.js'

/** What the parent asks. */
export interface WorkerRequest {
  id: number
  op: 'start' | 'status' | 'heads' | 'stop'
}

/** The answer to one request (`id` -1: the thread is ready for `start`). */
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }

/** What the worker is started with. */
export interface WorkerInit {
  config: LedgerConfig
  genesis: Genesis
}

const port = parentPort
if (port === null) throw new Error('worker-node.ts runs as a worker thread (ledger/bench/thread-node.ts starts it)')
const { config, genesis } = workerData as WorkerInit
const node = createLedgerNode({ config, genesis })

async function answer(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'start':
      return node.start()
    case 'status':
      return node.status()
    case 'heads':
      return node.heads()
    case 'stop':
      await node.stop()
      return undefined
  }
}

port.on('message', (req: WorkerRequest) => {
  answer(req).then(
    (value) => port.postMessage({ id: req.id, ok: true, value } satisfies WorkerReply),
    (err: unknown) => port.postMessage({ id: req.id, ok: false, error: (err as Error).message } satisfies WorkerReply),
  )
})

port.postMessage({ id: -1, ok: true, value: undefined } satisfies WorkerReply)
