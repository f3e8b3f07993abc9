/**
 * Pseudonymous patient transfers (issue 7; `PatientTransferTx` in `@rhn/protocols`): the patient is
 * named on the ledger only by `patientRef` = HMAC-SHA256(hospital secret, identifier), and the record
 * only by `recordCommitment` = SHA-256(salt ‖ record). The identifier and the record never leave the
 * aggregator; the salt goes back to the operator, who sends it with the record to the destination.
 *
 * The key file is the config's `ledger.patientKeyFile`. Same rules as the edge agent's `hmacKeyFile`:
 * at least 32 bytes, used byte for byte.
 */
import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { AggregatorError } from '../errors.js'

/** 32 bytes (256 bits): the HMAC-SHA256 block-size guidance of RFC 2104 §3 for a full-strength key. */
export const MIN_PATIENT_KEY_BYTES = 32
/** 16 bytes (128 bits) of salt: the commitment cannot be brute-forced from a guessed record. */
export const SALT_BYTES = 16

/** Reads the key file (absolute, or resolved by the caller); throws `RHN_AGG_LEDGER_UNAVAILABLE` naming what is wrong. */
export async function loadPatientKey(file: string | undefined): Promise<KeyObject> {
  if (file === undefined || file === '') {
    throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', `patient transfers need a hospital secret key: set ledger.patientKeyFile to a file of at least ${MIN_PATIENT_KEY_BYTES} random bytes`)
  }
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', `ledger.patientKeyFile: ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  if (bytes.length < MIN_PATIENT_KEY_BYTES) throw new AggregatorError('RHN_AGG_LEDGER_UNAVAILABLE', `ledger.patientKeyFile: ${file} holds ${bytes.length} bytes; at least ${MIN_PATIENT_KEY_BYTES} are needed`)
  return createSecretKey(bytes)
}

/** HMAC-SHA256(key, identifier as UTF-8), hex: the same patient always gets the same ref at one hospital. */
export function patientRef(key: KeyObject, patientId: string): string {
  return createHmac('sha256', key).update(patientId, 'utf8').digest('hex')
}

/** SHA-256(salt ‖ record as UTF-8), hex. */
export function recordCommitment(salt: Buffer, record: string): string {
  return createHash('sha256').update(salt).update(record, 'utf8').digest('hex')
}

/** A fresh random salt. */
export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES)
}
