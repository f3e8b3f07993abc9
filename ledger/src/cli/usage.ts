/**
 * What every `rhn-ledger` subcommand shares: the usage error (exit 2), reading files with a plain
 * message, and locating a config key's line for messages that name it.
 */
import { readFile } from 'node:fs/promises'
import { formatIssue, formatPath, type KeyPath, parseYamlLocated } from '@rhn/protocols'

export { UsageError } from '@rhn/protocols'

/** A problem in a file the user gave (config, genesis, key, token): exit 2, message only. */
export class InputError extends Error {}

/** Reads a text file; a missing or unreadable one is an {@link InputError} naming it and why. */
export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))}`)
  }
}

/** `file:line:col: key.path: message` for a key of a YAML document (the line when the key is there). */
export function atKey(text: string, file: string, path: KeyPath, message: string): string {
  return formatIssue({ path: formatPath(path), ...parseYamlLocated(text, file).locate(path), message }, file)
}

/** Renders rows as left-aligned columns under a header, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** A hash shortened for a table (`ab12cd34…`); full hashes are in `--json`. */
export const short = (hash: string): string => (hash.length > 12 ? `${hash.slice(0, 12)}…` : hash)

/** A time in ms since the epoch as ISO 8601 UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString()
