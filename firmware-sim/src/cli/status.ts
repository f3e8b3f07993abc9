import type { Simulation } from '../simulation.js'

/** One line per hospital: virtual time, occupancy, ventilators in use, boarding, admissions so far. */
export function formatStatus(sim: Simulation): string {
  const lines = [`[${new Date(sim.clock.now()).toISOString()}] +${(sim.clock.elapsedMs() / 3_600_000).toFixed(1)} h`]
  for (const s of sim.snapshots()) {
    const beds = s.units.reduce((a, u) => ({ total: a.total + u.beds.total, occupied: a.occupied + u.beds.occupied }), { total: 0, occupied: 0 })
    const vents = s.units.reduce((a, u) => ({ total: a.total + u.ventilators.total, inUse: a.inUse + u.ventilators.inUse }), { total: 0, inUse: 0 })
    const icu = s.units.filter((u) => u.type === 'icu').reduce((a, u) => ({ total: a.total + u.beds.total, occupied: a.occupied + u.beds.occupied }), { total: 0, occupied: 0 })
    const pct = (n: number, d: number): string => (d === 0 ? '-' : `${Math.round((100 * n) / d)} %`)
    lines.push(
      `  ${s.hospitalId}: beds ${beds.occupied}/${beds.total} (${pct(beds.occupied, beds.total)}), ICU ${icu.occupied}/${icu.total}, ventilators ${vents.inUse}/${vents.total}, boarding ${s.boarding}, admitted ${s.admissions}, discharged ${s.discharges}`,
    )
  }
  return lines.join('\n')
}
