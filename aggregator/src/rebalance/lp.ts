/**
 * A small CPLEX LP-format writer for the rebalancing programs: integer flow columns, continuous
 * unmet-demand slacks, rows, and the two objectives of the lexicographic solve.
 */
import type { PpeItem, Severity, UnitType } from '@rhn/protocols'

/** One flow column: what moves, between which hospitals (indices into the prepared list). */
export interface Flow {
  name: string
  kind: 'patient' | 'ventilator' | 'ppe'
  from: number
  to: number
  km: number
  /** Distance-objective cost per unit. */
  cost: number
  upper: number
  unitType?: UnitType
  severity?: Severity
  gtin?: string
  item?: PpeItem
}

/** A coefficient and a column name. */
export type Term = [coefficient: number, column: string]
/** A row of the program. */
export interface Row { name: string; terms: Term[]; sense: '>=' | '<=' | '='; rhs: number }
/** An unmet-demand column: at most `upper` (the shortage before any move), weighted in the first objective. */
export interface Slack { name: string; upper: number; weight: number }

/** One independent block of the rebalancing program, ready to render for either stage. */
export interface Program {
  /** What the block decides, for logs and errors: "patients and ventilators", "PPE 0501…". */
  block: string
  flows: Flow[]
  /** Weighted unmet demand: the first objective. */
  unmetTerms: Term[]
  /** The first objective when nothing moves (weighted unmet before). */
  unmetBefore: number
  /**
   * CPLEX LP text minimising unmet demand, or distance with unmet demand capped at `unmetCap` (the
   * first stage's optimum, in the first objective's units);
   * `integer` false leaves out the integrality of the flows (the LP relaxation).
   */
  render(stage: 'unmet' | 'distance', unmetCap?: number, integer?: boolean): string
}

/** Solver noise on a whole unmet count: HiGHS's feasibility tolerance is 1e-7. */
const CAP_WHOLE_TOLERANCE = 1e-6

const fmt = (x: number): string => String(Number(x.toPrecision(12)))

function renderTerms(terms: Term[]): string {
  const parts = terms.map(([c, v], i) => `${c < 0 ? '-' : i === 0 ? '' : '+'} ${fmt(Math.abs(c))} ${v}`)
  // Short lines: the LP format lets a row continue on the next line.
  const lines: string[] = []
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(' '))
  return lines.join('\n  ')
}

/** Assemble a block from its columns and rows. Every block has at least one slack, so no objective is empty. */
export function makeProgram(block: string, flows: Flow[], slacks: Slack[], rows: Row[]): Program {
  const unmetTerms: Term[] = slacks.map((s) => [s.weight, s.name])
  const unmetBefore = slacks.reduce((sum, s) => sum + s.weight * s.upper, 0)
  // The second stage's cap row, scaled to whole coefficients where the weights are all one value
  // (a PPE block): with a whole right-hand side it keeps the transportation problem's vertices whole.
  const scale = slacks.every((s) => s.weight === slacks[0]?.weight) ? 1 / (slacks[0]?.weight ?? 1) : 1
  const capRow = (cap: number): Row => {
    const rhs = cap * scale
    const whole = Math.round(rhs)
    // A cap a hair under the first stage's optimum would make the second infeasible: round or widen it.
    const bound = Math.abs(rhs - whole) <= CAP_WHOLE_TOLERANCE ? whole : rhs + CAP_WHOLE_TOLERANCE * Math.max(1, Math.abs(rhs))
    return { name: 'unmetcap', terms: slacks.map((s) => [s.weight * scale, s.name]), sense: '<=', rhs: bound }
  }
  const render = (stage: 'unmet' | 'distance', unmetCap?: number, integer = true): string => {
    const objective = stage === 'unmet' ? unmetTerms : flows.map((f): Term => [f.cost, f.name])
    const all = stage === 'distance' && unmetCap !== undefined ? [...rows, capRow(unmetCap)] : rows
    const text = ['Minimize', ` obj: ${renderTerms(objective)}`, 'Subject To']
    for (const r of all) if (r.terms.length > 0) text.push(` ${r.name}: ${renderTerms(r.terms)} ${r.sense} ${fmt(r.rhs)}`)
    text.push('Bounds')
    for (const f of flows) text.push(` 0 <= ${f.name} <= ${f.upper}`)
    for (const s of slacks) text.push(` 0 <= ${s.name} <= ${fmt(s.upper)}`)
    if (integer && flows.length > 0) {
      text.push('Generals')
      for (let i = 0; i < flows.length; i += 16) text.push(` ${flows.slice(i, i + 16).map((f) => f.name).join(' ')}`)
    }
    text.push('End')
    return text.join('\n')
  }
  return { block, flows, unmetTerms, unmetBefore, render }
}
