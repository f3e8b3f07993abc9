import { existsSync } from 'node:fs'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

/** Workspace folders that hold tests; a package joins once it has a `test/` folder. */
const packages = ['protocols', 'firmware-sim', 'edge-agent', 'aggregator', 'ledger']

export default defineConfig({
  // Tests run on the TypeScript sources: every @rhn package maps "rhn-source" to src/index.ts.
  resolve: { conditions: ['rhn-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['rhn-source', ...defaultServerConditions] } },
  test: {
    setupFiles: [new URL('./test/support/setup.ts', import.meta.url).pathname],
    projects: [
      ...packages
        .filter((name) => existsSync(new URL(`./${name}/test`, import.meta.url)))
        .map((name) => ({
          extends: true as const,
          test: { name, root: `./${name}`, include: ['test/**/*.test.ts'], benchmark: { include: ['bench/**/*.bench.ts'] } },
        })),
      {
        extends: true as const,
        test: { name: 'test', root: './test', include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] },
      },
    ],
    // Real servers start in some suites: allow them time on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
