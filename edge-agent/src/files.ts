import { readFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { EdgeError } from './errors.js'

/** Resolves a config path against the config file's folder (relative paths in a config are relative to it). */
export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}

/** Reads the first line of a secret file (`passwordFile`), naming the config key when it cannot. */
export async function readSecret(baseDir: string, path: string, key: string): Promise<string> {
  const file = resolvePath(baseDir, path)
  try {
    return (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? ''
  } catch (err) {
    throw new EdgeError('RHN_EDGE_FILE_UNREADABLE', `${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
}
