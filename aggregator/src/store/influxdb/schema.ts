/**
 * What the store creates in InfluxDB 1.x (issue 5 "Storage": the database, retention policies and
 * continuous queries for 1-minute and 1-hour downsampling), idempotently: it runs before the first
 * write and again whenever InfluxDB says the database is missing.
 */
import type { InfluxDB } from 'influx'
import type { InfluxdbStoreConfig } from '@rhn/protocols'

/** Raw points; the database's default policy, so writes and queries without `rp` land here. */
export const RP_RAW = 'rhn_raw'
/** 1-minute means of every numeric field (`mean_<metric>`), filled by {@link CQ_1M}. */
export const RP_1M = 'rhn_1m'
/** 1-hour means of every numeric field (`mean_<metric>`), filled by {@link CQ_1H}. */
export const RP_1H = 'rhn_1h'
export const CQ_1M = 'rhn_cq_1m'
export const CQ_1H = 'rhn_cq_1h'

const DAY_H = 24

/** One downsampling continuous query. */
interface Downsample {
  name: string
  into: string
  interval: string
  /**
   * `RESAMPLE FOR`: how far back each run recomputes. Points replayed from the spill after an outage
   * arrive late; re-running the last 10 minutes (resp. 2 hours) folds them into the downsamples.
   */
  resampleFor: string
}

const DOWNSAMPLES: readonly Downsample[] = [
  { name: CQ_1M, into: RP_1M, interval: '1m', resampleFor: '10m' },
  { name: CQ_1H, into: RP_1H, interval: '1h', resampleFor: '2h' },
]

function quoted(name: string): string {
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/** Creates or corrects the database, the three retention policies and the two continuous queries. */
export async function ensureSchema(influx: InfluxDB, database: string, retention: InfluxdbStoreConfig['retention']): Promise<void> {
  await influx.createDatabase(database)
  const policies = [
    { name: RP_RAW, days: retention.rawDays, isDefault: true },
    { name: RP_1M, days: retention.oneMinuteDays, isDefault: false },
    { name: RP_1H, days: retention.oneHourDays, isDefault: false },
  ]
  const existing = new Map((await influx.showRetentionPolicies(database)).map((rp) => [rp.name, rp]))
  for (const policy of policies) {
    const options = { database, duration: `${policy.days}d`, replication: 1, isDefault: policy.isDefault }
    const found = existing.get(policy.name)
    if (found === undefined) await influx.createRetentionPolicy(policy.name, options)
    else if (found.duration !== `${policy.days * DAY_H}h0m0s` || found.default !== policy.isDefault) await influx.alterRetentionPolicy(policy.name, options)
  }
  for (const ds of DOWNSAMPLES) {
    // mean(*) takes every numeric field and skips booleans and strings; `*` in GROUP BY keeps every tag.
    const query = `SELECT mean(*) INTO ${quoted(database)}.${quoted(ds.into)}.:MEASUREMENT FROM ${quoted(database)}.${quoted(RP_RAW)}./.*/ GROUP BY time(${ds.interval}), *`
    const resample = `RESAMPLE FOR ${ds.resampleFor}`
    try {
      // Creating an identical query again is a no-op in InfluxDB.
      await influx.createContinuousQuery(ds.name, query, database, resample)
    } catch (err) {
      if (!String(err).includes('already exists')) throw err
      // Same name, other text (the database was renamed, or an older RHN made it): replace it.
      await influx.dropContinuousQuery(ds.name, database)
      await influx.createContinuousQuery(ds.name, query, database, resample)
    }
  }
}
