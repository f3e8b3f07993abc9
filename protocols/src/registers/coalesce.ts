import { registerWidth, type RegisterEntry, type RegisterTable } from './types.js'

/**
 * Most items one read may ask for (MODBUS Application Protocol Specification V1.1b3):
 * FC03 Read Holding Registers and FC04 Read Input Registers: 1..125 (0x7D) registers (§6.3, §6.4);
 * FC01 Read Coils and FC02 Read Discrete Inputs: 1..2000 (0x7D0) bits (§6.1, §6.2).
 * 125 registers = 250 bytes, what fits a 253-byte PDU after function code and byte count.
 */
export const MAX_READ_COUNT: Readonly<Record<RegisterTable, number>> = {
  holding: 125,
  input: 125,
  coil: 2000,
  discrete: 2000,
}

/** One read request covering a contiguous address range of one table. */
export interface ReadRequest {
  /** Table read. */
  readonly table: RegisterTable
  /** First address. */
  readonly address: number
  /** Registers (or bits) read. */
  readonly count: number
  /** Entries served by this read; an entry is never split across two reads. */
  readonly entries: readonly RegisterEntry[]
}

/**
 * Groups entries into the fewest read requests: per table, sorted by address, a request grows while
 * the next entry starts at most `maxGap` unused addresses after the current end and the request stays
 * within `maxCount` (capped at {@link MAX_READ_COUNT} for the table). Greedy extension is optimal for
 * this interval-cover problem. Unused registers inside a gap are read and ignored.
 * @param maxGap unused addresses a request may span to join two entries (0 = only adjacent).
 * @param maxCount request size limit; default the Modbus limit of each table.
 */
export function coalesce(entries: readonly RegisterEntry[], maxGap = 0, maxCount?: number): ReadRequest[] {
  const requests: ReadRequest[] = []
  const tables = [...new Set(entries.map((e) => e.table))].sort()
  for (const table of tables) {
    const limit = Math.min(maxCount ?? Infinity, MAX_READ_COUNT[table])
    const sorted = entries.filter((e) => e.table === table).sort((a, b) => a.address - b.address)
    let start = -1
    let end = -1 // last address covered by the open request
    let group: RegisterEntry[] = []
    const flush = (): void => {
      if (group.length > 0) requests.push({ table, address: start, count: end - start + 1, entries: group })
    }
    for (const e of sorted) {
      const last = e.address + registerWidth(e) - 1
      if (group.length > 0 && e.address - end - 1 <= maxGap && Math.max(end, last) - start + 1 <= limit) {
        end = Math.max(end, last)
        group.push(e)
        continue
      }
      flush()
      start = e.address
      end = last
      group = [e]
    }
    flush()
  }
  return requests
}

/** The words of `entry` inside the response to `request` (registers or bits, in request order). */
export function wordsFor(request: ReadRequest, entry: RegisterEntry, response: readonly number[]): number[] {
  const from = entry.address - request.address
  return response.slice(from, from + registerWidth(entry))
}
