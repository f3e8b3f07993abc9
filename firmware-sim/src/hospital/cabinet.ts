/**
 * One RFID PPE cabinet's true contents: every tagged item with its SGTIN-96 EPC and the antenna
 * (shelf) it sits on. The hospital model takes and restocks items; the LLRP reader simulator reads
 * `items()` each inventory round (and misses some, as real readers do); `PPE/Stock/{gtin}` on the
 * cabinet's component always equals the true count.
 */
import { type PpeItem, type PpeStockLine, ppeMetricName } from '@rhn/protocols'
import type { Clock } from '../clock.js'
import type { SimComponent } from './component.js'
import { encodeSgtin96, SGTIN96_MAX_SERIAL } from './epc.js'

/** One tagged item in a cabinet. */
export interface CabinetItem {
  /** SGTIN-96 EPC, 24 upper-case hex characters. */
  readonly epc: string
  /** 14-digit GTIN encoded in the EPC. */
  readonly gtin: string
  readonly item: PpeItem
  /** LLRP antenna id (1-based) of the shelf the item lies on. */
  readonly antenna: number
  /** SGTIN serial encoded in the EPC. */
  readonly serial: number
}

/** A change to a cabinet's contents: initial fill, items taken by staff, or a delivery put away. */
export interface CabinetChange {
  type: 'filled' | 'taken' | 'restocked'
  /** Virtual ms since 1970. */
  at: number
  items: readonly CabinetItem[]
}

/** Called after every change, synchronously. */
export type CabinetListener = (change: CabinetChange) => void

/** What a cabinet needs. */
export interface CabinetInventoryComponents {
  /** The cabinet's simulated component (kind `ppe-cabinet`). */
  component: SimComponent
  /** The registry's stock lines (item, GTIN, capacity) for this cabinet. */
  stock: readonly PpeStockLine[]
  clock: Clock
}

/** Options; every field is optional. */
export interface CabinetInventoryInit {
  /** Antennas (shelves) in the cabinet (default {@link DEFAULT_CABINET_ANTENNAS}). */
  antennas?: number
  /** First SGTIN serial this cabinet issues (default derived from the cabinet id, so cabinets never clash in practice). */
  serialBase?: number
  /** GS1 company prefix digits inside the GTINs (default 7, as in the example registry). */
  companyPrefixDigits?: number
}

/** Four shelves, each with its own antenna: the layout of common RFID supply cabinets. */
export const DEFAULT_CABINET_ANTENNAS = 4

/** Serials per cabinet: 2^18 = 262 144 items of each GTIN over a run, far beyond a pandemic wave's deliveries. */
const SERIAL_BLOCK_BITS = 18

/** FNV-1a 32-bit hash, to spread cabinets over the serial space deterministically. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** The true, tagged contents of one PPE cabinet. */
export class CabinetInventory {
  readonly id: string
  readonly hospitalId: string
  readonly unitId: string
  /** Number of antennas; items lie on antennas 1…antennas. */
  readonly antennas: number
  private readonly component: SimComponent
  private readonly clock: Clock
  private readonly lines: readonly PpeStockLine[]
  /** Items per GTIN, oldest first: staff take from the front, deliveries go to the back (stock rotation). */
  private readonly byGtin = new Map<string, CabinetItem[]>()
  private readonly antennaOf = new Map<string, number>()
  private readonly nextSerial = new Map<string, number>()
  private readonly takenCount = new Map<string, number>()
  private readonly restockedCount = new Map<string, number>()
  private readonly listeners = new Set<CabinetListener>()
  private readonly serialBase: number
  private readonly companyPrefixDigits: number
  private flat: readonly CabinetItem[] | undefined

  constructor(components: CabinetInventoryComponents, init: CabinetInventoryInit = {}) {
    this.component = components.component
    this.clock = components.clock
    this.lines = components.stock
    this.id = this.component.id
    this.hospitalId = this.component.hospitalId
    this.unitId = this.component.unitId
    this.antennas = init.antennas ?? DEFAULT_CABINET_ANTENNAS
    if (!Number.isInteger(this.antennas) || this.antennas < 1) throw new RangeError(`antennas must be a positive integer, got ${this.antennas}`)
    this.serialBase = init.serialBase ?? (fnv1a(this.id) % 2 ** (38 - SERIAL_BLOCK_BITS)) * 2 ** SERIAL_BLOCK_BITS
    this.companyPrefixDigits = init.companyPrefixDigits ?? 7
    // One GTIN per shelf, round-robin, as cabinets are stocked in practice.
    this.lines.forEach((line, i) => {
      this.byGtin.set(line.gtin, [])
      this.antennaOf.set(line.gtin, (i % this.antennas) + 1)
      this.nextSerial.set(line.gtin, this.serialBase)
      this.publish(line.gtin)
    })
  }

