import { z } from 'zod'
import { COMPONENT_KINDS, DEVICE_PROTOCOLS, PPE_ITEMS, UNIT_TYPES } from './model.js'

/**
 * The asset registry file (YAML): a region's hospitals down to components, each with its device
 * binding and capacity attributes. This schema checks shapes and types; cross-references
 * (duplicate ids, dangling gateways, unknown units) are checked in `registry.ts`.
 */

/** Asset ids: lowercase slugs, safe as Sparkplug device ids and InfluxDB tag values. */
export const AssetIdSchema = z
  .string()
  // No "." (OPC UA node-id path separator), "/", "+" or "#" (MQTT topic levels and wildcards).
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit')

/**
 * Hospital ids in the style of NHS ODS codes: an organisation code of 3 characters (trusts,
 * e.g. `RXA`) or a site code of 5 (e.g. `RXA01`), upper-case letters and digits.
 */
export const OdsCodeSchema = z
  .string()
  .regex(/^[A-Z0-9]{3}([A-Z0-9]{2})?$/, 'must be an ODS-style code: 3 or 5 upper-case letters or digits, e.g. "RXA" or "RXA01"')

/**
 * GTIN-14 (GS1) with a valid check digit; shorter GTINs (8/12/13) are left-padded with zeros.
 * @see GS1 General Specifications §7.9.1 (check digit calculation)
 */
export const GtinSchema = z
  .string()
  .regex(/^\d{14}$/, 'must be a 14-digit GTIN')
  .refine(isValidGtin, 'has a wrong GS1 check digit')

/** True when the last digit of a GTIN is its GS1 mod-10 check digit. */
export function isValidGtin(gtin: string): boolean {
  if (!/^\d{8,14}$/.test(gtin)) return false
  const digits = [...gtin].map(Number)
  const check = digits.pop()
  // Weights 3,1,3,1… from the digit next to the check digit leftwards.
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0)
  return (10 - (sum % 10)) % 10 === check
}

const BindingSchema = z
  .object({
    gateway: AssetIdSchema.optional().describe('Gateway (Sparkplug edge node) id; defaults to the section or unit gateway'),
    device: AssetIdSchema.optional().describe('Sparkplug device id; defaults to the component id'),
    protocol: z.enum(DEVICE_PROTOCOLS).optional().describe('How the gateway reads it; defaults to the first protocol of the kind'),
    unitId: z.number().int().min(1).max(247).optional().describe('Modbus unit id (1-247); in a series, the first one, incremented per item'),
  })
  .strict()

const AttributeSchema = z
  .object({
    name: z.string().min(1),
    value: z.union([z.number(), z.string(), z.boolean()]),
    unit: z.string().min(1).optional().describe('UCUM code of the value, e.g. "mL"'),
  })
  .strict()

const PpeStockSchema = z
  .object({
    item: z.enum(PPE_ITEMS),
    gtin: GtinSchema,
    capacity: z.number().int().positive().describe('Items the cabinet holds when full'),
    reorderPoint: z.number().int().nonnegative().describe('Stock at or below which an alarm is raised'),
  })
  .strict()

const CapacitySchema = z
  .object({
    beds: z.number().int().nonnegative().optional().describe('Beds this component provides (default 1 for a bed)'),
    ventilators: z.number().int().nonnegative().optional().describe('Ventilators this component provides (default 1 for a ventilator)'),
    ventilatorCapable: z.boolean().optional().describe('Bed can take a ventilated patient (ICU/HDU)'),
    isolation: z.boolean().optional().describe('Bed is in a negative-pressure or side room'),
    ppe: z.array(PpeStockSchema).optional().describe('Stock lines of a PPE cabinet'),
  })
  .strict()

const SeriesSchema = z
  .object({
    prefix: z.string().min(1).describe('Id prefix; the number is appended'),
    count: z.number().int().min(1).max(10_000),
    start: z.number().int().nonnegative().default(1),
    digits: z.number().int().min(1).max(6).default(2).describe('Zero-padded width of the number'),
  })
  .strict()

/** One component, or a series of identical ones (`series` expands to `prefix01 … prefixNN`). */
const ComponentEntrySchema = z
  .object({
    id: AssetIdSchema.optional(),
    series: SeriesSchema.optional(),
    kind: z.enum(COMPONENT_KINDS),
    name: z.string().optional(),
    binding: BindingSchema.optional(),
    capacity: CapacitySchema.optional(),
    attributes: z.array(AttributeSchema).optional(),
    expectedIntervalS: z.number().positive().optional().describe('Seconds between reports before the device counts as stale'),
  })
  .strict()

const SectionSchema = z
  .object({
    id: AssetIdSchema,
    name: z.string().min(1),
    gateway: AssetIdSchema.optional(),
    components: z.array(ComponentEntrySchema).default([]),
  })
  .strict()

const UnitSchema = z
  .object({
    id: AssetIdSchema,
    name: z.string().min(1),
    type: z.enum(UNIT_TYPES),
    gateway: AssetIdSchema.optional(),
    staffPerShift: z.number().int().nonnegative().optional().describe('Clinical staff rostered per shift (renewable resource)'),
    flowsTo: z.array(AssetIdSchema).optional().describe('Units patients usually move on to (functional service chain)'),
    sections: z.array(SectionSchema).min(1),
  })
  .strict()

const GatewaySchema = z.object({ id: AssetIdSchema, description: z.string().optional() }).strict()

const HospitalSchema = z
  .object({
    id: OdsCodeSchema,
    name: z.string().min(1),
    location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict().optional(),
    outbreakArea: z.string().optional().describe('Hospitals in one outbreak area are spatially interdependent'),
    specialisms: z.array(z.string()).optional().describe('e.g. "critical-care-centre": others send critical patients here'),
    gateways: z.array(GatewaySchema).min(1),
    units: z.array(UnitSchema).min(1),
  })
  .strict()

/** The whole registry file. */
export const RegistryFileSchema = z
  .object({
    region: z.object({ id: AssetIdSchema, name: z.string().min(1) }).strict(),
    hospitals: z.array(HospitalSchema).min(1),
  })
  .strict()

/** The registry file as written, before series are expanded. */
export type RegistryFile = z.output<typeof RegistryFileSchema>
export type ComponentEntry = z.output<typeof ComponentEntrySchema>
export type PpeStockLine = z.output<typeof PpeStockSchema>
export type ComponentAttribute = z.output<typeof AttributeSchema>
