/**
 * Ledger transactions (issue 6, 7): what hospitals record on the consortium ledger. Written by the
 * hospital aggregator (capacity snapshots, escalation changes, requests, transfers) and by ledger
 * nodes (endorsements); read by every ledger node (validation) and the regional aggregator.
 *
 * Privacy: no transaction carries personal data. A patient transfer names the patient only by a
 * keyed HMAC (the hospital's secret, never on the ledger) and commits to the record with a salted
 * hash, so the receiving hospital can check the record it is sent matches what was recorded.
 */
import { z } from 'zod'
import { OdsCodeSchema, AssetIdSchema, GtinSchema } from '../asset/registry-schema.js'
import { OPEL_LEVELS, PPE_ITEMS, SEVERITIES, UNIT_TYPES } from '../asset/model.js'

const count = z.number().int().min(0)
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters (32 bytes)')
/** A request/offer/transfer id chosen by its author: a UUID, so two hospitals never collide. */
const flowId = z.uuid()
/** Milliseconds since the Unix epoch, UTC. */
const epochMs = z.number().int().min(0)

/** An OPEL level with the reason shown next to it ("ICU occupancy 96 % > 92 %"). */
export const EscalationSchema = z
  .object({ level: z.union(OPEL_LEVELS.map((l) => z.literal(l)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>, z.ZodLiteral<4>]), reason: z.string().max(200) })
  .strict()
/** An OPEL level and its reason. */
export type Escalation = z.output<typeof EscalationSchema>

/** One PPE line of a unit's stock: items of one GTIN. `daysOfSupply` is null while no burn rate is known. */
export const PpeStockSchema = z
  .object({ gtin: GtinSchema, item: z.enum(PPE_ITEMS), stock: count, daysOfSupply: z.number().min(0).nullable() })
  .strict()

/** One unit's capacity in a snapshot. */
export const UnitCapacitySchema = z
  .object({
    unit: AssetIdSchema,
    unitType: z.enum(UNIT_TYPES),
    beds: z.object({ total: count, occupied: count, available: count }).strict(),
    ventilators: z.object({ total: count, inUse: count, available: count }).strict(),
    ppe: z.array(PpeStockSchema),
    /** Admissions and discharges since the previous snapshot. */
    admissions: count,
    discharges: count,
    escalation: EscalationSchema,
  })
  .strict()
/** One unit's capacity in a snapshot. */
export type UnitCapacity = z.output<typeof UnitCapacitySchema>

/** A hospital's capacity, per unit, at `takenAt`. Recorded on a period and on significant change. */
export const CapacitySnapshotTxSchema = z
  .object({
    kind: z.literal('capacity-snapshot'),
    hospital: OdsCodeSchema,
    takenAt: epochMs,
    units: z.array(UnitCapacitySchema).max(500),
    escalation: EscalationSchema,
    /** Patients admitted (the ADT census) who have no bed yet: boarding in ED. Absent without an ADT feed. */
    waiting: count.optional(),
  })
  .strict()

/** An escalation level change of a unit (`unit` set) or of the whole hospital. */
export const EscalationChangeTxSchema = z
  .object({
    kind: z.literal('escalation-change'),
    hospital: OdsCodeSchema,
    unit: AssetIdSchema.optional(),
    from: EscalationSchema.shape.level,
    to: EscalationSchema.shape.level,
    reason: z.string().max(200),
    at: epochMs,
  })
  .strict()

/** What can be asked for: renewable (beds, ventilators) or consumable (PPE of one GTIN). */
export const REQUESTABLE_RESOURCES = ['bed', 'ventilator', 'ppe'] as const

/** A hospital asks others for resources. `to` empty = every member. */
export const ResourceRequestTxSchema = z
  .object({
    kind: z.literal('resource-request'),
    id: flowId,
    from: OdsCodeSchema,
    to: z.array(OdsCodeSchema).default([]),
    resource: z.enum(REQUESTABLE_RESOURCES),
    gtin: GtinSchema.optional(),
    unitType: z.enum(UNIT_TYPES).optional(),
    quantity: z.number().int().min(1),
    reason: z.string().max(500),
    neededBy: epochMs.optional(),
  })
  .strict()

