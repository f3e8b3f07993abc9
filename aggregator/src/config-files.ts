/**
 * The files an aggregator config points at (issue 5 "CLI"): relative paths are relative to the
 * config file's folder, secrets are read from their files (first line), TLS PEMs are read whole, and
 * the API token file is validated like the config itself (every problem with key path and line).
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { API_ROLES, type AggregatorConfig, type Issue, type StoreConfig, ValidationError, formatPath, parseYamlLocated } from '@rhn/protocols'
import type { ApiToken } from './api/index.js'
import { AggregatorError } from './errors.js'
import type { HostMqttInit } from './host/index.js'

/** Shortest API token, characters (the config schema's rule for inline tokens). */
const MIN_TOKEN_LENGTH = 16

/** Resolves a config path against the config file's folder. */
export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}

async function readConfigFile(baseDir: string, path: string, key: string): Promise<string> {
  const file = resolvePath(baseDir, path)
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err })
  }
}

/** Reads the first line of a secret file, naming the config key when it cannot. */
export async function readSecret(baseDir: string, path: string, key: string): Promise<string> {
  return ((await readConfigFile(baseDir, path, key)).split(/\r?\n/)[0] ?? '').trim()
}

/** The store block with its paths (database file, spill folder, secret files) resolved against `baseDir`. */
export function resolveStorePaths(store: StoreConfig, baseDir: string): StoreConfig {
  if (store.type === 'sqlite') return store.path === ':memory:' ? store : { ...store, path: resolvePath(baseDir, store.path) }
  return {
    ...store,
    ...(store.passwordFile === undefined ? {} : { passwordFile: resolvePath(baseDir, store.passwordFile) }),
    spill: { ...store.spill, dir: resolvePath(baseDir, store.spill.dir) },
    ...(store.v2 === undefined
      ? {}
      : { v2: { ...store.v2, ...(store.v2.tokenFile === undefined ? {} : { tokenFile: resolvePath(baseDir, store.v2.tokenFile) }) } }),
  }
}

/** The host's broker options: password and TLS PEMs read from their files. */
export async function hostMqttInit(mqtt: NonNullable<AggregatorConfig['mqtt']>, baseDir: string): Promise<HostMqttInit> {
  const password = mqtt.password ?? (mqtt.passwordFile === undefined ? undefined : await readSecret(baseDir, mqtt.passwordFile, 'mqtt.passwordFile'))
  let tls: HostMqttInit['tls']
  if (mqtt.tls !== undefined) {
    tls = {}
    for (const key of ['ca', 'cert', 'key'] as const) {
      const path = mqtt.tls[key]
      if (path !== undefined) tls[key] = await readConfigFile(baseDir, path, `mqtt.tls.${key}`)
    }
  }
  return {
    url: mqtt.url,
    ...(mqtt.clientId === undefined ? {} : { clientId: mqtt.clientId }),
    ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
    keepaliveS: mqtt.keepaliveS,
    connectTimeoutMs: mqtt.connectTimeoutMs,
    reconnect: mqtt.reconnect,
  }
}

/**
 * Parses an API token file: a YAML list of `{ name, token, role }` (the shape of `api.tokens`).
 * @throws ValidationError `RHN_AGG_CONFIG_INVALID` listing every problem with its line.
 */
export function parseTokenFile(text: string, file?: string): ApiToken[] {
  const doc = parseYamlLocated(text, file)
  const issues: Issue[] = []
  const problem = (path: (string | number)[], message: string): void => void issues.push({ path: formatPath(path), ...doc.locate(path), message })
  const list = doc.value
  if (!Array.isArray(list)) {
    problem([], 'must be a list of { name, token, role }')
    throw new ValidationError('RHN_AGG_CONFIG_INVALID', 'API token file', issues, file)
  }
  const tokens: ApiToken[] = []
  const seen = new Set<string>()
  list.forEach((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>
    const { name, token, role } = e
    for (const key of Object.keys(e)) if (!['name', 'token', 'role'].includes(key)) problem([i, key], 'unknown key (expected name, token, role)')
    if (typeof name !== 'string' || name === '') problem([i, 'name'], 'is required: who holds the token')
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) problem([i, 'token'], `must be at least ${MIN_TOKEN_LENGTH} characters, so it cannot be guessed`)
    else if (seen.has(token)) problem([i, 'token'], 'is the same as an earlier token')
    if (typeof role !== 'string' || !(API_ROLES as readonly string[]).includes(role)) problem([i, 'role'], `must be one of ${API_ROLES.join(', ')}`)
    if (typeof token === 'string') seen.add(token)
    if (typeof name === 'string' && typeof token === 'string' && typeof role === 'string') tokens.push({ name, token, role: role as ApiToken['role'] })
  })
  if (issues.length > 0) throw new ValidationError('RHN_AGG_CONFIG_INVALID', 'API token file', issues, file)
  return tokens
}

/** Every API token: `api.tokens` plus those of `api.tokenFile`. */
export async function loadApiTokens(api: AggregatorConfig['api'], baseDir: string): Promise<ApiToken[]> {
  if (api.tokenFile === undefined) return [...api.tokens]
  const file = resolvePath(baseDir, api.tokenFile)
  return [...api.tokens, ...parseTokenFile(await readConfigFile(baseDir, api.tokenFile, 'api.tokenFile'), file)]
}
