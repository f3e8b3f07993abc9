/**
 * Walks the parts of a Sparkplug B payload RHN reads but never keeps (spec §6.4.7 MetaData, §6.4.11
 * DataSet, §6.4.15 Template, the `*ValueExtension` messages): each field is read with the same
 * wire rules Tahu's generated `decode` methods use, so bytes that protobufjs rejects are rejected
 * here too, and nothing is built. The field tables follow `sparkplug_b.proto` (Tahu
 * `sparkplug_b/sparkplug_b.proto`, package `org.eclipse.tahu.protobuf`).
 */
import type { WireReader } from './wire-reader.js'

/** How one field is read: a scalar kind, or a nested message walked by its own table. */
type FieldKind = 'uint32' | 'uint64' | 'float' | 'double' | 'delimited' | 'packedUint32' | MessageTable

/** Field number → how to read it; numbers not listed are skipped by wire type. */
interface MessageTable {
  readonly fields: Record<number, FieldKind>
}

const EXTENSION: MessageTable = { fields: {} }

/** PropertyValue: type, is_null, the value oneof, nested sets (filled in below). */
const PROPERTY_VALUE: MessageTable = { fields: {} }
const PROPERTY_SET: MessageTable = { fields: { 1: 'delimited', 2: PROPERTY_VALUE } }
const PROPERTY_SET_LIST: MessageTable = { fields: { 1: PROPERTY_SET } }
Object.assign(PROPERTY_VALUE.fields, {
  1: 'uint32',
  2: 'uint32',
  3: 'uint32',
  4: 'uint64',
  5: 'float',
  6: 'double',
  7: 'uint32',
  8: 'delimited',
  9: PROPERTY_SET,
  10: PROPERTY_SET_LIST,
  11: EXTENSION,
})

/** MetaData: is_multi_part, content_type, size, seq, file_name, file_type, md5, description. */
export const METADATA: MessageTable = {
  fields: { 1: 'uint32', 2: 'delimited', 3: 'uint64', 4: 'uint64', 5: 'delimited', 6: 'delimited', 7: 'delimited', 8: 'delimited' },
}

/** DataSetValue and Template.Parameter share one value oneof (int, long, float, double, bool, string, extension). */
const DATASET_VALUE: MessageTable = { fields: { 1: 'uint32', 2: 'uint64', 3: 'float', 4: 'double', 5: 'uint32', 6: 'delimited', 7: EXTENSION } }
const ROW: MessageTable = { fields: { 1: DATASET_VALUE } }

/** DataSet: num_of_columns, columns, types (packed or not), rows. */
export const DATASET: MessageTable = { fields: { 1: 'uint64', 2: 'delimited', 3: 'packedUint32', 4: ROW } }

const PARAMETER: MessageTable = {
  fields: { 1: 'delimited', 2: 'uint32', 3: 'uint32', 4: 'uint64', 5: 'float', 6: 'double', 7: 'uint32', 8: 'delimited', 9: EXTENSION },
}

/** Metric, as a Template's member metrics are walked (the payload's own metrics are decoded, wire-decode.ts). */
const METRIC: MessageTable = { fields: {} }

/** Template: version, metrics, parameters, template_ref, is_definition. */
export const TEMPLATE: MessageTable = { fields: { 1: 'delimited', 2: METRIC, 3: PARAMETER, 4: 'delimited', 5: 'uint32' } }

/** Metric.MetricValueExtension: no fields of its own. */
export const METRIC_EXTENSION = EXTENSION

Object.assign(METRIC.fields, {
  1: 'delimited',
  2: 'uint64',
  3: 'uint64',
  4: 'uint32',
  5: 'uint32',
  6: 'uint32',
  7: 'uint32',
  8: METADATA,
  9: PROPERTY_SET,
  10: 'uint32',
  11: 'uint64',
  12: 'float',
  13: 'double',
  14: 'uint32',
  15: 'delimited',
  16: 'delimited',
  17: DATASET,
  18: TEMPLATE,
  19: EXTENSION,
})

/**
 * Walks one length-prefixed message of `table` at the reader's position. Like protobufjs, the
 * message ends where the loop first reaches `start + length` (a field may run past it).
 */
export function walkMessage(r: WireReader, table: MessageTable): void {
  const length = r.uint32()
  const end = r.pos + length
  while (r.pos < end) {
    const tag = r.uint32()
    const kind = table.fields[tag >>> 3]
    if (kind === undefined) r.skipType(tag & 7)
    else walkField(r, kind, tag)
  }
}

function walkField(r: WireReader, kind: FieldKind, tag: number): void {
  switch (kind) {
    case 'uint32':
      r.uint32()
      return
    case 'uint64':
      r.uint64()
      return
    case 'float':
      r.float()
      return
    case 'double':
      r.double()
      return
    case 'delimited':
      r.delimited()
      return
    case 'packedUint32':
      // DataSet.types: packed (wire type 2) or one value per tag, as the generated code accepts both.
      if ((tag & 7) === 2) {
        const end = r.uint32() + r.pos
        while (r.pos < end) r.uint32()
      } else r.uint32()
      return
    default:
      walkMessage(r, kind)
  }
}
