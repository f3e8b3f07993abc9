/**
 * JSON Schemas of the config files, for editors (house rule 5). Generated from the zod schemas,
 * so they cannot drift; `src/cli/write-schemas.ts` writes them to `protocols/schemas/`, and a test
 * checks the committed files equal what this returns.
 */
import { z } from 'zod'
import { AggregatorConfigSchema } from './aggregator.js'
import { EdgeConfigSchema } from './edge.js'
import { GenesisSchema, LedgerConfigSchema } from './ledger.js'
import { ScenarioSchema } from './scenario.js'

/** The file name of each exported JSON Schema. */
export type ConfigSchemaFile = 'edge.schema.json' | 'aggregator.schema.json' | 'ledger.schema.json' | 'genesis.schema.json' | 'scenario.schema.json'

const schemas: Readonly<Record<ConfigSchemaFile, { schema: z.ZodType; title: string }>> = {
  'edge.schema.json': { schema: EdgeConfigSchema, title: 'rhn-edge config' },
  'aggregator.schema.json': { schema: AggregatorConfigSchema, title: 'rhn-aggregator config' },
  'ledger.schema.json': { schema: LedgerConfigSchema, title: 'rhn-ledger node config' },
  'genesis.schema.json': { schema: GenesisSchema, title: 'rhn-ledger genesis' },
  'scenario.schema.json': { schema: ScenarioSchema, title: 'rhn-sim scenario' },
}

/**
 * The JSON Schema (draft 2020-12) of each config file, keyed by file name. Input shapes: keys with
 * defaults are optional, as an editor should show them. Cross-field rules (`…Problems`) are not in
 * the JSON Schema; `rhn-* validate` checks them.
 */
export function configJsonSchemas(): Record<ConfigSchemaFile, Record<string, unknown>> {
  const out = {} as Record<ConfigSchemaFile, Record<string, unknown>>
  for (const [file, { schema, title }] of Object.entries(schemas) as [ConfigSchemaFile, (typeof schemas)[ConfigSchemaFile]][]) {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
    out[file] = { $schema: json.$schema, title, ...json }
  }
  return out
}

/** Renders one schema as the committed file holds it: 2-space JSON with a final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}
