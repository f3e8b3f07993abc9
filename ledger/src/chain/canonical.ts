/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, UTF-8 bytes. Every hash and signature in the ledger is
 * over these bytes, so two nodes that hold the same value always compute the same hash.
 */
import { createHash, hash } from 'node:crypto'
import { LedgerError } from '../errors.js'

const encoder = new TextEncoder()

/**
 * The canonical JSON text of `value`. Object keys whose value is `undefined` are dropped (as
 * `JSON.stringify` does, so optional fields left unset hash the same as absent ones).
 * Throws `RHN_LEDGER_MALFORMED_BLOCK` for what JSON cannot carry faithfully: non-finite numbers,
 * `undefined` in an array, functions, symbols, bigints, and objects that are not plain.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value)
  } catch (e) {
    if (e !== UNENCODABLE) throw e
    // The fast path keeps no key path; find the first value that failed, for the message.
    throw refuse(...firstProblem(value, '$')!)
  }
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value))
}

/** SHA-256 of bytes or of a string's UTF-8, as 64 lower-case hex characters. */
export function sha256Hex(data: Uint8Array | string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) is about twice as fast as a Hash object for short inputs: tx ids, headers.
  return typeof hash === 'function' ? hash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex')
}

/** SHA-256 of a string's UTF-8 as 32 bytes. */
export function sha256Digest(text: string): Buffer {
  return typeof hash === 'function' ? hash('sha256', text, 'buffer') : createHash('sha256').update(text).digest()
}

/** SHA-256 hex of the canonical JSON of `value`: the id of a transaction, the hash of a header or genesis. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}

/** Thrown by `write` (no allocation per node for path bookkeeping); `canonicalJson` turns it into an error naming where. */
const UNENCODABLE = new Error('value has no canonical JSON')

/** Quoted object keys (a block repeats the same few dozen keys in every tx): `JSON.stringify` once per key. */
const quotedKeys = new Map<string, string>()
/** Keys cached at most (an attacker's block may bring any keys; past this they are quoted each time). */
const MAX_QUOTED_KEYS = 4096

function quoteKey(key: string): string {
  let q = quotedKeys.get(key)
  if (q === undefined) {
    q = JSON.stringify(key)
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, q)
  }
  return q
}

/** The keys of `record` in UTF-16 code unit order; no sort when they are in order already (parsed canonical JSON). */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record)
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort()
  }
  return keys
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw UNENCODABLE
      return String(value) // ECMAScript Number::toString: the RFC 8785 number form; -0 becomes 0
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i]
          if (v === undefined) throw UNENCODABLE
          out += (i === 0 ? '' : ',') + write(v)
        }
        return `${out}]`
      }
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) throw UNENCODABLE
      const record = value as Record<string, unknown>
      let out = '{'
      let first = true
      for (const key of sortedKeys(record)) {
        const v = record[key]
        if (v === undefined) continue
        out += `${first ? '' : ','}${quoteKey(key)}:${write(v)}`
        first = false
      }
      return `${out}}`
    }
    default:
      throw UNENCODABLE
  }
}

/** The path and reason of the first value `write` cannot encode. */
function firstProblem(value: unknown, path: string): [string, string] | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : [path, `number ${String(value)} is not finite`]
    case 'object': {
      if (value === null) return undefined
      if (Array.isArray(value)) {
        for (const [i, v] of (value as unknown[]).entries()) {
          const p = v === undefined ? ([`${path}[${i}]`, 'undefined in an array'] as [string, string]) : firstProblem(v, `${path}[${i}]`)
          if (p !== undefined) return p
        }
        return undefined
      }
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) return [path, `a ${value.constructor?.name ?? 'non-plain'} object has no canonical JSON`]
      for (const [k, v] of Object.entries(value)) {
        const p = v === undefined ? undefined : firstProblem(v, `${path}.${k}`)
        if (p !== undefined) return p
      }
      return undefined
    }
    default:
      return [path, `a ${typeof value} has no canonical JSON`]
  }
}

function refuse(path: string, why: string): LedgerError {
  return new LedgerError('RHN_LEDGER_MALFORMED_BLOCK', `cannot encode canonically: ${path}: ${why}`)
}
