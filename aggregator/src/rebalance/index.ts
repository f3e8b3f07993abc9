/**
 * Rebalancing advice (issue 7): which ventilators, PPE and patients to move between hospitals,
 * minimising unmet demand first and transfer distance second, solved by HiGHS. See README.md.
 */
export type {
  RebalanceInput,
  RebalanceHospital,
  RebalanceUnit,
  RebalancePpe,
  RebalanceOptions,
  RebalanceInit,
  Recommendation,
  RecommendationKind,
  RebalanceResult,
  RebalanceStatus,
  SolveRecord,
  UnmetDemand,
  SeverityCounts,
  RecommendedRequest,
} from './types.js'
export { rebalance } from './rebalance.js'
export { toRequest } from './request.js'
export { hospitalFromSnapshot, type HospitalFacts, type SnapshotExtras } from './snapshot.js'
export { DEFAULT_OPTIONS } from './prepare.js'
export { DEFAULT_TIME_LIMIT_S } from './rebalance.js'
