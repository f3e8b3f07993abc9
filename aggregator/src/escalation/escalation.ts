/**
 * NHS OPEL escalation levels (issue 7 "Escalation levels"), as pure functions: a unit, hospital or
 * region is at the highest level any of its indicators reaches; OPEL 1 (steady state) is below every
 * `opel2` threshold. Used by the hospital twin (per unit and per hospital, from live rollups) and by
 * region mode (per hospital and region, from confirmed snapshots), so both show the same level with
 * the same reason for the same figures.
 *
 * Thresholds come from the `escalation` block of the aggregator config (`EscalationConfig` in
 * `@rhn/protocols`); rising indicators escalate at or above a threshold, PPE days of supply at or below.
 */
import type { EscalationConfig, OpelLevel, Rollup, UnitType } from './deps.js'

/** The figures a level is decided from; an absent indicator (no beds, no burn rate yet, no trend yet) escalates nothing. */
export interface EscalationIndicators {
  /** Beds occupied / beds total, %. */
  occupancyPercent?: number
  /** Ventilators in use / ventilators total, %. */
  ventilatorsInUsePercent?: number
  /** The lowest days of supply of any PPE line with a known burn rate, days. */
  ppeDaysOfSupply?: number
  /** Which PPE line `ppeDaysOfSupply` is (item name or GTIN), for the reason. */
  ppeLine?: string
  /** Rise in admissions over the trend window against the window before, %. */
  admissionTrendPercent?: number
}

/** One indicator that reached a level. */
export interface EscalationFinding {
  indicator: 'occupancyPercent' | 'ventilatorsInUsePercent' | 'ppeDaysOfSupply' | 'admissionTrendPercent'
  level: OpelLevel
  value: number
  threshold: number
  /** e.g. "ICU occupancy 96 % > 92 %". */
  text: string
}

/** A level with its reason and the figures behind it. */
export interface EscalationResult {
  level: OpelLevel
  /** What is shown next to the level, at most {@link MAX_REASON_LENGTH} characters (the ledger's limit). */
  reason: string
  indicators: EscalationIndicators
  /** Every indicator at the level (the first is named first in the reason); empty at OPEL 1. */
  findings: EscalationFinding[]
}

/** The ledger's `EscalationSchema.reason` limit, characters. */
export const MAX_REASON_LENGTH = 200

/** The reason at OPEL 1. */
export const OPEL1_REASON = 'all indicators below OPEL 2'

/** How a unit type is named in reasons ("ICU occupancy …"). */
export const UNIT_TYPE_LABELS: Readonly<Record<UnitType, string>> = Object.freeze({
  icu: 'ICU',
  hdu: 'HDU',
  ed: 'ED',
  ward: 'Ward',
  theatre: 'Theatre',
  isolation: 'Isolation',
})

const LEVELS_DOWN = [4, 3, 2] as const

/** Rounds for display: whole numbers from 10 up, one decimal below (2.5 days matters, 96.4 % does not). */
export function formatFigure(v: number): string {
  const r = Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 10) / 10
  return String(r)
}

function rising(key: 'occupancyPercent' | 'ventilatorsInUsePercent' | 'admissionTrendPercent', value: number | undefined, t: EscalationConfig[typeof key], text: (v: string, op: string, th: string) => string): EscalationFinding | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined
  for (const level of LEVELS_DOWN) {
    const threshold = t[`opel${level}`]
    if (value >= threshold) return { indicator: key, level, value, threshold, text: text(formatFigure(value), value > threshold ? '>' : '≥', formatFigure(threshold)) }
  }
  return undefined
}

function falling(value: number | undefined, t: EscalationConfig['ppeDaysOfSupply'], text: (v: string, op: string, th: string) => string): EscalationFinding | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined
  for (const level of LEVELS_DOWN) {
    const threshold = t[`opel${level}`]
    if (value <= threshold) return { indicator: 'ppeDaysOfSupply', level, value, threshold, text: text(formatFigure(value), value < threshold ? '<' : '≤', formatFigure(threshold)) }
  }
  return undefined
}

/**
 * The OPEL level of one scope from its indicators: the highest level any indicator reaches, with the
 * reason naming every indicator at that level, e.g. `escalationOf({ occupancyPercent: 96 }, cfg, 'ICU')`
 * is level 3 with reason "ICU occupancy 96 % > 92 %". Pure: same input, same answer.
 */
