/**
 * Pseudonymisation of patient identifiers with HMAC-SHA256 (RFC 2104) keyed by a secret that stays on
 * the gateway (DESIGN.md: "Patient flow never carries a direct identifier"). The same identifier
 * always gives the same pseudonym, so one patient is followed across messages; without the key the
 * pseudonym cannot be linked back, nor recomputed from a guessed NHS number.
 */
import { createHmac, type KeyObject, createSecretKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { EdgeError } from '../../errors.js'

/** A keyed pseudonym of one patient identifier (base64url, 128 bits). Never a raw identifier. */
export type Pseudonym = string & { readonly __brand: 'Pseudonym' }

/** One PID-3 identifier as read from the message (CX.1, CX.4.1, CX.5). */
export interface PatientIdentifier {
  value: string
  authority: string
  type: string
}

/** 32 bytes: RFC 2104 §3 advises keys no shorter than the hash output (SHA-256: 32 bytes). */
export const MIN_KEY_BYTES = 32
/** 16 bytes (128 bits) of the HMAC kept: collisions stay negligible for a hospital's lifetime of patients. */
const PSEUDONYM_BYTES = 16

/** Computes pseudonyms with one key. The key object is never exposed, logged or serialised. */
export class Pseudonymiser {
  readonly #key: KeyObject

  private constructor(key: KeyObject) {
    this.#key = key
  }

  /**
   * Reads the key file (relative paths against `baseDir`). A text key (printable ASCII, e.g. hex or
   * base64 written by an editor or `echo`) loses its trailing line break; a binary key (e.g.
   * `head -c 32 /dev/urandom`) is used byte for byte — its last byte may happen to be 0x0a.
   * Errors name the device and the file, never the content.
   */
  static async fromFile(device: string, file: string, baseDir: string): Promise<Pseudonymiser> {
    const where = path.resolve(baseDir, file)
    let bytes: Buffer
    try {
      bytes = await readFile(where)
    } catch (err) {
      throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `device ${device}: hmacKeyFile ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    let end = bytes.length
    const text = bytes.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d)
    if (text) while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
    if (end < MIN_KEY_BYTES) {
      throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `device ${device}: hmacKeyFile ${where} holds ${end} bytes; at least ${MIN_KEY_BYTES} are needed`)
    }
    const key = createSecretKey(bytes.subarray(0, end))
    bytes.fill(0)
    return new Pseudonymiser(key)
  }

  /** The pseudonym of one identifier; type and authority are part of the input, so an MRN never collides with an NHS number. */
  pseudonymise(id: PatientIdentifier): Pseudonym {
    const mac = createHmac('sha256', this.#key).update(`${id.type}\u0000${id.authority}\u0000${id.value}`, 'utf8').digest()
    return mac.subarray(0, PSEUDONYM_BYTES).toString('base64url') as Pseudonym
  }

  /** Keeps the key out of logs and JSON. */
  toJSON(): string {
    return '[Pseudonymiser]'
  }
}
