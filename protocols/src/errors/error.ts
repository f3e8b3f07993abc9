/**
 * The base of every RHN error: a stable `code` that callers match on (house rule 6),
 * and a message a person can act on.
 */
export class RhnError extends Error {
  /** Stable machine-readable code, listed in its package's catalogue (`RHN_<PKG>_…`). */
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** One problem found in a document or a value: where it is and what is wrong. */
export interface Issue {
  /** Key path in the document, e.g. `hospitals[0].units[2].id`; `(root)` for the whole document. */
  path: string
  /** 1-based line in the source file, when the value came from a file. */
  line?: number
  /** 1-based column in the source file, when known. */
  column?: number
  message: string
}

/** Renders an issue as `file:line:col: path: message`, the shape editors and compilers use. */
export function formatIssue(issue: Issue, file?: string): string {
  const where = [file, issue.line, issue.line === undefined ? undefined : issue.column].filter((p) => p !== undefined).join(':')
  return `${where === '' ? '' : `${where}: `}${issue.path}: ${issue.message}`
}

/** Thrown when a document (registry, config, scenario) has problems; carries every one found, not just the first. */
export class ValidationError extends RhnError {
  readonly issues: readonly Issue[]
  readonly file: string | undefined

  constructor(code: string, what: string, issues: readonly Issue[], file?: string) {
    const head = `${what}${file === undefined ? '' : ` ${file}`} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:`
    super(code, [head, ...issues.map((i) => `  ${formatIssue(i, file)}`)].join('\n'))
    this.issues = issues
    this.file = file
  }
}
