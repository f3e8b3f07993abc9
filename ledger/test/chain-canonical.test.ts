import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalBytes, canonicalHash, canonicalJson, sha256Hex } from '../src/chain/canonical.js'
import { EMPTY_MERKLE_ROOT, merkleProof, merkleRoot, verifyMerkleProof } from '../src/chain/merkle.js'
import { LedgerError } from '../src/errors.js'

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined keys, has no whitespace', () => {
    const a = { b: 1, a: { z: [3, { y: true, x: null }], c: 'é' }, u: undefined }
    const b = { a: { c: 'é', z: [3, { x: null, y: true }] }, b: 1 }
    expect(canonicalJson(a)).toBe('{"a":{"c":"é","z":[3,{"x":null,"y":true}]},"b":1}')
    expect(canonicalJson(a)).toBe(canonicalJson(b))
    expect(canonicalHash(a)).toBe(canonicalHash(b))
  })

  it('is UTF-8 and hashes like sha256 of those bytes', () => {
    const bytes = canonicalBytes({ name: 'Hôpital ☃' })
    expect(Buffer.from(bytes).toString('utf8')).toBe('{"name":"Hôpital ☃"}')
    expect(canonicalHash({ name: 'Hôpital ☃' })).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('writes numbers in the shortest ECMAScript form (RFC 8785)', () => {
    expect(canonicalJson([1.5, -0, 1e21, 0.1, 12.5])).toBe('[1.5,0,1e+21,0.1,12.5]')
  })

  it('refuses what JSON cannot carry faithfully, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]: number NaN is not finite/)
    expect(() => canonicalJson({ a: Infinity })).toThrow(LedgerError)
    expect(() => canonicalJson([undefined])).toThrow(/undefined in an array/)
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/Date object/)
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/)
  })
})

/** RFC 6962 §2.1 written recursively, as the spec states it, to check the iterative code against. */
function referenceRoot(ids: string[]): string {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest()
  const mth = (d: string[]): Buffer => {
    if (d.length === 0) return h()
    if (d.length === 1) return h(Buffer.from([0]), Buffer.from(d[0]!, 'hex'))
    let k = 1
    while (k * 2 < d.length) k *= 2
    return h(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)))
  }
  return mth(ids).toString('hex')
}

describe('Merkle tree (RFC 6962)', () => {
  const ids = Array.from({ length: 13 }, (_, i) => sha256Hex(`tx${i}`))

  it('has a defined empty root and matches the recursive definition for every size', () => {
    expect(merkleRoot([])).toBe(EMPTY_MERKLE_ROOT)
    expect(EMPTY_MERKLE_ROOT).toBe(sha256Hex(''))
    for (let n = 1; n <= ids.length; n++) expect(merkleRoot(ids.slice(0, n)), `n=${n}`).toBe(referenceRoot(ids.slice(0, n)))
  })

  it('separates leaves from nodes: a one-leaf root is not the leaf id', () => {
    expect(merkleRoot([ids[0]!])).not.toBe(ids[0])
  })

  it('proves every leaf of every size, and refuses a wrong leaf, index or root', () => {
    for (let n = 1; n <= ids.length; n++) {
      const set = ids.slice(0, n)
      const root = merkleRoot(set)
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(set, i)
        expect(verifyMerkleProof(set[i]!, i, proof, root, n), `n=${n} i=${i}`).toBe(true)
        expect(verifyMerkleProof(sha256Hex('other'), i, proof, root, n)).toBe(false)
        if (n > 1) expect(verifyMerkleProof(set[i]!, (i + 1) % n, proof, root, n)).toBe(false)
        expect(verifyMerkleProof(set[i]!, i, proof, EMPTY_MERKLE_ROOT, n)).toBe(false)
      }
    }
    expect(() => merkleProof(ids, 13)).toThrow(/outside the 13 transactions/)
  })
})