export function escalationOf(indicators: EscalationIndicators, thresholds: EscalationConfig, scopeLabel: string): EscalationResult {
  const s = scopeLabel === '' ? '' : `${scopeLabel} `
  const found = [
    rising('occupancyPercent', indicators.occupancyPercent, thresholds.occupancyPercent, (v, op, th) => `${s}occupancy ${v} % ${op} ${th} %`),
    rising('ventilatorsInUsePercent', indicators.ventilatorsInUsePercent, thresholds.ventilatorsInUsePercent, (v, op, th) => `${s}ventilators in use ${v} % ${op} ${th} %`),
    falling(indicators.ppeDaysOfSupply, thresholds.ppeDaysOfSupply, (v, op, th) => `${s}${indicators.ppeLine ?? 'PPE'} supply ${v} days ${op} ${th} days`),
    rising('admissionTrendPercent', indicators.admissionTrendPercent, thresholds.admissionTrendPercent, (v, op, th) => `${s}admissions up ${v} % ${op} ${th} %`),
  ].filter((f): f is EscalationFinding => f !== undefined)
  const level = found.reduce<OpelLevel>((max, f) => (f.level > max ? f.level : max), 1)
  const findings = found.filter((f) => f.level === level)
  const reason = level === 1 ? OPEL1_REASON : truncate(findings.map((f) => f.text).join('; '))
  return { level, reason, indicators: { ...indicators }, findings }
}

function truncate(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`
}

/** `part / whole` in %, undefined when there is no whole (a unit without ventilators is not at 0 %). */
export function percentOf(part: number, whole: number): number | undefined {
  return whole > 0 ? (part / whole) * 100 : undefined
}

/** The PPE line with the fewest days of supply (lines without a burn rate are skipped), or undefined. */
export function lowestPpe(ppe: Rollup['ppe']): { daysOfSupply: number; line: string } | undefined {
  let low: { daysOfSupply: number; line: string } | undefined
  for (const [gtin, p] of Object.entries(ppe)) {
    if (p.daysOfSupply === null) continue
    if (low === undefined || p.daysOfSupply < low.daysOfSupply) low = { daysOfSupply: p.daysOfSupply, line: p.item ?? `GTIN ${gtin}` }
  }
  return low
}

/** The indicators of a rollup: occupancy of `beds` (or of all beds), ventilators in use, lowest PPE days of supply. */
export function indicatorsOf(rollup: Rollup, beds: { total: number; occupied: number } = rollup.beds, admissionTrendPercent?: number): EscalationIndicators {
  const out: EscalationIndicators = {}
  const occupancy = percentOf(beds.occupied, beds.total)
  if (occupancy !== undefined) out.occupancyPercent = occupancy
  const vents = percentOf(rollup.ventilators.inUse, rollup.ventilators.total)
  if (vents !== undefined) out.ventilatorsInUsePercent = vents
  const ppe = lowestPpe(rollup.ppe)
  if (ppe !== undefined) {
    out.ppeDaysOfSupply = ppe.daysOfSupply
    out.ppeLine = ppe.line
  }
  if (admissionTrendPercent !== undefined && Number.isFinite(admissionTrendPercent)) out.admissionTrendPercent = admissionTrendPercent
  return out
}

/** Options of {@link unitEscalation} and {@link hospitalEscalation}. */
export interface ScopeEscalationOptions {
  /** Name in the reason (default: the unit type's label, or "Hospital"). */
  label?: string
  /** From an {@link AdmissionTrend} of the scope, when known. */
  admissionTrendPercent?: number
}

/**
 * The level of a unit of type `unitType` from its rollup: occupancy of that unit type's beds
 * (`beds.byUnitType`, else all beds of the rollup), ventilators in use, PPE days of supply.
 */
export function unitEscalation(rollup: Rollup, unitType: UnitType, config: EscalationConfig, options: ScopeEscalationOptions = {}): EscalationResult {
  const beds = rollup.beds.byUnitType[unitType] ?? rollup.beds
  return escalationOf(indicatorsOf(rollup, beds, options.admissionTrendPercent), config, options.label ?? UNIT_TYPE_LABELS[unitType])
}

/**
 * The level of a whole hospital from its rollup (site-wide figures: one full ICU escalates the ICU,
 * not the site, as NHS OPEL is declared for the whole trust site).
 */
export function hospitalEscalation(rollup: Rollup, config: EscalationConfig, options: ScopeEscalationOptions = {}): EscalationResult {
  return escalationOf(indicatorsOf(rollup, rollup.beds, options.admissionTrendPercent), config, options.label ?? 'Hospital')
}
