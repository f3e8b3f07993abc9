/**
 * `hl7-mllp` driver plugin: HL7 v2.5.1 ADT over MLLP, pseudonymised at the edge (issue 4). See README.md.
 */
export { createHl7MllpDriver, createHl7MllpDriverWithPorts, type Hl7MllpDriver } from './driver.js'
export { ADT_EVENTS, SUPPORTED_VERSIONS, SUPPORTED_PROCESSING_IDS, HL7_ERROR, type AdtEventType } from './adt.js'
export { UNASSIGNED } from './census.js'
export { DAY_CHECK_MS, DEDUPE_WINDOW } from './feed.js'
export { MIN_KEY_BYTES } from './pseudonym.js'
