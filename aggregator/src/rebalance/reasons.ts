/** The words next to each recommendation: what the receiver lacks, what the donor has, how far. */
import type { Move } from './outcome.js'
import type { Prepared } from './prepare.js'

const n1 = (x: number): string => String(Math.round(x * 10) / 10)
const plural = (n: number, one: string, many = `${one}s`): string => `${n1(n)} ${n === 1 ? one : many}`

/** Context every reason draws on. */
export interface ReasonContext {
  hospitals: readonly Prepared[]
  horizonDays: number
  ventilatorsPerCritical: number
  moves: readonly Move[]
}

function ventilatorReason(m: Move, c: ReasonContext): string {
  const from = c.hospitals[m.flow.from]!
  const to = c.hospitals[m.flow.to]!
  const v = to.ventilators
  const donor = `${from.id} has ${n1(from.ventilators.spare)} spare, ${n1(m.flow.km)} km away`
  if (v.short > 0) {
    const perPatient = `${plural(v.critical, 'critical patient')} × ${n1(c.ventilatorsPerCritical)}`
    return `${to.id} needs ${n1(v.short)} more ${v.short === 1 ? 'ventilator' : 'ventilators'} than it has (needs ${n1(v.need)}: ${perPatient}, ${n1(v.inUse)} in use; has ${n1(v.total)}); ${donor}`
  }
  const incoming = c.moves.filter((x) => x.flow.kind === 'patient' && x.flow.severity === 'critical' && x.flow.to === m.flow.to)
  const senders = [...new Set(incoming.map((x) => c.hospitals[x.flow.from]!.id))].join(', ')
  const count = incoming.reduce((s, x) => s + x.quantity, 0)
  return `${to.id} takes ${plural(count, 'critical patient')} from ${senders}, each needing ${n1(c.ventilatorsPerCritical)} ventilator(s), with ${n1(v.total - v.need)} spare of its own; ${donor}`
}

function ppeReason(m: Move, c: ReasonContext): string {
  const from = c.hospitals[m.flow.from]!
  const to = c.hospitals[m.flow.to]!
  const need = to.ppe.get(m.flow.gtin!)!
  const have = from.ppe.get(m.flow.gtin!)!
  const days = need.burnPerDay > 0 ? n1(need.stock / need.burnPerDay) : 'no'
  return (
    `${to.id} has ${days} days of ${need.item} (GTIN ${m.flow.gtin}) for a ${n1(c.horizonDays)}-day horizon: ` +
    `${need.short} short (stock ${need.stock}, using ${n1(need.burnPerDay)}/day); ` +
    `${from.id} has ${have.spare} beyond its own ${n1(c.horizonDays)} days (${n1(have.stock / have.burnPerDay)} days in stock), ${n1(m.flow.km)} km away`
  )
}

function patientReason(m: Move, c: ReasonContext): string {
  const from = c.hospitals[m.flow.from]!
  const to = c.hospitals[m.flow.to]!
  const unitType = m.flow.unitType!
  const bed = from.beds.get(unitType)!
  const free = to.beds.get(unitType)!.free
  const centre = m.flow.severity === 'critical' && to.criticalCareCentre ? ' and is a critical-care centre' : ''
  return (
    `${from.id} has ${plural(bed.waiting, 'patient')} waiting for ${unitType} beds and ${n1(bed.total - bed.occupied)} free ` +
    `(${bed.occupied}/${bed.total} occupied), leaving ${plural(bed.over[m.flow.severity!], `${m.flow.severity} patient`)} without one; ` +
    `${to.id} has ${n1(free)} free ${unitType} beds, ${n1(m.flow.km)} km away${centre}`
  )
}

/** The reason shown next to one recommendation. */
export function reasonFor(m: Move, c: ReasonContext): string {
  switch (m.flow.kind) {
    case 'ventilator':
      return ventilatorReason(m, c)
    case 'ppe':
      return ppeReason(m, c)
    case 'patient':
      return patientReason(m, c)
  }
}
