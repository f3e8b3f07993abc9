/**
 * SGTIN-96 encoding for tagged PPE items, through the `epc-tds` package. Its CJS build replaces
 * `module.exports`, so the default export TypeScript expects is missing at runtime (STACK.md):
 * this one file takes `default ?? module` and offers a small typed surface instead.
 */
import epcTdsModule from 'epc-tds'

/** The part of epc-tds this package uses. */
interface Sgtin96Like {
  setFilter(value: number): Sgtin96Like
  setPartition(value: number): Sgtin96Like
  setGtin(gtin: string): Sgtin96Like
  setSerial(value: number): Sgtin96Like
  getGtin(): string
  getSerial(): number
  getFilter(): number
  toHexString(): string
  toTagURI(): string
}
interface EpcTds {
  Sgtin96: new () => Sgtin96Like
  valueOf(hexEpc: string): { getType(): string }
}

const tds: EpcTds = ((epcTdsModule as unknown as { default?: EpcTds }).default ?? epcTdsModule) as unknown as EpcTds

/** SGTIN-96 serials are 38 bits (GS1 EPC Tag Data Standard 2.1 §14.5.1). */
export const SGTIN96_MAX_SERIAL = 2 ** 38 - 1

/** EPC filter value 1 = point-of-sale trade item (TDS 2.1 Table 10-3): single items on a shelf. */
export const FILTER_POS_ITEM = 1

/** SGTIN-96 partition from the GS1 company prefix length, 12 → 0 … 6 → 6 (TDS 2.1 Table 14-2). */
export function sgtinPartition(companyPrefixDigits: number): number {
  if (!Number.isInteger(companyPrefixDigits) || companyPrefixDigits < 6 || companyPrefixDigits > 12) {
    throw new RangeError(`GS1 company prefix has 6–12 digits, got ${companyPrefixDigits}`)
  }
  return 12 - companyPrefixDigits
}

/** Options of {@link encodeSgtin96}. */
export interface EncodeSgtin96Init {
  /** Digits of the GS1 company prefix inside the GTIN (default 7, as in the example registry's `5012345`). */
  companyPrefixDigits?: number
  /** EPC filter value (default {@link FILTER_POS_ITEM}). */
  filter?: number
}

/** The EPC of serial 0 per (GTIN, partition, filter): header, filter, partition and GTIN fields do not change with the serial. */
const serialZero = new Map<string, bigint>()

/**
 * Encodes a 14-digit GTIN and a serial as an SGTIN-96 EPC: 24 upper-case hex characters. epc-tds
 * encodes the fixed fields once per GTIN; the serial fills the low 38 bits (TDS 2.1 §14.5.1), so a
 * cabinet of thousands of items costs one BigInt OR each instead of one encoder object each.
 */
export function encodeSgtin96(gtin: string, serial: number, init: EncodeSgtin96Init = {}): string {
  if (!Number.isInteger(serial) || serial < 0 || serial > SGTIN96_MAX_SERIAL) throw new RangeError(`SGTIN-96 serial out of range: ${serial}`)
  const partition = sgtinPartition(init.companyPrefixDigits ?? 7)
  const filter = init.filter ?? FILTER_POS_ITEM
  const key = `${gtin}/${partition}/${filter}`
  let base = serialZero.get(key)
  if (base === undefined) {
    const hex = new tds.Sgtin96().setFilter(filter).setPartition(partition).setGtin(gtin).setSerial(0).toHexString()
    base = BigInt(`0x${hex}`)
    serialZero.set(key, base)
  }
  return (base | BigInt(serial)).toString(16).toUpperCase().padStart(24, '0')
}

/** A decoded SGTIN-96. */
export interface DecodedSgtin96 {
  gtin: string
  serial: number
  filter: number
  tagUri: string
}

/** Decodes an SGTIN-96 hex EPC; undefined when it is another EPC scheme. */
export function decodeSgtin96(hex: string): DecodedSgtin96 | undefined {
  const epc = tds.valueOf(hex)
  if (epc.getType() !== 'SGTIN-96') return undefined
  const s = epc as unknown as Sgtin96Like
  return { gtin: s.getGtin(), serial: s.getSerial(), filter: s.getFilter(), tagUri: s.toTagURI() }
}
