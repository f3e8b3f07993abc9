/**
 * `rhn-aggregator` config (issues 5 and 7): a hospital twin (Sparkplug host) or, in region mode,
 * the regional twin built from confirmed ledger blocks only. See `examples/aggregator.example.yaml`.
 */
import { z } from 'zod'
import { loadYaml } from '../yaml/located.js'
import { storeSchema } from './aggregator-store.js'
import {
  checkBackoff,
  checkBroker,
  checkOneSecret,
  checkUnique,
  type ConfigProblem,
  filePath,
  host,
  listenPort,
  metricName,
  mqttBrokerSchema,
  ms,
  odsCode,
  positiveInt,
  secret,
  sparkplugId,
} from './common.js'
import { escalationSchema } from './escalation.js'

/** Alarm priorities of IEC 60601-1-8 (medical electrical equipment alarm systems). */
export const ALARM_PRIORITIES = ['low', 'medium', 'high'] as const
/** Comparison operators of a threshold rule. */
export const RULE_OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const
/** API roles: viewer reads, engineer also acknowledges alarms and raises requests, admin everything. */
export const API_ROLES = ['viewer', 'engineer', 'admin'] as const

/** A threshold alarm rule evaluated on every value of `metric`. */
const alarmRuleSchema = z
  .object({
    id: sparkplugId.describe('stable rule id, shown on the alarm'),
    metric: metricName,
    op: z.enum(RULE_OPERATORS),
    value: z.number(),
    severity: z.enum(ALARM_PRIORITIES).describe('alarm priority per IEC 60601-1-8'),
    forMs: ms.default(0).describe('the condition must hold this long, ms (default 0: raise at once)'),
  })
  .strict()

/** Bearer tokens for the API; nothing but /healthz is anonymous. */
const apiSchema = z
  .object({
    host: host.default('127.0.0.1').describe('default loopback: expose it through a reverse proxy or explicitly'),
    port: listenPort.default(8080).describe('default 8080: the usual unprivileged HTTP port'),
    tokens: z
      .array(
        z
          .object({
            name: z.string().min(1).describe('who holds the token, for audit logs ("acknowledged by")'),
            token: secret.min(16, 'must be at least 16 characters, so it cannot be guessed'),
            role: z.enum(API_ROLES),
          })
          .strict(),
      )
      .default([]),
    tokenFile: filePath.optional().describe('YAML file with the same list as tokens, kept out of the config'),
  })
  .strict()

/** Publishing capacity snapshots to the hospital's ledger node (hospital mode), or reading blocks (region mode). */
const ledgerLinkSchema = z
  .object({
    nodeUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL').describe('HTTP API of the ledger node'),
    tokenFile: filePath.optional().describe('file with the node API token, for submissions'),
    patientKeyFile: filePath
      .optional()
      .describe('hospital mode: the secret key (≥ 32 random bytes) that pseudonymises patients in transfers (HMAC-SHA256); never leaves this hospital'),
    snapshotPeriodS: positiveInt
      .default(60)
      .describe('publish a snapshot at least this often, s (default 60: the region never shows a figure older than a minute)'),
    minIntervalMs: ms
      .default(500)
      .describe('at most one snapshot per this, ms (default 500: a change reaches the region in ~2 s, a surge still coalesces)'),
    significantChange: z
      .object({
        bedsDelta: positiveInt.default(1).describe('occupied beds change that publishes at once (default 1: every bed counts)'),
        ventilatorsDelta: positiveInt.default(1).describe('ventilators in use change that publishes at once (default 1)'),
        ppeDaysOfSupplyDelta: z.number().min(0).default(1).describe('days of supply change that publishes at once, days (default 1)'),
      })
      .strict()
      .prefault({})
      .describe('changes that publish before the period ends; an escalation level change always does'),
    pollMs: ms
      .default(500)
      .describe('region mode: how often to page the node for newly confirmed transactions, ms (default 500: well inside the 2 s p99 target)'),
    delegates: z
      .record(
        odsCode,
        z
          .object({
            nodeUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL').describe("the member's own ledger node"),
            tokenFile: filePath.describe("file with that node's API token"),
          })
          .strict(),
      )
      .default({})
      .describe("region mode: members whose requests the region page may file in one step, through that member's own node (a request is always authored by the hospital that needs the resources)"),
  })
  .strict()

