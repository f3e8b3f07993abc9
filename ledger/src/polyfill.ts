/**
 * `Promise.withResolvers` for Node 20 (STACK.md "Pitfalls seen"): libp2p 3 calls it, and it only
 * ships from Node 22. `src/index.ts` imports this module first, so every entry point of
 * `@rhn/ledger` (library and CLI) loads it before libp2p. A no-op where the runtime has it.
 */
interface WithResolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): WithResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

export {}
