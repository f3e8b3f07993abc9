/**
 * `rhn-aggregator validate`: the checks past the config schema, on the files the config names
 * (issue 5 "CLI": also loads and validates the registry file). No network. Each problem is one
 * printable string with file, line and key path.
 */
import { access, readFile } from 'node:fs/promises'
import { type AggregatorConfig, RhnError, formatIssue, formatPath, parseRegistry, parseYamlLocated } from '@rhn/protocols'
import { parseTokenFile, resolvePath } from '../config-files.js'

/** What {@link configFileProblems} found. */
export interface FileCheck {
  /** The config cannot run: registry unreadable or invalid, hospital not in it, token file invalid. */
  problems: string[]
  /**
   * Secret files (passwords, tokens, TLS) not readable here: often provisioned only on the target
   * host (a mounted secret), so `validate` on a workstation warns instead of failing; `run` fails.
   */
  warnings: string[]
}

/** Every problem of the files `config` names. */
export async function configFileProblems(config: AggregatorConfig, text: string, file: string, baseDir: string): Promise<FileCheck> {
  const doc = parseYamlLocated(text, file)
  const problems: string[] = []
  const warnings: string[] = []
  const line = (path: (string | number)[], message: string): string => formatIssue({ path: formatPath(path), ...doc.locate(path), message }, file)
  const at = (path: (string | number)[], message: string): void => void problems.push(line(path, message))
  const readable = async (path: (string | number)[], value: string | undefined): Promise<void> => {
    if (value === undefined) return
    const full = resolvePath(baseDir, value)
    try {
      await access(full)
    } catch (err) {
      warnings.push(line(path, `cannot read ${full} (${(err as NodeJS.ErrnoException).code ?? String(err)}); \`run\` needs it`))
    }
  }
  const registryFile = resolvePath(baseDir, config.registry)
  let registryText: string | undefined
  try {
    registryText = await readFile(registryFile, 'utf8')
  } catch (err) {
    at(['registry'], `cannot read ${registryFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  if (registryText !== undefined) {
    try {
      const registry = parseRegistry(registryText, registryFile)
      if (config.mode === 'hospital' && config.hospitalId !== undefined && !registry.hospitals.some((h) => h.id === config.hospitalId)) {
        at(['hospitalId'], `"${config.hospitalId}" is not in the registry ${registryFile} (it has: ${registry.hospitals.map((h) => h.id).join(', ')})`)
      }
      if (config.mode === 'region' && config.regionId !== undefined && registry.region.id !== config.regionId) {
        at(['regionId'], `"${config.regionId}" is not the registry's region ("${registry.region.id}")`)
      }
    } catch (err) {
      if (!(err instanceof RhnError)) throw err
      problems.push(err.message)
    }
  }
  if (config.api.tokenFile !== undefined) {
    const tokenFile = resolvePath(baseDir, config.api.tokenFile)
    let tokenText: string | undefined
    try {
      tokenText = await readFile(tokenFile, 'utf8')
    } catch {
      await readable(['api', 'tokenFile'], config.api.tokenFile)
    }
    try {
      if (tokenText !== undefined) parseTokenFile(tokenText, tokenFile)
    } catch (err) {
      if (!(err instanceof RhnError)) throw err
      problems.push(err.message)
    }
  }
  const mqtt = config.mqtt
  await readable(['mqtt', 'passwordFile'], mqtt?.passwordFile)
  for (const key of ['ca', 'cert', 'key'] as const) await readable(['mqtt', 'tls', key], mqtt?.tls?.[key])
  if (config.store.type === 'influxdb') {
    await readable(['store', 'passwordFile'], config.store.passwordFile)
    await readable(['store', 'v2', 'tokenFile'], config.store.v2?.tokenFile)
  }
  return { problems, warnings }
}
