/**
 * `rhn-sim` scenario (issue 3): which hospitals of the registry to simulate, how demand moves
 * (baseline, surge curve, severity mix: the seed's H1), PPE use, deliveries and injected faults.
 * Times inside a scenario are hours after `startTime` on the simulator's virtual clock.
 */
import { z } from 'zod'
import { PPE_ITEMS, type PpeItem, SEVERITIES, type Severity, UNIT_TYPES, type UnitType } from '../asset/model.js'
import { loadYaml } from '../yaml/located.js'
import { assetId, checkUnique, type ConfigProblem, filePath, fraction, host, ms, nonNegativeInt, odsCode, port, positiveInt } from './common.js'
import { OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES } from './edge-devices.js'
import { faultSchema } from './scenario-faults.js'

/** A strict object with one defaulted number per key, e.g. one per severity. */
function numberPer<K extends string>(keys: readonly K[], defaults: Record<K, number>, value: z.ZodNumber) {
  const shape = {} as Record<K, z.ZodDefault<z.ZodNumber>>
  for (const key of keys) shape[key] = value.default(defaults[key])
  return z.object(shape).strict()
}

/** PPE items used per patient-day, per item (defaults by severity below). */
const ppeRow = (defaults: Record<PpeItem, number>) =>
  numberPer(PPE_ITEMS, defaults, z.number().min(0))
    .prefault({})
    .describe(`items per patient-day (defaults ${PPE_ITEMS.map((i) => `${i} ${defaults[i]}`).join(', ')})`)

/** The `rhn-sim` scenario schema. */
export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    seed: nonNegativeInt.default(1).describe('RNG seed: the same seed gives the same values and events (default 1; --seed overrides)'),
    registry: filePath.describe('region registry YAML, relative to this file'),
    hospitals: z.array(odsCode).min(1).describe('hospitals of the registry to simulate'),
    basePort: port
      .max(60_000)
      .default(20_000)
      .describe('first port devices listen on, counting up (default 20000: unprivileged, below the Linux ephemeral range 32768+)'),
    startTime: z.iso.datetime({ offset: true }).default('2025-01-06T00:00:00Z').describe('virtual clock start (default a fixed Monday, so runs repeat)'),
    durationHours: z.number().positive().default(24).describe('scenario length, hours (default 24; --duration overrides)'),
    speed: z.number().positive().default(1).describe('virtual seconds per real second (default 1: real time; --speed overrides)'),
    baselineOccupancy: numberPer(
      UNIT_TYPES,
      { icu: 0.8, hdu: 0.75, ed: 0.6, ward: 0.9, theatre: 0.5, isolation: 0.5 },
      fraction,
    )
      .prefault({})
      .describe('occupied fraction 0..1 at start, per unit type (defaults: NHS KH03 returns run G&A wards near 90 %, adult critical care near 80 %)'),
    surge: z
      .array(
        z
          .object({
            atHours: z.number().min(0),
            admissionsPerHour: z.number().min(0).describe('admissions per hour per hospital'),
          })
          .strict(),
      )
      .min(1)
      .default([{ atHours: 0, admissionsPerHour: 2 }])
      .describe('admission rate over time, linearly interpolated, held flat after the last point (default 2/h: a quiet district general hospital)'),
    severityMix: numberPer(SEVERITIES, { mild: 0.8, severe: 0.15, critical: 0.05 }, fraction)
      .prefault({})
      .describe('fraction of admissions by severity, summing to 1 (default 0.80/0.15/0.05: a respiratory winter)'),
    placement: z
      .object({ mild: z.enum(UNIT_TYPES).default('ward'), severe: z.enum(UNIT_TYPES).default('hdu'), critical: z.enum(UNIT_TYPES).default('icu') })
      .strict()
      .prefault({})
      .describe('unit type a patient of each severity is admitted to'),
    lengthOfStayDays: numberPer(SEVERITIES, { mild: 3, severe: 8, critical: 14 }, z.number().positive())
      .prefault({})
      .describe('mean length of stay, days (defaults 3/8/14: ward, HDU, and ventilated ICU stays as ICNARC reported for COVID-19)'),
    ppePerPatientDay: z
      .object({
        mild: ppeRow({ 'ffp3-mask': 0, 'fluid-resistant-mask': 6, gown: 0, gloves: 12, visor: 1, apron: 8 }),
        severe: ppeRow({ 'ffp3-mask': 6, 'fluid-resistant-mask': 0, gown: 6, gloves: 20, visor: 3, apron: 4 }),
        critical: ppeRow({ 'ffp3-mask': 12, 'fluid-resistant-mask': 0, gown: 12, gloves: 36, visor: 6, apron: 6 }),
      })
      .strict()
      .prefault({})
      .describe('items per patient-day by severity (defaults after PHE COVID-19 IPC guidance: FFP3 and gowns for aerosol-generating care)'),
    ventilatorNeed: numberPer(SEVERITIES, { mild: 0, severe: 0.05, critical: 0.7 }, fraction)
      .prefault({})
      .describe('fraction of patients of each severity who need a ventilator (default critical 0.7: ICNARC first-wave figure)'),
    deliveries: z
      .array(
        z
          .object({
            atHours: z.number().min(0),
            cabinet: assetId.optional().describe('PPE cabinet (asset id); give cabinet or hospital'),
            hospital: odsCode.optional().describe('spread over the hospital\'s cabinets'),
            item: z.enum(PPE_ITEMS),
            quantity: positiveInt,
          })
          .strict(),
      )
      .default([]),
    rfid: z
      .object({
        missRate: fraction.default(0.02).describe('chance a present tag is missed per inventory round (default 0.02: tags in metal cabinets)'),
        inventoryIntervalMs: ms.default(1_000).describe('inventory round period, ms (default 1 s)'),
      })
      .strict()
      .prefault({}),
    hl7: z
      .object({
        targets: z
          .record(odsCode, z.object({ host, port }).strict())
          .default({})
          .describe('per hospital: the MLLP listener (the edge agent) the ADT feed is sent to; none = no feed'),
        ackTimeoutMs: ms.default(10_000).describe('resend when no ACK within this, ms (default 10 s, a common interface-engine setting)'),
        maxResends: nonNegativeInt.default(3).describe('resends before a message is given up and counted (default 3)'),
      })
      .strict()
      .prefault({}),
    opcua: z
      .object({
        securityModes: z
          .array(z.enum(OPCUA_SECURITY_MODES))
          .min(1)
          .default(['None', 'Sign', 'SignAndEncrypt'])
          .describe('modes the servers offer (default all three, so clients of each mode can be tested)'),
        securityPolicies: z
          .array(z.enum(OPCUA_SECURITY_POLICIES))
          .min(1)
          .default(['None', 'Basic256Sha256'])
          .describe('policies the servers offer (default None and Basic256Sha256: what real ventilators ship with)'),
        pkiDir: filePath.default('./pki/sim').describe('server PKI folder (own certificate, trusted clients)'),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    faults: z.array(faultSchema).default([]),
  })
  .strict()
  .describe('rhn-sim scenario: times in hours after startTime (atHours), durations in ms (Ms) or s (S)')

