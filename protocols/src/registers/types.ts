/**
 * The Modbus register-map model shared by the bed/ventilator simulators and the Modbus driver.
 * Tables and function codes: MODBUS Application Protocol Specification V1.1b3 §4.3 and §6.
 */

/** Modbus data tables: coils (FC01/05/15), discrete inputs (FC02), holding (FC03/06/16), input (FC04). */
export const REGISTER_TABLES = ['coil', 'discrete', 'holding', 'input'] as const
/** One of {@link REGISTER_TABLES}. */
export type RegisterTable = (typeof REGISTER_TABLES)[number]

/** Value types a register entry may hold. 16-bit types take one register, 32-bit types two. */
export const REGISTER_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'bool'] as const
/** One of {@link REGISTER_TYPES}. */
export type RegisterType = (typeof REGISTER_TYPES)[number]

/** Byte order inside one 16-bit register, or word order of a 32-bit pair. Modbus itself is big-endian (§4.2). */
export type Endianness = 'big' | 'little'

/**
 * The four 32-bit layouts by name, bytes A (most significant) to D as they appear on the wire:
 * ABCD = big/big, CDAB = big bytes with words swapped (common behind protocol converters),
 * BADC = bytes swapped in each word, DCBA = fully little-endian.
 */
export type Order32 = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA'

/** One value in a register map. */
export interface RegisterEntry {
  /** Catalogue metric name this entry carries. */
  readonly metric: string
  /** Data table. */
  readonly table: RegisterTable
  /** 0-based protocol address (the PDU address, not the 1-based "40001" notation). */
  readonly address: number
  /** Value type. Coils and discrete inputs hold `bool` only. */
  readonly type: RegisterType
  /** Byte order inside each register. Default `big`. */
  readonly byteOrder?: Endianness
  /** Order of the two registers of a 32-bit value. Default `big` (high word first). */
  readonly wordOrder?: Endianness
  /** engineering = raw * scale + offset. Default 1. */
  readonly scale?: number
  /** engineering = raw * scale + offset. Default 0. */
  readonly offset?: number
  /** `rw` if the master may write it (only coils and holding registers are writable, §4.3). */
  readonly access: 'r' | 'rw'
  /** For a String catalogue metric carried as an integer code: the label of each code 0..n-1. */
  readonly enumLabels?: readonly string[]
}

/** A register map: the registers of one Modbus unit (slave) id. */
export interface RegisterMap {
  /** Map name, e.g. `ventilator-converter`. */
  readonly name: string
  /** What device and gateway the map describes. */
  readonly description: string
  /** The entries. */
  readonly entries: readonly RegisterEntry[]
}

/** Highest protocol address: addresses are 16-bit (§4.4, 0x0000–0xFFFF). */
export const MAX_ADDRESS = 0xffff

/** Number of registers (or bits, for coils and discrete inputs) an entry occupies. */
export function registerWidth(entry: Pick<RegisterEntry, 'type'>): 1 | 2 {
  return entry.type === 'int32' || entry.type === 'uint32' || entry.type === 'float32' ? 2 : 1
}

/** The named 32-bit layout of an entry's byte and word order. */
export function order32Of(entry: Pick<RegisterEntry, 'byteOrder' | 'wordOrder'>): Order32 {
  const bytesSwapped = entry.byteOrder === 'little'
  const wordsSwapped = entry.wordOrder === 'little'
  if (bytesSwapped) return wordsSwapped ? 'DCBA' : 'BADC'
  return wordsSwapped ? 'CDAB' : 'ABCD'
}

/** Byte and word order for a named 32-bit layout. */
export function orderFrom32(order: Order32): { byteOrder: Endianness; wordOrder: Endianness } {
  return {
    byteOrder: order === 'BADC' || order === 'DCBA' ? 'little' : 'big',
    wordOrder: order === 'CDAB' || order === 'DCBA' ? 'little' : 'big',
  }
}
