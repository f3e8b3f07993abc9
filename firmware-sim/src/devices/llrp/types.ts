import type { PpeItem } from '@rhn/protocols'
import type { Clock } from '../../clock.js'
import type { SimComponent } from '../../hospital/component.js'
import type { Rng } from '../../rng.js'
import type { Endpoint } from '../types.js'

/** One tagged item in the cabinet, as the cabinet inventory lists it. */
export interface TagItem {
  /** SGTIN-96 EPC as 24 hex characters. */
  epc: string
  /** GTIN-14 of the product the tag is on. */
  gtin: string
  item: PpeItem
  /** Antenna (shelf) the item sits nearest to, 1-based; folded into 1..antennas by the reader. */
  antenna: number
}

/**
 * What the reader can see: the items in the cabinet right now. The hospital's `CabinetInventory` has
 * this shape; the reader reads it at every inventory round, so takes and deliveries show up by themselves.
 */
export interface TagSource {
  items(): readonly TagItem[]
}

/** The structured logger the reader writes to (a pino logger fits). */
export interface LlrpLogger {
  debug(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

/** Options of an {@link LlrpReaderServer}. */
export interface LlrpReaderInit {
  /** Where to listen. Port 0 picks a free port; read `server.endpoint.port` after `start()`. */
  endpoint: Endpoint
  /** Ground truth and faults (power, reachability, clock skew) of the cabinet. */
  component: SimComponent
  /** The items in the cabinet. */
  tags: TagSource
  clock: Clock
  /** Seeded stream for missed reads, RSSI and seen counts (one stream per reader). */
  rng: Rng
  /** Antennas in the cabinet; default {@link DEFAULT_ANTENNAS}. */
  antennas?: number
  /** Probability a present tag is not seen in one round, 0..1; default {@link DEFAULT_MISS_RATE}. */
  missRate?: number
  /**
   * Virtual ms per inventory round. Default: the AISpec's Duration stop trigger when it has one,
   * else {@link DEFAULT_ROUND_MS}.
   */
  reportIntervalMs?: number
  logger?: LlrpLogger
}

/** Four antennas: the usual port count of a fixed UHF reader (Impinj R420, Zebra FX9600). */
export const DEFAULT_ANTENNAS = 4
/** 2 % of present tags missed per round: a modest real-world figure for a closed metal cabinet. */
export const DEFAULT_MISS_RATE = 0.02
/** 1 s inventory rounds (virtual ms): what cabinet readers commonly report at. */
export const DEFAULT_ROUND_MS = 1000

/** Error codes of the LLRP reader simulator. */
export type LlrpSimErrorCode = 'RHN_SIM_LLRP_BAD_INIT' | 'RHN_SIM_LLRP_NOT_STARTED'

/** An error of the LLRP reader simulator, matched on `code`. */
export class LlrpSimError extends Error {
  constructor(
    readonly code: LlrpSimErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'LlrpSimError'
  }
}
