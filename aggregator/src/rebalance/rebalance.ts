import type { RebalanceInit, RebalanceInput, RebalanceResult } from './types.js'

/**
 * Recommend ventilator, PPE and patient transfers between hospitals: unmet demand first, transfer
 * distance (km × units) second, solved as a mixed-integer program by HiGHS (one shared instance,
 * loaded on first use). Throws `RHN_AGG_REBALANCE_INPUT` naming the bad input.
 */
export function rebalance(input: RebalanceInput, init: RebalanceInit = {}): Promise<RebalanceResult> {
  void input
  void init
  return Promise.reject(new Error("rebalance: implementation lands in the next commit"))
}
