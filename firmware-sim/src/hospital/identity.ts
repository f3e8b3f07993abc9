/**
 * Synthetic patient identities. Nothing here can name a real person: NHS numbers come from the
 * range NHS England reserves for testing (999 000 0000 – 999 999 9999), names from short lists,
 * towns and the `ZZ` postcode area do not exist.
 */
import type { Rng } from '../rng.js'
import type { AdministrativeSex, Condition, SyntheticPatient } from './types.js'

/**
 * The modulus-11 check digit of the first nine digits of an NHS number, or undefined when the
 * remainder gives 10 (such numbers are never issued). Weights 10…2, check = 11 − (sum mod 11),
 * 11 → 0 (https://www.datadictionary.nhs.uk/attributes/nhs_number.html).
 */
export function nhsCheckDigit(nineDigits: string): number | undefined {
  if (!/^\d{9}$/.test(nineDigits)) throw new RangeError(`need nine digits, got "${nineDigits}"`)
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 10) return undefined
  return check === 11 ? 0 : check
}

/** True when `nhs` is ten digits with a valid modulus-11 check digit. */
export function isValidNhsNumber(nhs: string): boolean {
  if (!/^\d{10}$/.test(nhs)) return false
  return nhsCheckDigit(nhs.slice(0, 9)) === Number(nhs[9])
}

/** A valid NHS number in the 999 test range, drawn from `rng`; never one in `used` (which it joins). */
export function syntheticNhsNumber(rng: Rng, used?: Set<string>): string {
  if (used !== undefined && used.size > 800_000) throw new RangeError('the NHS test range is nearly used up')
  for (;;) {
    const nine = `999${String(rng.int(1_000_000)).padStart(6, '0')}`
    const check = nhsCheckDigit(nine)
    if (check === undefined) continue
    const nhs = `${nine}${check}`
    if (used?.has(nhs) === true) continue
    used?.add(nhs)
    return nhs
  }
}

const GIVEN: Record<AdministrativeSex, readonly string[]> = {
  F: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Grace', 'Freya', 'Lily', 'Margaret', 'Patricia', 'Susan', 'Aisha', 'Priya', 'Joan', 'Eileen', 'Sophie'],
  M: ['Oliver', 'George', 'Harry', 'Jack', 'Noah', 'Arthur', 'Leo', 'David', 'John', 'Peter', 'Michael', 'Mohammed', 'Arjun', 'Kenneth', 'Brian', 'Thomas'],
}
const FAMILY = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'Khan', 'White', 'Roberts', 'Green', 'Hall', 'Wood'] as const
const STREETS = ['Mill Lane', 'Church Street', 'Station Road', 'Victoria Road', 'Park Avenue', 'High Street', 'Moor Lane', 'Chapel Row', 'Beck Side', 'Quarry Hill'] as const
const TOWNS = ['Northgate', 'Riverside', 'Moorside', 'Eastholm', 'Westfold'] as const

/** Conditions by how the patient presents; respiratory ones dominate a winter or pandemic surge. */
const RESPIRATORY: readonly Condition[] = [
  { code: 'U07.1', display: 'COVID-19, virus identified', respiratory: true },
  { code: 'J10.1', display: 'Influenza with other respiratory manifestations, seasonal influenza virus identified', respiratory: true },
  { code: 'J18.9', display: 'Pneumonia, unspecified', respiratory: true },
  { code: 'J44.1', display: 'Chronic obstructive pulmonary disease with acute exacerbation', respiratory: true },
]
const OTHER: readonly Condition[] = [
  { code: 'N39.0', display: 'Urinary tract infection, site not specified', respiratory: false },
  { code: 'S72.0', display: 'Fracture of neck of femur', respiratory: false },
  { code: 'I21.9', display: 'Acute myocardial infarction, unspecified', respiratory: false },
  { code: 'A41.9', display: 'Sepsis, unspecified', respiratory: false },
]

/** Share of admissions with a respiratory condition: the scenarios model respiratory surges. */
const RESPIRATORY_SHARE = 0.7

/** Draws the admitting condition. */
export function drawCondition(rng: Rng): Condition {
  return rng.pick(rng.chance(RESPIRATORY_SHARE) ? RESPIRATORY : OTHER)
}

/** Adult age at admission: mean 62, sd 17, 18–99 (an assumption: emergency and respiratory admissions skew old). */
function drawAgeYears(rng: Rng): number {
  return Math.min(99, Math.max(18, rng.normal(62, 17)))
}

const DAY_MS = 86_400_000

/**
 * Draws a synthetic patient. `seq` makes the key and MRN unique within the hospital, `usedNhsNumbers`
 * the NHS number (a number is a person for life, so two patients never share one);
 * `admittedAt` is virtual ms since 1970 (in the past for the initial census).
 */
export function createPatient(rng: Rng, hospitalId: string, seq: number, admittedAt: number, usedNhsNumbers?: Set<string>): SyntheticPatient {
  const sex: AdministrativeSex = rng.chance(0.5) ? 'F' : 'M'
  const born = new Date(admittedAt - Math.round(drawAgeYears(rng) * 365.25 * DAY_MS))
  // UK adult heights: mean 175.3 cm men, 161.9 cm women (Health Survey for England 2019), sd 7.
  const heightCm = Math.round(rng.normal(sex === 'M' ? 175.3 : 161.9, 7) * 10) / 10
  const bmi = Math.min(45, Math.max(17, rng.normal(27.5, 5))) // HSE 2019 mean adult BMI 27.5
  const weightKg = Math.round(bmi * (heightCm / 100) ** 2 * 10) / 10
  const outward = `ZZ${1 + rng.int(9)}`
  const inward = `${rng.int(10)}${String.fromCharCode(65 + rng.int(26))}${String.fromCharCode(65 + rng.int(26))}`
  return {
    key: `${hospitalId}-${seq}`,
    nhsNumber: syntheticNhsNumber(rng, usedNhsNumbers),
    mrn: `${hospitalId}${String(seq).padStart(7, '0')}`,
    givenName: rng.pick(GIVEN[sex]),
    familyName: rng.pick(FAMILY),
    dateOfBirth: born.toISOString().slice(0, 10),
    sex,
    address: { street: `${1 + rng.int(200)} ${rng.pick(STREETS)}`, city: rng.pick(TOWNS), postcode: `${outward} ${inward}` },
    heightCm,
    weightKg,
    admittedAt,
  }
}

/**
 * Ideal body weight, kg, from height and sex (Devine formula as ARDSNet uses it:
 * men 50 + 0.91 × (cm − 152.4), women 45.5 + 0.91 × (cm − 152.4); NEJM 2000;342:1301).
 */
export function idealBodyWeightKg(patient: Pick<SyntheticPatient, 'heightCm' | 'sex'>): number {
  return Math.max(30, (patient.sex === 'M' ? 50 : 45.5) + 0.91 * (patient.heightCm - 152.4))
}
