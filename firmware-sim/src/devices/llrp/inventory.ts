/**
 * One inventory round of the simulated reader: which present tags answer, on which antenna, how loud
 * and how often. Real readers miss reads (tag orientation, metal shelves, collisions), so each present
 * tag is missed with probability `missRate`; everything random comes from the reader's seeded stream.
 */
import type { Rng } from '../../rng.js'
import type { TagItem } from './types.js'

/** One tag as a reader reports it after a round (or merged over several). */
export interface TagRead {
  /** 96-bit EPC, 12 bytes. */
  epc: Buffer
  epcHex: string
  antenna: number
  /** dBm. */
  peakRssi: number
  /** Device clock, µs since 1970. */
  firstSeenUs: bigint
  lastSeenUs: bigint
  seenCount: number
}

/** Strongest and weakest RSSI the reader reports, dBm: a tag inside a cabinet a few dm from the antenna. */
export const RSSI_MAX_DBM = -45
export const RSSI_MIN_DBM = -70
/** Each antenna further down the cabinet hears its shelf ~5 dB weaker (cable length, shelf geometry). */
const RSSI_STEP_PER_ANTENNA_DB = 5
/** Tags answer roughly every 100 ms while the field is on (a few singulations per second in a busy cabinet). */
const MS_PER_SINGULATION = 100

/** Parameters of one round. */
export interface RoundOptions {
  antennas: number
  missRate: number
  /** Antennas the AISpec uses; empty = all. */
  antennaIds: readonly number[]
  roundMs: number
  /** Device clock at the end of the round (skew included), ms since 1970. */
  deviceNowMs: number
  rng: Rng
}

/** Folds an item's antenna into 1..antennas, so any cabinet layout maps onto the reader's ports. */
export const foldAntenna = (antenna: number, antennas: number): number => ((((Math.trunc(antenna) - 1) % antennas) + antennas) % antennas) + 1

/** A tag's own offset (orientation, position on the item), fixed per EPC: −3..+3 dB from a hash. */
function tagOffsetDb(epcHex: string): number {
  let h = 2166136261
  for (let i = 0; i < epcHex.length; i++) h = Math.imul(h ^ epcHex.charCodeAt(i), 16777619)
  return ((h >>> 0) % 7) - 3
}

/** An SGTIN-96 (or any 96-bit) EPC as the inventory gives it: 24 hex characters. */
export const isEpc96Hex = (epc: string): boolean => /^[0-9a-fA-F]{24}$/.test(epc)

const toUs = (ms: number): bigint => BigInt(Math.round(ms * 1000))

/** Runs one round over the items present now; returns the reads in item order. */
export function inventoryRound(items: readonly TagItem[], o: RoundOptions): TagRead[] {
  const reads: TagRead[] = []
  const start = o.deviceNowMs - o.roundMs
  for (const item of items) {
    const antenna = foldAntenna(item.antenna, o.antennas)
    if (o.antennaIds.length > 0 && !o.antennaIds.includes(antenna)) continue
    if (o.missRate > 0 && o.rng.chance(o.missRate)) continue
    const base = RSSI_MAX_DBM - 3 - RSSI_STEP_PER_ANTENNA_DB * (antenna - 1) + tagOffsetDb(item.epc)
    const peakRssi = Math.round(Math.min(RSSI_MAX_DBM, Math.max(RSSI_MIN_DBM, o.rng.normal(base, 1.5))))
    const seenCount = 1 + o.rng.int(Math.max(1, Math.round(o.roundMs / MS_PER_SINGULATION)))
    const first = start + o.rng.uniform(0, o.roundMs)
    const last = seenCount === 1 ? first : o.rng.uniform(first, o.deviceNowMs)
    reads.push({
      epc: Buffer.from(item.epc, 'hex'),
      epcHex: item.epc.toLowerCase(),
      antenna,
      peakRssi,
      firstSeenUs: toUs(first),
      lastSeenUs: toUs(last),
      seenCount,
    })
  }
  return reads
}

/**
 * Accumulates reads into one entry per (EPC, antenna), as a reader does between reports: counts add up,
 * first/last seen widen, the peak RSSI is the strongest.
 */
export function mergeReads(into: Map<string, TagRead>, reads: readonly TagRead[]): void {
  for (const r of reads) {
    const key = `${r.epcHex}/${r.antenna}`
    const prev = into.get(key)
    if (prev === undefined) {
      into.set(key, { ...r })
      continue
    }
    prev.seenCount = Math.min(0xffff, prev.seenCount + r.seenCount)
    prev.peakRssi = Math.max(prev.peakRssi, r.peakRssi)
    if (r.firstSeenUs < prev.firstSeenUs) prev.firstSeenUs = r.firstSeenUs
    if (r.lastSeenUs > prev.lastSeenUs) prev.lastSeenUs = r.lastSeenUs
  }
}
