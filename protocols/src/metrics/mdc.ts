import type { MdcCode } from './types.js'

/** Partition numbers used below (IEEE 11073-10101 Table A.1 as mirrored in the sources cited). */
const OBJ = 1
const SCADA = 2
const EVT = 3
const INFRA = 8
/** Partition of the ventilator *setting* codes used by the MII ICU value set (16929196 = 258::20908). */
const SCADA_SETTING = 258

function mdc(refId: string, partition: number, term: number): MdcCode {
  return Object.freeze({ refId, code: partition * 65536 + term, partition, term })
}

// Sources (every code was checked against at least two unless marked "one source"):
// [MII-VS]  MII ICU value set mii-vs-icu-code-observation-beatmung-iso11073,
//           https://www.medizininformatik-initiative.de/fhir/ext/modul-icu/ValueSet/mii-vs-icu-code-observation-beatmung-iso11073
//           (repository medizininformatik-initiative/kerndatensatzmodul-intensivmedizin, input/fsh/)
// [MII-LU]  MII ballot analysis that looked each code up on the MDC CodeSystem
//           urn:iso:std:iso:11073:10101 version 2024-12-05 (section "4. Beatmung"), module lungenfunktion
// [MII-TD]  MII ICU test data, instances mii-exa-test-data-patient-1-icu-vent-* (IEEE-11073 codings)
// [PHILIPS] Philips IntelliVue Data Export physio ids (term codes in partition 2) as carried by
//           xeonfusion/VSCaptureMP VSCaptureMP/VSCaptureMP/Class2.cs (NOM_* enum, e.g. NOM_RATIO_IE = 20760)
// [LNI]     PHD intermediary `Mdc.java` (SCADA/OBJ term tables, e.g. MDC_VOL_MINUTE_AWAY = 20808)
// [ZHY]     zhunyintech inmehl7 VentilatorRecordSupport.java (HL7 gateway; refId + 32-bit code)
// [IDEA]    wlbaker/mdrepo idea-drivers (`@Metric(loc = "151586")` style constants)
// [DFL]     Dräger SDC library DFL::Mdib::CodedValueConstants (comments "196608 + 194 = 3::194")

/** IEEE 11073-10101 codes for the catalogue, keyed by reference id. */
export const MDC = {
  // [MII-VS] "Ventilation rate" 151586; [MII-LU]; [MII-TD]; [IDEA]; [PHILIPS] NLS_NOM_VENT_RESP_RATE 0x00025022.
  MDC_VENT_RESP_RATE: mdc('MDC_VENT_RESP_RATE', SCADA, 20514),
  // [MII-VS] "Ventilation tidal volume" 151980; [MII-LU] "Volume of gas delivered through the patient-connection port".
  MDC_VENT_VOL_TIDAL: mdc('MDC_VENT_VOL_TIDAL', SCADA, 20908),
  // [MII-VS] "Applied PEEP" 151976; [MII-LU]; [PHILIPS] NOM_VENT_PRESS_AWAY_END_EXP_POS = 20904; [ZHY].
  MDC_VENT_PRESS_AWAY_END_EXP_POS: mdc('MDC_VENT_PRESS_AWAY_END_EXP_POS', SCADA, 20904),
  // [MII-LU] 151920 exists but is marked "Replaced by MDC_CONC_GASDLV_O2_INSP" (153144). Kept: it is
  // what ventilator gateways emit today. Note [PHILIPS] files FiO2 under 0x7498 instead (vendor use).
  MDC_VENT_CONC_AWAY_O2_INSP: mdc('MDC_VENT_CONC_AWAY_O2_INSP', SCADA, 20848),
  // [PHILIPS] NOM_PRESS_AWAY_INSP_MAX = 20745 (0x5109, "PIP"); FHIR ventilator-waveform thesis code
  // (rs.Observation code=151817 "MDC_PRESS_AWAY_INSP_MAX"). MII uses MDC_VENT_PRESS_AWAY_MAX 151973 instead.
  MDC_PRESS_AWAY_INSP_MAX: mdc('MDC_PRESS_AWAY_INSP_MAX', SCADA, 20745),
  // [PHILIPS] NOM_PRESS_RESP_PLAT = 20712 (0x50E8 "Pplat"); [ZHY] 151784; [IDEA] "151784".
  MDC_PRESS_RESP_PLAT: mdc('MDC_PRESS_RESP_PLAT', SCADA, 20712),
  // [LNI] MDC_VOL_MINUTE_AWAY = 20808; [PHILIPS] NOM_VOL_MINUTE_AWAY = 20808 (0x5148); [IDEA] "151880".
  MDC_VOL_MINUTE_AWAY: mdc('MDC_VOL_MINUTE_AWAY', SCADA, 20808),
  // [MII-VS] 151832; [MII-LU]; [LNI] MDC_RATIO_IE = 20760; [PHILIPS] NOM_RATIO_IE = 20760.
  MDC_RATIO_IE: mdc('MDC_RATIO_IE', SCADA, 20760),
  // [MII-VS] "Tidal volume setting" 16929196; [MII-LU] "MDC_VENT_VOL_TIDAL_SETTING"; [MII-TD].
  MDC_VENT_VOL_TIDAL_SETTING: mdc('MDC_VENT_VOL_TIDAL_SETTING', SCADA_SETTING, 20908),
  // One source: [LNI] OBJ MDC_ATTR_VAL_BATT_CHARGE = 2460 ("also exists in SCADA").
  MDC_ATTR_VAL_BATT_CHARGE: mdc('MDC_ATTR_VAL_BATT_CHARGE', OBJ, 2460),
  // One source: [DFL] MDC_EVT_BATT_LO = 196802 "196608 + 194 = 3::194".
  MDC_EVT_BATT_LO: mdc('MDC_EVT_BATT_LO', EVT, 194),
  // One source: [DFL] MDC_ID_MODEL_MANUFACTURER = 531970, MDC_ID_MODEL_NUMBER = 531969.
  MDC_ID_MODEL_MANUFACTURER: mdc('MDC_ID_MODEL_MANUFACTURER', INFRA, 7682),
  MDC_ID_MODEL_NUMBER: mdc('MDC_ID_MODEL_NUMBER', INFRA, 7681),
} as const satisfies Record<string, MdcCode>
