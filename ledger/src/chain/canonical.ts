/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, UTF-8 bytes. Every hash and signature in the ledger is
 * over these bytes, so two nodes that hold the same value always compute the same hash.
 */
import { createHash } from 'node:crypto'
import { LedgerError } from '../errors.js'

const encoder = new TextEncoder()

/**
 * The canonical JSON text of `value`. Object keys whose value is `undefined` are dropped (as
 * `JSON.stringify` does, so optional fields left unset hash the same as absent ones).
 * Throws `RHN_LEDGER_MALFORMED_BLOCK` for what JSON cannot carry faithfully: non-finite numbers,
 * `undefined` in an array, functions, symbols, bigints, and objects that are not plain.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$')
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value))
}

/** SHA-256 of bytes or of a string's UTF-8, as 64 lower-case hex characters. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** SHA-256 hex of the canonical JSON of `value`: the id of a transaction, the hash of a header or genesis. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `number ${String(value)} is not finite`)
      return JSON.stringify(value) // ECMAScript Number::toString: the RFC 8785 number form; -0 becomes 0
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? fail(`${path}[${i}]`, 'undefined in an array') : write(v, `${path}[${i}]`))).join(',')}]`
      }
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) throw refuse(path, `a ${value.constructor?.name ?? 'non-plain'} object has no canonical JSON`)
      const record = value as Record<string, unknown>
      const parts: string[] = []
      for (const key of Object.keys(record).sort()) {
        const v = record[key]
        if (v === undefined) continue
        parts.push(`${JSON.stringify(key)}:${write(v, `${path}.${key}`)}`)
      }
      return `{${parts.join(',')}}`
    }
    default:
      throw refuse(path, `a ${typeof value} has no canonical JSON`)
  }
}

function refuse(path: string, why: string): LedgerError {
  return new LedgerError('RHN_LEDGER_MALFORMED_BLOCK', `cannot encode canonically: ${path}: ${why}`)
}

function fail(path: string, why: string): never {
  throw refuse(path, why)
}
