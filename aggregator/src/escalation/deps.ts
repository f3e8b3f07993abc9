/** Types the escalation module reads, in one place so region mode can reuse the module with its own rollups. */
export type { EscalationConfig, OpelLevel, UnitType } from '@rhn/protocols'
export type { Rollup } from '../twin/types.js'
