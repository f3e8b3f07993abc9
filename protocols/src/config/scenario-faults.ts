/**
 * Faults a scenario injects at given times (issue 3 "Scenarios"): a discriminated union on `type`.
 * Times are scenario hours from `startTime` (`atHours`), durations in seconds (`durationS`).
 */
import { z } from 'zod'
import { assetId, odsCode, positiveInt } from './common.js'

const at = z.number().min(0).describe('when the fault starts, hours after the scenario start')
const device = assetId.describe('device (asset) id from the registry')
const durationS = z.number().min(0).describe('how long the fault lasts, seconds')

/** The device loses power, then reboots after `durationS` (sockets close, state resets). */
const powerOff = z.object({ type: z.literal('device-power-off'), device, atHours: at, durationS }).strict()

/** The network to a device, or to every device of a hospital, drops: `reset` closes connections, `refuse` also refuses new ones. */
const networkDrop = z
  .object({
    type: z.literal('network-drop'),
    device: device.optional(),
    hospital: odsCode.optional().describe('every device of this hospital; give device or hospital'),
    atHours: at,
    durationS,
    mode: z.enum(['reset', 'refuse']).default('reset').describe('default reset: connections drop, reconnects succeed at once'),
  })
  .strict()

/** A sensor keeps reporting one value. */
const sensorStuck = z
  .object({
    type: z.literal('sensor-stuck'),
    device,
    metric: z.string().min(1).describe('catalogue metric that sticks'),
    value: z.union([z.number(), z.boolean()]),
    atHours: at,
    durationS,
  })
  .strict()

/** The device raises `count` alarms in quick succession. */
const alarmBurst = z
  .object({
    type: z.literal('alarm-burst'),
    device,
    atHours: at,
    count: positiveInt,
    intervalMs: z.number().int().min(0).default(1_000).describe('between alarms, ms (default 1 s)'),
  })
  .strict()

/** The device's clock drifts by `skewMs` (negative = behind); timestamps it sends are off by that. */
const clockSkew = z.object({ type: z.literal('clock-skew'), device, atHours: at, skewMs: z.number().int() }).strict()

/** The ADT feed sends `count` malformed HL7 messages (bad segments, missing MSH, truncated frames). */
const hl7Malformed = z
  .object({
    type: z.literal('hl7-malformed'),
    hospital: odsCode.optional().describe('whose ADT feed; default every hospital'),
    atHours: at,
    count: positiveInt,
  })
  .strict()

/** Any fault, discriminated by `type`. */
export const faultSchema = z.discriminatedUnion('type', [powerOff, networkDrop, sensorStuck, alarmBurst, clockSkew, hl7Malformed])

/** A validated fault. */
export type FaultConfig = z.output<typeof faultSchema>
/** The fault types a scenario may inject. */
export const FAULT_TYPES = ['device-power-off', 'network-drop', 'sensor-stuck', 'alarm-burst', 'clock-skew', 'hl7-malformed'] as const
