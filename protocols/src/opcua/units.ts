/**
 * OPC UA EngineeringUnits for the UCUM codes the ventilator exposes.
 * OPC 10000-8 (Part 8, Data Access) §5.6.3/§5.6.4.4: namespaceUri
 * `http://www.opcfoundation.org/UA/units/un/cefact`, unitId = the UN/CEFACT Recommendation 20
 * Common Code's ASCII characters packed into an Int32 (`unitId = unitId << 8 | c` per character),
 * −1 when no code exists. https://reference.opcfoundation.org/Core/Part8/v105/docs/5.6.3.4
 */
export const UNECE_NAMESPACE_URI = 'http://www.opcfoundation.org/UA/units/un/cefact'

/** The EUInformation structure (Part 8 Table 19) plus the UCUM code it stands for. */
export interface EngineeringUnits {
  /** Always {@link UNECE_NAMESPACE_URI}. */
  readonly namespaceUri: string
  /** Int32 from the Common Code, or −1. */
  readonly unitId: number
  /** UNECE Rec 20 Common Code, e.g. `MLT`. */
  readonly commonCode: string
  /** Symbol shown to users, e.g. `mL`. */
  readonly displayName: string
  /** Full unit name, e.g. `millilitre`. */
  readonly description: string
  /** The catalogue's UCUM code for the same unit. */
  readonly ucum: string
}

/** Packs a UNECE Common Code into the EUInformation unitId (Part 8 §5.6.4.4 pseudo code). */
export function uneceUnitId(commonCode: string): number {
  let unitId = 0
  for (const ch of commonCode.slice(0, 4)) unitId = (unitId << 8) | ch.charCodeAt(0)
  return unitId
}

function eu(ucum: string, commonCode: string, displayName: string, description: string): EngineeringUnits {
  return Object.freeze({ namespaceUri: UNECE_NAMESPACE_URI, unitId: uneceUnitId(commonCode), commonCode, displayName, description, ucum })
}

/**
 * UCUM -> EUInformation for the units the OPC UA ventilator exposes. Common Codes from UNECE
 * Recommendation 20 Annex I (rev. 17): C94 reciprocal minute, MLT millilitre, L2 litre per minute,
 * H78 conventional centimetre of water, P1 percent, C62 one.
 */
export const ENGINEERING_UNITS: Readonly<Record<string, EngineeringUnits>> = Object.freeze({
  '/min': eu('/min', 'C94', 'min⁻¹', 'reciprocal minute'),
  mL: eu('mL', 'MLT', 'ml', 'millilitre'),
  'L/min': eu('L/min', 'L2', 'l/min', 'litre per minute'),
  'cm[H2O]': eu('cm[H2O]', 'H78', 'cm H₂O', 'conventional centimetre of water'),
  '%': eu('%', 'P1', '%', 'percent'),
  '1': eu('1', 'C62', '1', 'one'),
})

/** The EUInformation for a UCUM code, or undefined when the ventilator layout has none for it. */
export function engineeringUnitsFor(ucum: string): EngineeringUnits | undefined {
  return ENGINEERING_UNITS[ucum]
}
