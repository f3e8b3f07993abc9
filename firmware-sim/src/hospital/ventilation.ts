/**
 * Ventilator settings and respiratory mechanics for one patient: lung-protective ventilation as
 * ARDSNet describes it (VT 6–8 mL/kg ideal body weight, plateau pressure ≤ 30 cmH2O, PEEP and FiO2
 * rising together as oxygenation worsens; NEJM 2000;342:1301), within the brief's ranges
 * RR 12–28 /min, PEEP 5–15 cmH2O, FiO2 30–90 %.
 */
import type { VENTILATOR_MODES } from '@rhn/protocols'
import type { Rng } from '../rng.js'
import { clamp, round1 } from './draws.js'
import { idealBodyWeightKg } from './identity.js'
import type { SyntheticPatient } from './types.js'

/** A `Status/OperatingMode` value. */
export type VentilatorMode = (typeof VENTILATOR_MODES)[number]

/** What the clinician sets (the `Settings/` folder, plus mode and I:E). */
export interface VentilatorSettings {
  mode: Exclude<VentilatorMode, 'standby'>
  /** Breaths per minute. */
  respiratoryRate: number
  /** mL. */
  tidalVolumeMl: number
  /** cmH2O. */
  peepCmH2O: number
  /** %. */
  fio2Percent: number
  /** Inspiratory : expiratory time, 0.5 = 1:2. */
  ieRatio: number
}

/** The patient's lungs and airway as the ventilator sees them. */
export interface RespiratoryMechanics {
  /** Static compliance, mL/cmH2O: 20–60 in ventilated adults (ARDS at the low end). */
  complianceMlPerCmH2O: number
  /** Airway resistance incl. tube, cmH2O/(L/s): 10–15 intubated adults (Hess, Respir Care 2014;59:1773). */
  resistanceCmH2OPerLps: number
}

/** What a ventilator shows at power-on before anyone sets it: a common adult default. */
export const DEFAULT_SETTINGS: VentilatorSettings = { mode: 'VC-CMV', respiratoryRate: 14, tidalVolumeMl: 450, peepCmH2O: 5, fio2Percent: 40, ieRatio: 0.5 }

/** ARDSNet plateau pressure goal, cmH2O. */
export const PLATEAU_GOAL_CMH2O = 30

/** Peak pressure the settings aim to stay under, leaving headroom below the 40 cmH2O alarm limit. */
const PEAK_TARGET_CMH2O = 35

/**
 * Plateau and peak airway pressure for one breath: plateau = PEEP + VT/C; peak adds the resistive
 * part R × flow, with constant inspiratory flow VT / Ti in volume control (Ti from RR and I:E).
 * Pressure control uses a decelerating flow, so its resistive part is small (a fifth here).
 */
export function airwayPressures(s: VentilatorSettings, m: RespiratoryMechanics, tidalVolumeMl = s.tidalVolumeMl): { plateau: number; peak: number } {
  const plateau = s.peepCmH2O + tidalVolumeMl / m.complianceMlPerCmH2O
  const tiS = (60 / s.respiratoryRate) * (s.ieRatio / (1 + s.ieRatio))
  const flowLps = tidalVolumeMl / 1000 / tiS
  const resistive = m.resistanceCmH2OPerLps * flowLps * (s.mode === 'PC-CMV' ? 0.2 : 1)
  return { plateau, peak: plateau + resistive }
}

/** Draws settings and mechanics for a patient going onto a ventilator. */
export function drawVentilation(rng: Rng, patient: Pick<SyntheticPatient, 'heightCm' | 'sex'>): { settings: VentilatorSettings; mechanics: RespiratoryMechanics } {
  const mechanics: RespiratoryMechanics = {
    complianceMlPerCmH2O: round1(rng.uniform(20, 60)),
    resistanceCmH2OPerLps: round1(rng.uniform(10, 15)),
  }
  // 0 = near-normal lungs, 1 = stiff ARDS lungs: PEEP, FiO2 and rate rise together (ARDSNet PEEP/FiO2 table).
  const illness = (60 - mechanics.complianceMlPerCmH2O) / 40
  const ibw = idealBodyWeightKg(patient)
  const r = rng.next()
  const settings: VentilatorSettings = {
    mode: r < 0.75 ? 'VC-CMV' : r < 0.9 ? 'PC-CMV' : 'SIMV',
    respiratoryRate: clamp(Math.round(14 + 12 * illness + rng.normal(0, 2)), 12, 28),
    tidalVolumeMl: Math.round((rng.uniform(6, 8) * ibw) / 10) * 10,
    peepCmH2O: clamp(Math.round(5 + 10 * illness + rng.normal(0, 1.5)), 5, 15),
    fio2Percent: clamp(Math.round((30 + 60 * illness + rng.normal(0, 5)) / 5) * 5, 30, 90),
    ieRatio: 0.5,
  }
  // Keep the plateau at or under 30: first bring VT down towards 6 mL/kg, then PEEP towards 5.
  const vtFloor = Math.round((6 * ibw) / 10) * 10
  const plateauOf = () => airwayPressures(settings, mechanics).plateau
  while (plateauOf() > PLATEAU_GOAL_CMH2O && settings.tidalVolumeMl > vtFloor) settings.tidalVolumeMl -= 10
  while (plateauOf() > PLATEAU_GOAL_CMH2O && settings.peepCmH2O > 5) settings.peepCmH2O -= 1
  // A slower rate lengthens inspiration and lowers the resistive peak.
  while (airwayPressures(settings, mechanics).peak > PEAK_TARGET_CMH2O && settings.respiratoryRate > 12) settings.respiratoryRate -= 1
  return { settings, mechanics }
}
