import { getMetric } from '../metrics/catalogue.js'
import { ProtocolError } from '../errors/protocol-error.js'
import { MAX_ADDRESS, registerWidth, type RegisterEntry, type RegisterMap } from './types.js'

function describe(e: RegisterEntry): string {
  const last = e.address + registerWidth(e) - 1
  return `"${e.metric}" (${e.table} ${e.address}${last === e.address ? '' : `–${last}`})`
}

function fail(map: RegisterMap, message: string): never {
  throw new ProtocolError('RHN_PROTO_REGISTER_MAP_INVALID', `register map "${map.name}": ${message}`)
}

/**
 * Checks a register map once, before any traffic: metrics exist in the catalogue, addresses are
 * integers within 0..65535 (MODBUS Application Protocol V1.1b3 §4.4), coils/discrete inputs hold
 * booleans, read-only tables are not writable (§4.3), scale is non-zero, and no two entries overlap.
 * @returns the map itself, so a constant can be declared as `validateRegisterMap({...})`.
 * @throws ProtocolError `RHN_PROTO_REGISTER_MAP_INVALID`, naming the entry (or both entries).
 */
export function validateRegisterMap<M extends RegisterMap>(map: M): M {
  for (const e of map.entries) {
    try {
      getMetric(e.metric)
    } catch {
      fail(map, `${describe(e)} names a metric that is not in the catalogue`)
    }
    const last = e.address + registerWidth(e) - 1
    if (!Number.isInteger(e.address) || e.address < 0 || last > MAX_ADDRESS) {
      fail(map, `${describe(e)} is outside the address range 0..${MAX_ADDRESS}`)
    }
    if ((e.table === 'coil' || e.table === 'discrete') && e.type !== 'bool') fail(map, `${describe(e)}: ${e.table} entries must be bool, not ${e.type}`)
    if ((e.table === 'input' || e.table === 'discrete') && e.access === 'rw') fail(map, `${describe(e)}: the ${e.table} table is read-only`)
    if (e.scale === 0 || (e.scale !== undefined && !Number.isFinite(e.scale))) fail(map, `${describe(e)}: scale must be a non-zero finite number`)
  }
  const sorted = [...map.entries].sort((a, b) => a.table.localeCompare(b.table) || a.address - b.address)
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as RegisterEntry
    const cur = sorted[i] as RegisterEntry
    if (prev.table === cur.table && cur.address <= prev.address + registerWidth(prev) - 1) {
      fail(map, `registers overlap: ${describe(prev)} and ${describe(cur)}`)
    }
  }
  return map
}