/** The `rhn-aggregator` config schema; defaults with unit and reason in each `.describe()`. */
export const AggregatorConfigSchema = z
  .object({
    mode: z.enum(['hospital', 'region']).default('hospital').describe('hospital twin, or region twin from the ledger'),
    hospitalId: odsCode.optional().describe('required in hospital mode: the hospital this aggregator serves'),
    regionId: z.string().min(1).optional().describe('region id from the registry (region mode)'),
    registry: filePath.describe('asset registry YAML; reloaded when it changes, the last good one stays in force'),
    mqtt: mqttBrokerSchema.optional().describe('broker to read gateways from (hospital mode)'),
    sparkplug: z
      .object({
        hostId: sparkplugId.default('rhn-aggregator').describe('Sparkplug host application id; its STATE topic is spBv1.0/STATE/<hostId>'),
        groups: z.array(odsCode).default([]).describe('Sparkplug groups to subscribe; empty = [hospitalId]'),
        reorderTimeoutMs: ms
          .default(2_000)
          .describe('wait this long for a missing seq before asking for a rebirth, ms (default 2 s: QoS 1 redelivery on a LAN is far quicker)'),
      })
      .strict()
      .prefault({}),
    twin: z
      .object({
        staleAfterIntervals: z
          .number()
          .min(1)
          .default(2)
          .describe('a component is stale after this many of its registry expectedIntervalS without a value (default 2: one late keep-alive is not an outage)'),
      })
      .strict()
      .prefault({}),
    store: storeSchema.prefault({ type: 'sqlite' }).describe('telemetry store (default embedded sqlite)'),
    api: apiSchema.prefault({}),
    alarms: z
      .object({ rules: z.array(alarmRuleSchema).default([]).describe('threshold rules from config, on top of device alarms') })
      .strict()
      .prefault({}),
    escalation: escalationSchema.prefault({}),
    ledger: ledgerLinkSchema.optional().describe('ledger node link: optional in hospital mode, the only input in region mode'),
    rebalance: z
      .object({
        periodS: positiveInt.default(60).describe('region mode: re-solve the rebalancing program at least this often, s (default 60; also on every confirmed snapshot, debounced)'),
        horizonDays: z.number().positive().default(3).describe('PPE demand is covered for this many days ahead (default 3: emergency resupply time)'),
        maxTransferKm: z.number().positive().default(100).describe('no transfer recommended between hospitals further apart, km (default 100: a regional ambulance transfer)'),
        ventilatorsPerCriticalPatient: z.number().min(0).default(1).describe('ventilators needed per critical patient (H1; default 1)'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('rhn-aggregator config: durations in ms (key ends in Ms) or s (S), sizes in bytes')

/** A validated `rhn-aggregator` config, defaults filled in. */
export type AggregatorConfig = z.output<typeof AggregatorConfigSchema>
/** An `rhn-aggregator` config as written in YAML. */
export type AggregatorConfigInput = z.input<typeof AggregatorConfigSchema>

/** Cross-field rules: what each mode needs, token and password sources, threshold order. */
export function aggregatorConfigProblems(config: AggregatorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  if (config.mode === 'hospital') {
    if (config.hospitalId === undefined) problems.push({ path: ['hospitalId'], message: 'hospital mode requires hospitalId' })
    if (config.mqtt === undefined) problems.push({ path: ['mqtt'], message: 'hospital mode requires mqtt (the broker the gateways publish to)' })
  } else {
    if (config.ledger === undefined) problems.push({ path: ['ledger'], message: 'region mode requires ledger: confirmed blocks are its only input' })
    if (config.mqtt !== undefined) problems.push({ path: ['mqtt'], message: 'region mode reads the ledger only; remove mqtt' })
  }
  if (config.mqtt !== undefined) {
    problems.push(...checkBroker(config.mqtt, ['mqtt']), ...checkBackoff(config.mqtt.reconnect, ['mqtt', 'reconnect']))
  }
  if (config.api.tokens.length === 0 && config.api.tokenFile === undefined) {
    problems.push({ path: ['api', 'tokens'], message: 'give tokens or tokenFile: every endpoint but /healthz needs a bearer token' })
  }
  problems.push(...checkUnique(config.api.tokens, (t) => t.token, (i) => ['api', 'tokens', i, 'token'], 'token'))
  problems.push(...checkUnique(config.alarms.rules, (r) => r.id, (i) => ['alarms', 'rules', i, 'id'], 'rule id'))
  problems.push(...checkUnique(config.sparkplug.groups, (g) => g, (i) => ['sparkplug', 'groups', i], 'group'))
  if (config.store.type === 'influxdb') {
    problems.push(...checkOneSecret(config.store, ['store'], 'password'), ...checkBackoff(config.store.retry, ['store', 'retry']))
    const v2 = config.store.v2
    if (v2 !== undefined) {
      problems.push(...checkOneSecret(v2, ['store', 'v2'], 'token'))
      if (v2.token === undefined && v2.tokenFile === undefined) problems.push({ path: ['store', 'v2'], message: 'v2 requires token or tokenFile' })
    }
  }
  const e = config.escalation
  for (const key of ['occupancyPercent', 'ventilatorsInUsePercent', 'admissionTrendPercent'] as const) {
    if (!(e[key].opel2 <= e[key].opel3 && e[key].opel3 <= e[key].opel4)) {
      problems.push({ path: ['escalation', key], message: 'thresholds must rise from opel2 to opel4' })
    }
  }
  if (!(e.ppeDaysOfSupply.opel2 >= e.ppeDaysOfSupply.opel3 && e.ppeDaysOfSupply.opel3 >= e.ppeDaysOfSupply.opel4)) {
    problems.push({ path: ['escalation', 'ppeDaysOfSupply'], message: 'days of supply must fall from opel2 to opel4' })
  }
  return problems
}

/** Parses and validates an `rhn-aggregator` YAML config; throws a `ValidationError` listing every problem with key path and line. */
export function parseAggregatorConfig(text: string, file?: string): AggregatorConfig {
  return loadYaml(AggregatorConfigSchema, text, {
    code: 'RHN_PROTO_CONFIG_INVALID',
    what: 'aggregator config',
    file,
    extraChecks: aggregatorConfigProblems,
  })
}