  /** The registry stock lines (item, GTIN, capacity, reorder point). */
  stockLines(): readonly PpeStockLine[] {
    return this.lines
  }

  /** Every item now in the cabinet (a cached array; a new one after each change). */
  items(): readonly CabinetItem[] {
    this.flat ??= [...this.byGtin.values()].flat()
    return this.flat
  }

  /** Items of `gtin` in the cabinet now. */
  count(gtin: string): number {
    return this.byGtin.get(gtin)?.length ?? 0
  }

  /** Items per GTIN now. */
  stock(): Record<string, number> {
    return Object.fromEntries([...this.byGtin].map(([gtin, items]) => [gtin, items.length]))
  }

  /** The GTIN this cabinet stocks for `item`, if any. */
  gtinOf(item: PpeItem): string | undefined {
    return this.lines.find((l) => l.item === item)?.gtin
  }

  /** Items of `gtin` taken since start. */
  taken(gtin: string): number {
    return this.takenCount.get(gtin) ?? 0
  }

  /** Items of `gtin` restocked by deliveries since start (the initial fill excluded). */
  restocked(gtin: string): number {
    return this.restockedCount.get(gtin) ?? 0
  }

  /** Initial stock: sets the count of each GTIN (items are tagged and placed); emits a `filled` change. */
  fill(counts: Readonly<Record<string, number>>): void {
    const added: CabinetItem[] = []
    for (const [gtin, n] of Object.entries(counts)) added.push(...this.add(gtin, n))
    this.emit('filled', added)
  }

  /** Staff take up to `n` items of `item`; returns how many were there to take. */
  take(item: PpeItem, n: number): number {
    const gtin = this.gtinOf(item)
    const list = gtin === undefined ? undefined : this.byGtin.get(gtin)
    if (gtin === undefined || list === undefined || n <= 0 || list.length === 0) return 0
    const removed = list.splice(0, Math.min(n, list.length))
    this.takenCount.set(gtin, this.taken(gtin) + removed.length)
    this.publish(gtin)
    this.emit('taken', removed)
    return removed.length
  }

  /** A delivery of `n` items of `item` is put away; returns how many (0 when the cabinet does not stock it). */
  restock(item: PpeItem, n: number): number {
    const gtin = this.gtinOf(item)
    if (gtin === undefined || n <= 0) return 0
    const added = this.add(gtin, n)
    this.restockedCount.set(gtin, this.restocked(gtin) + added.length)
    this.emit('restocked', added)
    return added.length
  }

  /** Subscribes to content changes; returns the unsubscribe function. */
  onChange(listener: CabinetListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private add(gtin: string, n: number): CabinetItem[] {
    const list = this.byGtin.get(gtin)
    const line = this.lines.find((l) => l.gtin === gtin)
    if (list === undefined || line === undefined) throw new RangeError(`cabinet ${this.id} does not stock GTIN ${gtin}`)
    const added: CabinetItem[] = []
    const antenna = this.antennaOf.get(gtin) ?? 1
    let serial = this.nextSerial.get(gtin) ?? this.serialBase
    for (let i = 0; i < n; i++, serial++) {
      if (serial > SGTIN96_MAX_SERIAL) throw new RangeError(`cabinet ${this.id} ran out of SGTIN serials for ${gtin}`)
      const epc = encodeSgtin96(gtin, serial, { companyPrefixDigits: this.companyPrefixDigits })
      added.push({ epc, gtin, item: line.item, antenna, serial })
    }
    this.nextSerial.set(gtin, serial)
    for (const a of added) list.push(a) // not push(...added): a large delivery would overflow the argument stack
    this.publish(gtin)
    return added
  }

  private publish(gtin: string): void {
    this.flat = undefined
    this.component.set(ppeMetricName('Stock', gtin), this.count(gtin))
  }

  private emit(type: CabinetChange['type'], items: readonly CabinetItem[]): void {
    if (items.length === 0) return
    const change: CabinetChange = { type, at: this.clock.now(), items }
    for (const l of this.listeners) l(change)
  }
}
