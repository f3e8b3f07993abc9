/**
 * Wires issue 7 into a hospital aggregator: the escalation monitor over the twin, and, when the
 * config has a `ledger` block, the link to the hospital's ledger node (snapshots, escalation changes
 * as `escalation-change` transactions, requests and transfers) and the flows tracker.
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import type { KeyObject } from 'node:crypto'
import type { AggregatorConfig } from '@rhn/protocols'
import { LedgerClient } from '@rhn/ledger'
import type { Logger } from 'pino'
import { AggregatorError } from '../errors.js'
import { EscalationMonitor, type EscalationMonitorComponents } from '../escalation/index.js'
import type { TwinView } from '../twin/types.js'
import { FlowTracker } from './flows.js'
import { LedgerLink, type LedgerLinkHealth, type LedgerLinkStats } from './link.js'
import { loadPatientKey } from './patient.js'
import type { LedgerRoutesComponents } from './routes.js'
import { SnapshotBuilder } from './snapshot.js'

/** What {@link startHospitalLedgerSide} needs. */
export interface HospitalLedgerSideInit {
  config: AggregatorConfig
  hospitalId: string
  /** Relative `ledger.tokenFile` paths resolve against it. */
  baseDir: string
  twin: TwinView
  alarms: EscalationMonitorComponents['alarms']
  now: () => number
  logger: Logger
  /** Monitor debounce, ms (tests). */
  evaluateDebounceMs?: number
  /** Link retry delays, ms (tests). */
  retryInitialMs?: number
  retryMaxMs?: number
}

/** The running parts. */
export interface HospitalLedgerSide {
  monitor: EscalationMonitor
  link?: LedgerLink
  flows?: FlowTracker
  routes: LedgerRoutesComponents
  health(): LedgerLinkHealth | null
  stats(): LedgerLinkStats | undefined
  close(): void
}

async function readToken(baseDir: string, path: string): Promise<string> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `ledger.tokenFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  const token = text.trim()
  if (token === '') throw new AggregatorError('RHN_AGG_CONFIG_INVALID', `ledger.tokenFile: ${file} is empty`)
  return token
}

/** Starts the monitor (and the link when configured); nothing is sent before this resolves. */
export async function startHospitalLedgerSide(i: HospitalLedgerSideInit): Promise<HospitalLedgerSide> {
  const { config, hospitalId, now, logger } = i
  const monitor = new EscalationMonitor(
    { twin: i.twin, alarms: i.alarms, config: config.escalation, hospitalId },
    { now, ...(i.evaluateDebounceMs === undefined ? {} : { debounceMs: i.evaluateDebounceMs }) },
  )
  let key: Promise<KeyObject> | undefined
  const patientKey = (): Promise<KeyObject> => {
    // Read once; a failure is not cached, so fixing the file works without a restart.
    const file = config.ledger?.patientKeyFile
    key ??= loadPatientKey(file === undefined || isAbsolute(file) ? file : resolve(i.baseDir, file)).catch((err: unknown) => {
      key = undefined
      throw err
    })
    return key
  }
  const l = config.ledger
  if (l === undefined) {
    monitor.start()
    return { monitor, routes: { hospitalId, patientKey, now }, health: () => null, stats: () => undefined, close: () => monitor.close() }
  }
  const token = l.tokenFile === undefined ? undefined : await readToken(i.baseDir, l.tokenFile)
  const client = new LedgerClient({ url: l.nodeUrl, ...(token === undefined ? {} : { token }) })
  const builder = new SnapshotBuilder(hospitalId)
  const link = new LedgerLink(
    { client, nodeUrl: l.nodeUrl, snapshot: () => builder.build(i.twin.tree(), monitor.current(), now()) },
    {
      snapshotPeriodMs: l.snapshotPeriodS * 1000,
      minIntervalMs: l.minIntervalMs,
      significantChange: l.significantChange,
      now,
      logger: logger.child({ part: 'ledger-link' }),
      ...(i.retryInitialMs === undefined ? {} : { retryInitialMs: i.retryInitialMs }),
      ...(i.retryMaxMs === undefined ? {} : { retryMaxMs: i.retryMaxMs }),
    },
  )
  monitor.onChange((c) => {
    try {
      link.enqueue({ kind: 'escalation-change', hospital: c.hospital, ...(c.unit === undefined ? {} : { unit: c.unit }), from: c.from, to: c.to, reason: c.reason, at: c.at })
    } catch (err) {
      logger.error({ err: String(err), change: c }, 'escalation change not recorded on the ledger')
    }
  })
  monitor.onEvaluated(() => link.check())
  monitor.start()
  link.start()
  const flows = new FlowTracker(client, hospitalId, () => link.submissions())
  return {
    monitor,
    link,
    flows,
    routes: { hospitalId, link, flows, patientKey, now },
    health: () => link.health(),
    stats: () => link.stats(),
    close: () => {
      monitor.close()
      link.close()
    },
  }
}
