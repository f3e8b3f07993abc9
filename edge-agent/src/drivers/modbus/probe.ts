import { MAX_READ_COUNT, type RegisterTable } from '@rhn/protocols'
import { EdgeError } from '../../errors.js'
import { parseModbusUrl, ModbusTcpClient } from './client.js'
import { READ_FUNCTION, hex, parseReadResponse, readRequestPdu } from './frame.js'

/** What `rhn-edge discover modbus://HOST:PORT` reads. */
export interface ModbusProbeOptions {
  /** Unit id (1..247 on a gateway; 255 or 0 often addresses a directly connected device). */
  unit: number
  /** First 0-based protocol address (default 0). */
  start?: number
  /** Registers or bits to read (default 16: a screenful). */
  count?: number
  /** Table (default `holding`, what most devices expose). */
  table?: RegisterTable
  /** Connect and response timeout, ms (default 2000: generous for a person waiting at a terminal). */
  timeoutMs?: number
}

const DEFAULT_COUNT = 16
const DEFAULT_TIMEOUT_MS = 2_000

/**
 * Reads a register range and prints one line per address with its raw value and its uint16 and int16
 * readings, plus float32 of the pair starting there in both word orders (ABCD and CDAB), so a user can
 * spot the layout of an undocumented device and write a register map.
 * @throws EdgeError `RHN_EDGE_DEVICE_UNREACHABLE` (no connection or answer) or `RHN_EDGE_DEVICE_PROTOCOL` (exception, bad frame).
 */
export async function probeModbus(url: string, options: ModbusProbeOptions): Promise<string> {
  const { host, port } = parseModbusUrl(url)
  const table = options.table ?? 'holding'
  const start = options.start ?? 0
  const count = options.count ?? DEFAULT_COUNT
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (count < 1 || count > MAX_READ_COUNT[table]) throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `count must be 1..${MAX_READ_COUNT[table]} for ${table}`)
  if (start < 0 || start + count - 1 > 0xffff) throw new EdgeError('RHN_EDGE_CONFIG_INVALID', 'start..start+count-1 must lie within 0..65535')
  const client = new ModbusTcpClient(host, port)
  await client.connect(timeoutMs)
  let items: number[]
  try {
    const pdu = await client.request(options.unit, readRequestPdu(table, start, count), timeoutMs)
    items = parseReadResponse(pdu, table, count)
  } finally {
    client.close()
  }
  const head = `# modbus://${host}:${port} unit ${options.unit}: ${table} ${start}..${start + count - 1} (FC${hex(READ_FUNCTION[table])})`
  if (table === 'coil' || table === 'discrete') {
    return [head, 'address  value', ...items.map((v, i) => `${String(start + i).padStart(7)}  ${v}`)].join('\n') + '\n'
  }
  const lines = items.map((w, i) => {
    const next = items[i + 1]
    const floats = next === undefined ? ['-', '-'] : [float32(w, next), float32(next, w)]
    return [String(start + i).padStart(7), `0x${w.toString(16).padStart(4, '0')}`.padStart(7), String(w).padStart(6), String(w >= 0x8000 ? w - 0x10000 : w).padStart(6), ...floats.map((f) => f.padStart(14))].join('  ')
  })
  const columns = ['address', '    raw', 'uint16', ' int16', '  float32 ABCD', '  float32 CDAB'].join('  ')
  return [head, columns, ...lines].join('\n') + '\n'
}

/** float32 from a high and a low word, printed with up to 7 significant digits (float32 precision). */
function float32(high: number, low: number): string {
  const view = new DataView(new ArrayBuffer(4))
  view.setUint16(0, high)
  view.setUint16(2, low)
  const f = view.getFloat32(0)
  return Number.isFinite(f) ? String(Number(f.toPrecision(7))) : String(f)
}