/** A hospital offers (part of) what a request asks for. */
export const ResourceOfferTxSchema = z
  .object({ kind: z.literal('resource-offer'), id: flowId, requestId: flowId, from: OdsCodeSchema, to: OdsCodeSchema, quantity: z.number().int().min(1), note: z.string().max(500).optional() })
  .strict()

/** The requester accepts or declines an offer. */
export const ResourceDecisionTxSchema = z
  .object({
    kind: z.enum(['resource-accept', 'resource-decline']),
    id: flowId,
    offerId: flowId,
    requestId: flowId,
    from: OdsCodeSchema,
    reason: z.string().max(500).optional(),
  })
  .strict()

/** Clinical category of a transferred patient: condition and severity (e.g. covid / critical). */
export const ClinicalCategorySchema = z.object({ condition: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), severity: z.enum(SEVERITIES) }).strict()

/**
 * A patient transfer between hospitals, pseudonymous: `patientRef` is HMAC-SHA256(origin's secret,
 * patient identifier) and `recordCommitment` is SHA-256(salt ‖ record), the salt sent with the record
 * off-ledger. Neither can be reversed or linked to a patient without the origin hospital's key.
 */
export const PatientTransferTxSchema = z
  .object({
    kind: z.literal('patient-transfer'),
    id: flowId,
    origin: OdsCodeSchema,
    destination: OdsCodeSchema,
    patientRef: hex64,
    recordCommitment: hex64,
    category: ClinicalCategorySchema,
    unitType: z.enum(UNIT_TYPES),
    at: epochMs,
  })
  .strict()

/** Every transaction a hospital aggregator (or a person through it) submits to its ledger node. */
export const SubmittedTxSchema = z.discriminatedUnion('kind', [
  CapacitySnapshotTxSchema,
  EscalationChangeTxSchema,
  ResourceRequestTxSchema,
  ResourceOfferTxSchema,
  ResourceDecisionTxSchema,
  PatientTransferTxSchema,
])
/** A transaction as submitted (after validation, defaults filled). */
export type SubmittedTx = z.output<typeof SubmittedTxSchema>
/** A transaction as written by its author, before defaults. */
export type SubmittedTxInput = z.input<typeof SubmittedTxSchema>

/** A reference to one block: the chain it is on, its height and its hash (hex SHA-256). */
export const BlockRefSchema = z.object({ chain: z.string().min(1).max(80), height: z.number().int().min(0), hash: hex64 }).strict()
/** A reference to one block. */
export type BlockRef = z.output<typeof BlockRefSchema>

/**
 * A node's endorsement of other chains' blocks, written into its own chain: the block signature
 * covers it, so endorsing costs one signature per block, not one per transaction (STACK.md).
 */
export const EndorsementTxSchema = z.object({ kind: z.literal('endorsement'), blocks: z.array(BlockRefSchema).min(1).max(10_000) }).strict()

/** Any transaction that can appear in a block. */
export const LedgerTxSchema = z.discriminatedUnion('kind', [...SubmittedTxSchema.options, EndorsementTxSchema])
/** Any transaction in a block. */
export type LedgerTx = z.output<typeof LedgerTxSchema>
/** The kind of a transaction. */
export type LedgerTxKind = LedgerTx['kind']
/** Capacity snapshot transaction. */
export type CapacitySnapshotTx = z.output<typeof CapacitySnapshotTxSchema>
/** Escalation change transaction. */
export type EscalationChangeTx = z.output<typeof EscalationChangeTxSchema>
/** Resource request transaction. */
export type ResourceRequestTx = z.output<typeof ResourceRequestTxSchema>
/** Resource offer transaction. */
export type ResourceOfferTx = z.output<typeof ResourceOfferTxSchema>
/** Resource accept/decline transaction. */
export type ResourceDecisionTx = z.output<typeof ResourceDecisionTxSchema>
/** Patient transfer transaction. */
export type PatientTransferTx = z.output<typeof PatientTransferTxSchema>
/** Endorsement transaction. */
export type EndorsementTx = z.output<typeof EndorsementTxSchema>

/** Which member a submitted transaction must come from: a node accepts only its own member's. */
export function txAuthor(tx: SubmittedTx): string {
  switch (tx.kind) {
    case 'capacity-snapshot':
    case 'escalation-change':
      return tx.hospital
    case 'patient-transfer':
      return tx.origin
    default:
      return tx.from
  }
}