/** A validated scenario, defaults filled in. */
export type Scenario = z.output<typeof ScenarioSchema>
/** A scenario as written in YAML. */
export type ScenarioInput = z.input<typeof ScenarioSchema>
/** Per-severity numbers of a scenario. */
export type PerSeverity = Record<Severity, number>
/** Per-unit-type numbers of a scenario. */
export type PerUnitType = Record<UnitType, number>

/** Cross-field rules: severity mix sums to 1, surge points rise in time, references name listed hospitals. */
export function scenarioProblems(s: Scenario): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const sum = SEVERITIES.reduce((acc, k) => acc + s.severityMix[k], 0)
  if (Math.abs(sum - 1) > 0.001) problems.push({ path: ['severityMix'], message: `fractions must sum to 1 (± 0.001), they sum to ${sum.toFixed(4)}` })
  s.surge.forEach((p, i) => {
    const prev = s.surge[i - 1]
    if (prev !== undefined && p.atHours <= prev.atHours) {
      problems.push({ path: ['surge', i, 'atHours'], message: `must be after the previous point (${prev.atHours} h)` })
    }
  })
  problems.push(...checkUnique(s.hospitals, (h) => h, (i) => ['hospitals', i], 'hospital'))
  const listed = new Set(s.hospitals)
  const hospitalRef = (h: string | undefined, path: (string | number)[]) => {
    if (h !== undefined && !listed.has(h)) problems.push({ path, message: `hospital "${h}" is not in hospitals` })
  }
  const inTime = (atHours: number, path: (string | number)[]) => {
    if (atHours > s.durationHours) problems.push({ path, message: `${atHours} h is after the scenario ends (durationHours ${s.durationHours})` })
  }
  s.deliveries.forEach((d, i) => {
    if ((d.cabinet === undefined) === (d.hospital === undefined)) problems.push({ path: ['deliveries', i], message: 'give exactly one of cabinet or hospital' })
    hospitalRef(d.hospital, ['deliveries', i, 'hospital'])
    inTime(d.atHours, ['deliveries', i, 'atHours'])
  })
  s.faults.forEach((f, i) => {
    inTime(f.atHours, ['faults', i, 'atHours'])
    if (f.type === 'network-drop' && (f.device === undefined) === (f.hospital === undefined)) {
      problems.push({ path: ['faults', i], message: 'network-drop needs exactly one of device or hospital' })
    }
    if (f.type === 'network-drop' || f.type === 'hl7-malformed') hospitalRef(f.hospital, ['faults', i, 'hospital'])
  })
  for (const h of Object.keys(s.hl7.targets)) hospitalRef(h, ['hl7', 'targets', h])
  problems.push(...checkUnique(s.opcua.securityModes, (m) => m, (i) => ['opcua', 'securityModes', i], 'security mode'))
  if ((s.opcua.username === undefined) !== (s.opcua.password === undefined)) {
    problems.push({ path: ['opcua', 'username'], message: 'opcua.username and opcua.password go together' })
  }
  return problems
}

/** Parses and validates an `rhn-sim` scenario; throws a `ValidationError` listing every problem with key path and line. */
export function parseScenario(text: string, file?: string): Scenario {
  return loadYaml(ScenarioSchema, text, { code: 'RHN_PROTO_CONFIG_INVALID', what: 'scenario', file, extraChecks: scenarioProblems })
}

/** Admissions per hour at `hours` after start: linear between surge points, flat outside them. */
export function admissionsPerHourAt(surge: Scenario['surge'], hours: number): number {
  const first = surge[0]
  if (first === undefined || hours <= first.atHours) return first?.admissionsPerHour ?? 0
  for (let i = 1; i < surge.length; i++) {
    const a = surge[i - 1]!
    const b = surge[i]!
    if (hours <= b.atHours) return a.admissionsPerHour + ((b.admissionsPerHour - a.admissionsPerHour) * (hours - a.atHours)) / (b.atHours - a.atHours)
  }
  return surge[surge.length - 1]!.admissionsPerHour
}
