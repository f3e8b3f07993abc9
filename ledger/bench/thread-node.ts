/**
 * A ledger node running in a worker thread (worker-node.ts), seen from the bench. The catch-up phase
 * puts the serving and the catching-up node on threads of their own, so each has a core as it would
 * have its own machine; one event loop for both would measure this process, not the protocol.
 * (The load phases keep their nodes on one event loop: seven threads on two cores would measure
 * the OS scheduler's time slices.)
 */
import { Worker } from 'node:worker_threads'
import type { ChainHead, LedgerStatus } from '@rhn/protocols'
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-node.js'

/** A started node in its own thread. */
export class ThreadNode {
  readonly #worker: Worker
  readonly #calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  #next = 1

  private constructor(worker: Worker) {
    this.#worker = worker
    worker.on('message', (msg: WorkerReply) => {
      const call = this.#calls.get(msg.id)
      this.#calls.delete(msg.id)
      if (msg.ok) call?.resolve(msg.value)
      else call?.reject(new Error(msg.error))
    })
    worker.on('error', (err) => {
      for (const call of this.#calls.values()) call.reject(err)
      this.#calls.clear()
    })
  }

  /** Loads a node with `init` in a new worker thread; resolves once it is ready to `start`. */
  static spawn(init: WorkerInit): Promise<ThreadNode> {
    // tsx's loader is registered before the entry is imported: a .ts entry given to Worker directly
    // is resolved before --import hooks run in the thread.
    const entry = new URL('./worker-node.ts', import.meta.url).href
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
    const worker = new Worker(boot, { eval: true, workerData: init, execArgv: ['--conditions=rhn-source'] })
    return new Promise((resolve, reject) => {
      const started = (msg: WorkerReply): void => {
        if (msg.id !== -1) return
        worker.off('message', started)
        worker.off('error', reject)
        if (msg.ok) resolve(new ThreadNode(worker))
        else reject(new Error(msg.error))
      }
      worker.on('message', started)
      worker.once('error', reject)
    })
  }

  #call<T>(op: WorkerRequest['op']): Promise<T> {
    const id = this.#next++
    return new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#worker.postMessage({ id, op } satisfies WorkerRequest)
    })
  }

  /** Starts the node (store, network, catch-up, producer). */
  start(): Promise<void> {
    return this.#call('start')
  }

  status(): Promise<LedgerStatus> {
    return this.#call('status')
  }

  heads(): Promise<ChainHead[]> {
    return this.#call('heads')
  }

  /** Stops the node and ends its thread. */
  async stop(): Promise<void> {
    await this.#call('stop').catch(() => undefined)
    await this.#worker.terminate()
  }
}
