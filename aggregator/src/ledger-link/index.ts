/**
 * The hospital aggregator's link to its ledger node (issue 7): capacity snapshots on a period and on
 * significant change, ordered submissions (escalation changes, requests, offers, decisions, transfers)
 * that survive a node outage, and the flows involving this hospital.
 */
export {
  DEFAULT_MIN_INTERVAL_MS,
  DEFAULT_QUEUE_LIMIT,
  DEFAULT_RETRY_INITIAL_MS,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_SNAPSHOT_PERIOD_MS,
  LedgerLink,
  SUBMISSION_HISTORY,
  type LedgerLinkComponents,
  type LedgerLinkHealth,
  type LedgerLinkInit,
  type LedgerLinkStats,
  type LedgerSubmitter,
  type LinkTimers,
  type Submission,
} from './link.js'
export { SnapshotBuilder, significantChange, type BuiltSnapshot, type SignificantChange } from './snapshot.js'
export { FLOW_KINDS, FlowTracker, MAX_STATUS_READS, type FlowItem, type FlowList, type FlowSource } from './flows.js'
export { MIN_PATIENT_KEY_BYTES, SALT_BYTES, loadPatientKey, newSalt, patientRef, recordCommitment } from './patient.js'
export { MAX_RECORD_LENGTH, SUBMIT_WAIT_MS, parseBody, registerLedgerRoutes, type LedgerRoutesComponents } from './routes.js'
export { startHospitalLedgerSide, type HospitalLedgerSide, type HospitalLedgerSideInit } from './hospital.js'
