/**
 * Where patients go: the placement fallbacks when the scenario's unit type is full, the step-down
 * route out of critical care, and the case mix of the patients already in at start.
 */
import type { Scenario, Severity, UnitType } from '@rhn/protocols'

/**
 * Unit types tried after the scenario's `placement[severity]`, in order. When none has a free bed
 * the patient boards in ED (a trolley, else the corridor) and is counted as unmet demand:
 * - critical → ICU, else HDU (level 2 areas have the monitoring to hold a level 3 patient until an
 *   ICU bed frees; Intensive Care Society, Levels of Adult Critical Care, 2nd ed. 2021);
 * - severe → HDU, else isolation side room, else a ward bed;
 * - mild → ward.
 */
export const PLACEMENT_FALLBACK: Readonly<Record<Severity, readonly UnitType[]>> = {
  critical: ['icu', 'hdu'],
  severe: ['hdu', 'isolation', 'ward'],
  mild: ['ward'],
}

/** The unit types a patient of `severity` may be placed in, best first, without repeats. */
export function placementChain(scenario: Scenario, severity: Severity): readonly UnitType[] {
  return [...new Set([scenario.placement[severity], ...PLACEMENT_FALLBACK[severity]])]
}

/** Severity after an improvement: critical steps down to severe, severe to mild. */
export const IMPROVED: Readonly<Record<Severity, Severity | undefined>> = { critical: 'severe', severe: 'mild', mild: undefined }

/** Where a patient steps down to once their severity improves: HDU or a ward after ICU, a ward after HDU. */
export const STEP_DOWN_CHAIN: Readonly<Record<Severity, readonly UnitType[]>> = {
  critical: ['icu', 'hdu'],
  severe: ['hdu', 'ward'],
  mild: ['ward'],
}

/**
 * Share of the stay spent at the admitting severity before stepping down. A modelling assumption:
 * critical patients spend most of their stay in critical care and the rest on HDU or a ward after
 * (ICNARC's COVID-19 reports give critical care stays of about two weeks within longer hospital
 * stays); severe patients about half in HDU.
 */
export const STEP_DOWN_FRACTION: Readonly<Record<Severity, number | undefined>> = { critical: 0.65, severe: 0.5, mild: undefined }

/** Chance a mild ward patient deteriorates to severe during the stay (reported by an A08; they stay put). */
export const DETERIORATION_CHANCE = 0.03

/** Case mix of the patients already in each unit type at start: consistent with the unit's level of care. */
export const BASELINE_SEVERITY: Readonly<Record<UnitType, Readonly<Record<Severity, number>>>> = {
  icu: { critical: 0.85, severe: 0.15, mild: 0 },
  hdu: { critical: 0.1, severe: 0.8, mild: 0.1 },
  isolation: { critical: 0, severe: 0.5, mild: 0.5 },
  ward: { critical: 0, severe: 0.1, mild: 0.9 },
  ed: { critical: 0, severe: 0.2, mild: 0.8 },
  theatre: { critical: 0, severe: 0, mild: 1 },
}

/**
 * Short stays of the patients in ED and theatre recovery at start, mean hours: they go home (A03)
 * rather than being admitted. ED: the NHS 4-hour standard; recovery: about 2 h after day surgery.
 */
export const SHORT_STAY_HOURS: Readonly<Partial<Record<UnitType, number>>> = { ed: 4, theatre: 2 }

/** Unit types that hold inpatients for the length of stay (ED and theatres do not). */
export const INPATIENT_TYPES: ReadonlySet<UnitType> = new Set(['icu', 'hdu', 'isolation', 'ward'])

/** Order in which other units lend a ventilator when the patient's own unit has none free. */
export const VENTILATOR_LENDERS: readonly UnitType[] = ['icu', 'hdu', 'isolation', 'theatre', 'ed', 'ward']
