/** What the bed sensors show for an empty bed, an occupied one, and the odd bed-exit alarm. */
import type { Severity, UnitType } from '@rhn/protocols'
import type { Rng } from '../rng.js'
import type { SimComponent } from './component.js'
import { poisson, round1 } from './draws.js'
import type { BedSlot } from './layout.js'
import type { TimerSet } from './timers.js'

/** Who is on a bed, as far as its sensors care. */
export interface BedOccupant {
  weightKg: number
  severity: Severity
  ventilated: boolean
  unitType: UnitType
}

/** An empty bed: no weight, rails down, brake on (parked beds are braked), flat, no alarm. */
export function writeEmptyBed(c: SimComponent): void {
  c.set('Bed/Occupied', false)
  c.set('Bed/PatientWeight', 0)
  c.set('Bed/SideRailsUp', false)
  c.set('Bed/BrakeSet', true)
  c.set('Bed/HeadAngle', 0)
  c.set('Bed/ExitAlarm', false)
}

/**
 * An occupied bed. Weight: the patient plus scale noise (sd 0.3 kg, with bedding). Head angle:
 * 30–45° for ventilated patients, the head-of-bed elevation of ventilator-associated pneumonia
 * bundles (IHI Ventilator Bundle; NICE PSG002); 20–45° for other severe or critical patients,
 * 0–30° otherwise. Rails up in critical care and for anyone not mild; on wards by risk assessment.
 */
export function writeOccupiedBed(c: SimComponent, rng: Rng, o: BedOccupant): void {
  const critical = o.unitType === 'icu' || o.unitType === 'hdu' || o.severity !== 'mild'
  c.set('Bed/Occupied', true)
  c.set('Bed/PatientWeight', round1(o.weightKg + rng.normal(0, 0.3)))
  c.set('Bed/SideRailsUp', o.ventilated || critical || rng.chance(0.4))
  c.set('Bed/BrakeSet', true)
  c.set('Bed/HeadAngle', Math.round(o.ventilated ? rng.uniform(30, 45) : o.severity === 'mild' ? rng.uniform(0, 30) : rng.uniform(20, 45)))
  c.set('Bed/ExitAlarm', false)
}

/** Bed-exit alarms per occupied, non-ventilated bed-day: rare on purpose (most patients here are too ill to get up). */
export const EXIT_ALARMS_PER_BED_DAY = 0.1
/** How often the exit-alarm process runs, virtual ms. */
const EXIT_STEP_MS = 10 * 60_000
const DAY_MS = 86_400_000

/**
 * Schedules bed-exit alarms: every step a Poisson number of occupied, non-ventilated beds alarm;
 * staff reset each one 1–5 minutes later.
 */
export function scheduleExitAlarms(timers: TimerSet, rng: Rng, beds: readonly BedSlot[], ventilated: (patientKey: string) => boolean): void {
  timers.every(EXIT_STEP_MS, () => {
    const candidates = beds.filter((b) => b.occupant !== undefined && !ventilated(b.occupant))
    const n = Math.min(candidates.length, poisson(rng, (candidates.length * EXIT_ALARMS_PER_BED_DAY * EXIT_STEP_MS) / DAY_MS))
    for (let i = 0; i < n; i++) {
      const bed = rng.pick(candidates)
      const who = bed.occupant
      bed.component.set('Bed/ExitAlarm', true)
      timers.after(rng.uniform(60_000, 300_000), () => {
        if (bed.occupant === who) bed.component.set('Bed/ExitAlarm', false)
      })
    }
  })
}
