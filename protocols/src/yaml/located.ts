import { isCollection, LineCounter, parseDocument, type Document } from 'yaml'
import type { z } from 'zod'
import { type Issue, ValidationError } from '../errors/error.js'

/** A key path as zod and the `yaml` package give it. */
export type KeyPath = readonly PropertyKey[]

/** Renders `['hospitals', 0, 'units', 2, 'id']` as `hospitals[0].units[2].id`. */
export function formatPath(path: KeyPath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out === '' ? '(root)' : out
}

/** A parsed YAML document that can say on which line any key path sits. */
export interface LocatedDocument {
  /** The document as plain JavaScript values. */
  readonly value: unknown
  /** 1-based line and column of the value at `path`, or of its nearest present parent. */
  locate(path: KeyPath): { line: number; column: number } | undefined
}

/**
 * Parses YAML text, keeping positions so later validation errors can name the line.
 * Syntax errors are reported all at once as a {@link ValidationError} with code `RHN_PROTO_YAML_SYNTAX`.
 */
export function parseYamlLocated(text: string, file?: string): LocatedDocument {
  const lineCounter = new LineCounter()
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const issues: Issue[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0])
      return { path: '(yaml)', line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message }
    })
    throw new ValidationError('RHN_PROTO_YAML_SYNTAX', 'YAML', issues, file)
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 })
  return {
    value,
    locate(path) {
      // Walk down as far as the path exists, so a missing key points at its parent mapping.
      for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true)
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range
        if (range !== undefined && (depth === path.length || isCollection(node) || depth === 0)) {
          const pos = lineCounter.linePos(range[0])
          return { line: pos.line, column: pos.col }
        }
      }
      return undefined
    },
  }
}

/** Turns zod issues into located {@link Issue}s, one per problem. */
export function zodIssues(error: z.ZodError, doc?: LocatedDocument): Issue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), ...doc?.locate(i.path), message: i.message }))
}

/**
 * Parses and validates a YAML document against a zod schema. Returns the typed value, or throws a
 * {@link ValidationError} with `code` that lists every problem with its key path and line.
 * `extraChecks` runs only on a schema-valid value, for cross-reference rules (duplicate ids, dangling references).
 */
export function loadYaml<S extends z.ZodType>(
  schema: S,
  text: string,
  options: {
    code: 'RHN_PROTO_REGISTRY_INVALID' | 'RHN_PROTO_CONFIG_INVALID'
    what: string
    file?: string
    extraChecks?: (value: z.output<S>) => { path: KeyPath; message: string }[]
  },
): z.output<S> {
  const doc = parseYamlLocated(text, options.file)
  return validateLocated(schema, doc, options)
}

/** Validates an already parsed document; see {@link loadYaml}. */
export function validateLocated<S extends z.ZodType>(
  schema: S,
  doc: LocatedDocument,
  options: {
    code: 'RHN_PROTO_REGISTRY_INVALID' | 'RHN_PROTO_CONFIG_INVALID'
    what: string
    file?: string
    extraChecks?: (value: z.output<S>) => { path: KeyPath; message: string }[]
  },
): z.output<S> {
  const result = schema.safeParse(doc.value ?? {})
  if (!result.success) throw new ValidationError(options.code, options.what, zodIssues(result.error, doc), options.file)
  const extra = options.extraChecks?.(result.data) ?? []
  if (extra.length > 0) {
    const issues = extra.map((p) => ({ path: formatPath(p.path), ...doc.locate(p.path), message: p.message }))
    throw new ValidationError(options.code, options.what, issues, options.file)
  }
  return result.data
}
