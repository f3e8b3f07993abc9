/**
 * Metric aliases (spec §6.4.6 alias): a BIRTH gives each metric a name and an alias, unique across
 * the edge node's NBIRTH and all its DBIRTHs [tck-id-payloads-alias-uniqueness]; DATA and CMD
 * messages then carry only the alias [tck-id-payloads-alias-data-cmd-requirement].
 */
import { ProtocolError } from '../errors/protocol-error.js'
import type { MetricDataType, SparkplugMetric } from './types.js'

/** What a BIRTH said about one alias. */
export interface AliasEntry {
  name: string
  datatype: MetricDataType
  /** The device whose DBIRTH defined it; undefined for NBIRTH metrics. */
  deviceId?: string
}

/**
 * Host-side alias table of one edge node session. Start a new one at each NBIRTH, then
 * {@link AliasTable.addBirth} the NBIRTH and every DBIRTH.
 */
export class AliasTable {
  readonly #byAlias = new Map<number, AliasEntry>()

  /** Builds a table from an NBIRTH's metrics. */
  static fromBirth(metrics: readonly SparkplugMetric[]): AliasTable {
    const table = new AliasTable()
    table.addBirth(metrics)
    return table
  }

  /**
   * Adds the aliased metrics of a BIRTH (`deviceId` for a DBIRTH). A DBIRTH replaces the earlier
   * aliases of the same device. Throws RHN_PROTO_ALIAS_DUPLICATE when an alias names two metrics.
   */
  addBirth(metrics: readonly SparkplugMetric[], deviceId?: string): void {
    if (deviceId !== undefined) for (const [alias, e] of this.#byAlias) if (e.deviceId === deviceId) this.#byAlias.delete(alias)
    const seen = new Map<number, string>()
    for (const m of metrics) {
      if (m.alias === undefined || m.name === undefined) continue
      const other = seen.get(m.alias) ?? this.#byAlias.get(m.alias)?.name
      if (other !== undefined) {
        throw new ProtocolError('RHN_PROTO_ALIAS_DUPLICATE', `alias ${m.alias} is given to both "${other}" and "${m.name}"`)
      }
      seen.set(m.alias, m.name)
    }
    for (const m of metrics) {
      if (m.alias === undefined || m.name === undefined) continue
      this.#byAlias.set(m.alias, { name: m.name, datatype: m.datatype, ...(deviceId === undefined ? {} : { deviceId }) })
    }
  }

  /** What the BIRTH said about `alias`, or undefined. */
  lookup(alias: number): AliasEntry | undefined {
    return this.#byAlias.get(alias)
  }

  /** Number of aliases known. */
  get size(): number {
    return this.#byAlias.size
  }

  /**
   * A DATA/CMD metric with its name filled in from the BIRTH. A metric with a name and no alias is
   * returned unchanged. Throws RHN_PROTO_ALIAS_UNKNOWN when the alias was never born (or was born
   * by another device), so the host can ask for a rebirth.
   */
  resolve(metric: SparkplugMetric, deviceId?: string): SparkplugMetric & { name: string } {
    if (metric.alias === undefined) {
      if (metric.name === undefined) throw new ProtocolError('RHN_PROTO_ALIAS_UNKNOWN', 'metric has neither name nor alias')
      return { ...metric, name: metric.name }
    }
    const entry = this.#byAlias.get(metric.alias)
    if (entry === undefined) {
      throw new ProtocolError('RHN_PROTO_ALIAS_UNKNOWN', `alias ${metric.alias} was not defined by any BIRTH of this edge node: request a rebirth`)
    }
    if (entry.deviceId !== deviceId) {
      const owner = entry.deviceId === undefined ? 'the edge node' : `device "${entry.deviceId}"`
      throw new ProtocolError('RHN_PROTO_ALIAS_UNKNOWN', `alias ${metric.alias} belongs to ${owner}, not ${deviceId === undefined ? 'the edge node' : `device "${deviceId}"`}`)
    }
    return { ...metric, name: entry.name }
  }
}

/**
 * Edge-side alias allocator: the same (device, metric name) always gets the same alias, so aliases
 * stay stable across rebirths. Seed it with saved `entries()` to keep them across restarts.
 */
export class AliasAllocator {
  readonly #byKey = new Map<string, number>()
  #next = 1

  /** `initial`: saved `[key, alias]` pairs from {@link AliasAllocator.entries}. */
  constructor(initial: Iterable<readonly [string, number]> = []) {
    for (const [key, alias] of initial) {
      this.#byKey.set(key, alias)
      this.#next = Math.max(this.#next, alias + 1)
    }
  }

  /** The alias of metric `name` of `deviceId` (undefined for node metrics), allocating one if new. */
  aliasFor(name: string, deviceId?: string): number {
    // Device ids never contain '/' and are never empty, so `/name` (node) and `dev/name` cannot collide.
    const key = `${deviceId ?? ''}/${name}`
    let alias = this.#byKey.get(key)
    if (alias === undefined) {
      alias = this.#next++
      this.#byKey.set(key, alias)
    }
    return alias
  }

  /** Every `[key, alias]` allocated so far (key = `/name` for node metrics, `deviceId/name`), for persistence. */
  entries(): [string, number][] {
    return [...this.#byKey]
  }
}
