/**
 * Writes the JSON Schemas of the config files to `protocols/schemas/` (or the folder given as the
 * first argument). Run after changing a config schema: `npx tsx protocols/src/cli/write-schemas.ts`;
 * the committed files are checked against the code by `protocols/test/config-schemas.test.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configJsonSchemas, renderJsonSchema } from '../config/index.js'

const outDir = process.argv[2] ?? fileURLToPath(new URL('../../schemas/', import.meta.url))
mkdirSync(outDir, { recursive: true })
for (const [file, schema] of Object.entries(configJsonSchemas())) {
  const path = join(outDir, file)
  writeFileSync(path, renderJsonSchema(schema))
  console.log(`wrote ${path}`)
}
