import { decodeEnumLabel, decodeRegisters, encodeEnumLabel, encodeRegisters, registerWidth, type RegisterEntry, type RegisterMap, type RegisterTable } from '@rhn/protocols'
import type { MetricValue, SimComponent } from '../../hospital/component.js'
import { ExceptionCode } from './codes.js'
import type { BankRead, RegisterBank } from './pdu.js'

/**
 * What a read of an address that no entry covers answers: `exception` = 02 Illegal Data Address
 * (AP §7, the default: the agent must not read outside its map), `zero` = 0, as many devices do
 * for unused registers (lets an agent coalesce across gaps).
 */
export type GapPolicy = 'exception' | 'zero'

/** Called when a value cannot be served (e.g. out of its register type's range): answered as exception 04. */
export type BankErrorListener = (error: unknown, entry: RegisterEntry) => void

/** Where an address falls: the entry and which of its words. */
interface Slot {
  readonly entry: RegisterEntry
  readonly word: number
}

/**
 * One unit's data tables, bound to a {@link SimComponent} through a register map. Reads encode the
 * component's current catalogue values with the map's codec; writes decode and `component.set` them.
 * Addresses no entry covers: see {@link GapPolicy}. Writes to an entry that is not `access: 'rw'`,
 * or that cover only part of a 32-bit entry, answer 02 Illegal Data Address (AP §7: "not an
 * allowable address for the server"); writes of a code outside an enum's labels answer 03.
 */
export class MapBank implements RegisterBank {
  private readonly slots = new Map<RegisterTable, Map<number, Slot>>()

  constructor(
    readonly map: RegisterMap,
    private readonly component: SimComponent,
    private readonly gaps: GapPolicy = 'exception',
    private readonly onError: BankErrorListener = () => {},
  ) {
    for (const entry of map.entries) {
      let table = this.slots.get(entry.table)
      if (table === undefined) {
        table = new Map<number, Slot>()
        this.slots.set(entry.table, table)
      }
      for (let word = 0; word < registerWidth(entry); word++) table.set(entry.address + word, { entry, word })
    }
  }

  read(table: RegisterTable, address: number, count: number): BankRead {
    const slots = this.slots.get(table)
    const encoded = new Map<RegisterEntry, number[]>()
    const out: number[] = []
    for (let a = address; a < address + count; a++) {
      const slot = slots?.get(a)
      if (slot === undefined) {
        if (this.gaps === 'exception') return { exception: ExceptionCode.IllegalDataAddress }
        out.push(0)
        continue
      }
      let words = encoded.get(slot.entry)
      if (words === undefined) {
        try {
          words = this.encode(slot.entry)
        } catch (err) {
          this.onError(err, slot.entry)
          return { exception: ExceptionCode.ServerDeviceFailure }
        }
        encoded.set(slot.entry, words)
      }
      out.push(words[slot.word] ?? 0)
    }
    return out
  }

  write(table: 'coil' | 'holding', address: number, values: readonly number[]): ExceptionCode | undefined {
    const slots = this.slots.get(table)
    const end = address + values.length // exclusive
    const updates: [string, MetricValue][] = []
    for (let a = address; a < end; ) {
      const slot = slots?.get(a)
      if (slot === undefined || slot.entry.access !== 'rw') return ExceptionCode.IllegalDataAddress
      const { entry } = slot
      const width = registerWidth(entry)
      // A 32-bit value is written whole or not at all: half a float would store garbage.
      if (entry.address < address || entry.address + width > end) return ExceptionCode.IllegalDataAddress
      const words = values.slice(entry.address - address, entry.address - address + width)
      const decoded = decodeRegisters(entry, words)
      if (entry.enumLabels !== undefined) {
        const label = decodeEnumLabel(entry, decoded)
        if (label === undefined) return ExceptionCode.IllegalDataValue
        updates.push([entry.metric, label])
      } else {
        updates.push([entry.metric, decoded])
      }
      a = entry.address + width
    }
    // Applied only once every entry checked out: a rejected request changes nothing.
    for (const [metric, value] of updates) this.component.set(metric, value)
    return undefined
  }

  /** The entry's current words; registers read zero until the model has written a value (power-on state). */
  private encode(entry: RegisterEntry): number[] {
    const value = this.component.get(entry.metric)
    if (value === undefined) return new Array<number>(registerWidth(entry)).fill(0)
    if (typeof value === 'string') return encodeRegisters(entry, encodeEnumLabel(entry, value))
    return encodeRegisters(entry, value)
  }
}
