/**
 * SGTIN-96 decoding through `epc-tds`: the one adapter file. Its CJS build replaces `module.exports`,
 * so the default export TypeScript expects is missing at runtime (STACK.md): take `default ?? module`.
 */
import epcTdsModule from 'epc-tds'

interface EpcLike {
  getType(): string
  getGtin?(): string
}
interface EpcTds {
  valueOf(hexEpc: string): EpcLike
}

const tds = ((epcTdsModule as unknown as { default?: EpcTds }).default ?? epcTdsModule) as unknown as EpcTds

/** SGTIN-96 header byte 0x30 (GS1 EPC Tag Data Standard 2.1 §14.5.1). */
const SGTIN96_HEADER = '30'

/**
 * The GTIN-14 of an SGTIN-96 EPC (24 hex characters), or undefined for any other tag (a staff badge,
 * an SSCC on a delivery crate): those are not stock.
 */
export function gtinOfEpc(epcHex: string): string | undefined {
  if (!/^[0-9a-fA-F]{24}$/.test(epcHex) || epcHex.slice(0, 2) !== SGTIN96_HEADER) return undefined
  try {
    const epc = tds.valueOf(epcHex)
    const gtin = epc.getGtin?.()
    return typeof gtin === 'string' && /^\d{14}$/.test(gtin) ? gtin : undefined
  } catch {
    return undefined
  }
}
