/**
 * NHS OPEL escalation thresholds (issue 7). A unit, hospital or region is at the highest level any
 * indicator reaches; OPEL 1 (steady state) is below every opel2 threshold. The level is shown with
 * its reason, e.g. "ICU occupancy 96 % > 92 %".
 */
import { z } from 'zod'
import { positiveInt } from './common.js'

/** Thresholds where a higher value is worse (occupancy, use, trend). */
function risingThresholds(opel2: number, opel3: number, opel4: number, why: string) {
  return z
    .object({
      opel2: z.number().min(0).default(opel2),
      opel3: z.number().min(0).default(opel3),
      opel4: z.number().min(0).default(opel4),
    })
    .strict()
    .prefault({})
    .describe(why)
}

/** The `escalation` block of the aggregator config; every default is NHS-like and says why. */
export const escalationSchema = z
  .object({
    occupancyPercent: risingThresholds(
      85,
      92,
      97,
      'bed occupancy %, at or above which a unit reaches each level (defaults 85/92/97: above 85 % bed crises become regular ' +
        '(Bagust et al., BMJ 1999); 92 % is the NHS planning ceiling for G&A beds; 97 % leaves no room for the next admission)',
    ),
    ventilatorsInUsePercent: risingThresholds(
      70,
      85,
      95,
      'ventilators in use % (defaults 70/85/95: critical-care surge plans escalate as spare ventilators fall below a third, a sixth, a twentieth)',
    ),
    ppeDaysOfSupply: z
      .object({
        opel2: z.number().min(0).default(14),
        opel3: z.number().min(0).default(7),
        opel4: z.number().min(0).default(3),
      })
      .strict()
      .prefault({})
      .describe(
        'PPE days of supply at the recent burn rate, at or below which each level is reached, days (defaults 14/7/3: ' +
          'two weeks covers a normal reorder cycle, one week is when NHS supply chains flagged shortages in 2020, 3 days is emergency resupply)',
      ),
    admissionTrendPercent: risingThresholds(
      10,
      25,
      50,
      'rise in admissions over the trend window against the window before, % (defaults 10/25/50: beyond day-to-day noise, ' +
        'a sustained surge, an outbreak doubling in days)',
    ),
    trendWindowHours: positiveInt.default(24).describe('admission trend window, hours (default 24: smooths the daily admission cycle)'),
  })
  .strict()

/** A validated `escalation` block. */
export type EscalationConfig = z.output<typeof escalationSchema>
