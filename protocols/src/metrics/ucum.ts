/**
 * The UCUM codes RHN uses (case-sensitive "c/s" forms, https://ucum.org/ucum §2.1).
 * The registry validator rejects any unit not listed here, so a new unit is added here first.
 * Annotations in braces (`{count}`) are UCUM "unity with annotation" (§2.5): dimensionless.
 */
export const UCUM_UNITS: ReadonlySet<string> = new Set([
  '/min', // per minute: respiratory rates
  'mL', // millilitre: tidal volume
  'L/min', // litre per minute: minute volume
  'cm[H2O]', // centimetre of water column: airway pressures
  '%', // percent: FiO2, battery level
  '1', // unity: ratios (I:E)
  'kg', // kilogram: patient weight on a bed scale
  'deg', // degree of plane angle: head-of-bed angle
  '{count}', // counted things: beds, ventilators, PPE items, patients
  's', // second
  'min', // minute
  'h', // hour: capacity periods
  'd', // day: PPE days of supply, capacity periods
])

/** Whether `unit` is one of {@link UCUM_UNITS} (exact, case-sensitive match). */
export function isKnownUcumUnit(unit: string): boolean {
  return UCUM_UNITS.has(unit)
}
