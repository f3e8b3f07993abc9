/**
 * Modbus PDUs for the reads the driver makes, and the checks that tell a bad answer from a good one.
 * References: MODBUS Application Protocol Specification V1.1b3 ("AP"), MODBUS Messaging on TCP/IP
 * Implementation Guide V1.0b ("IG").
 */
import type { RegisterTable } from '@rhn/protocols'
import { EdgeError } from '../../errors.js'

/** Read function code of each table (AP §6.1–6.4). */
export const READ_FUNCTION: Readonly<Record<RegisterTable, number>> = { coil: 0x01, discrete: 0x02, holding: 0x03, input: 0x04 }

/** Set in the function code of an exception response (AP §7). */
const EXCEPTION_FLAG = 0x80

/** Exception codes with a name (AP §7); 0x0A/0x0B are what a gateway answers for a silent unit. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0x01: 'Illegal Function',
  0x02: 'Illegal Data Address',
  0x03: 'Illegal Data Value',
  0x04: 'Server Device Failure',
  0x05: 'Acknowledge',
  0x06: 'Server Device Busy',
  0x08: 'Memory Parity Error',
  0x0a: 'Gateway Path Unavailable',
  0x0b: 'Gateway Target Device Failed to Respond',
}

/** Exceptions that mean "the unit behind the gateway is not there" (AP §7), so its device goes offline. */
export const GATEWAY_EXCEPTIONS: ReadonlySet<number> = new Set([0x0a, 0x0b])

/**
 * How an answer was bad; also the `kind` passed to `countError`:
 * - `exception`: an exception response (AP §7);
 * - `short-frame`: the PDU is shorter than its byte count or function code demands;
 * - `wrong-count`: well formed, but the byte count does not match the quantity asked for;
 * - `bad-frame`: another function code, trailing bytes, or an unframeable MBAP header;
 * - `timeout`: no answer within the device's timeout.
 */
export type ModbusFaultKind = 'exception' | 'short-frame' | 'wrong-count' | 'bad-frame' | 'timeout'

/** A request that failed at the protocol level: the device answered badly, or not at all. */
export class ModbusFault extends EdgeError {
  constructor(
    readonly kind: ModbusFaultKind,
    message: string,
    /** The exception code, for `kind: 'exception'`. */
    readonly exceptionCode?: number,
  ) {
    super(kind === 'timeout' ? 'RHN_EDGE_DEVICE_UNREACHABLE' : 'RHN_EDGE_DEVICE_PROTOCOL', message)
  }
}

/** FC01–FC04 request PDU: function, start address, quantity (AP §6.1–6.4). */
export function readRequestPdu(table: RegisterTable, address: number, count: number): Buffer {
  const pdu = Buffer.alloc(5)
  pdu.writeUInt8(READ_FUNCTION[table], 0)
  pdu.writeUInt16BE(address, 1)
  pdu.writeUInt16BE(count, 3)
  return pdu
}

/** Bytes the data of a read of `count` items takes: 2 per register, 1 bit per coil padded to bytes (AP §6.1). */
export function expectedByteCount(table: RegisterTable, count: number): number {
  return table === 'coil' || table === 'discrete' ? Math.ceil(count / 8) : count * 2
}

/**
 * Checks a read response and returns its items: register words, or bits (0/1) for coils and discrete inputs.
 * @throws ModbusFault `exception`, `short-frame`, `wrong-count` or `bad-frame`.
 */
export function parseReadResponse(pdu: Buffer, table: RegisterTable, count: number): number[] {
  const fc = READ_FUNCTION[table]
  if (pdu.length < 2) throw new ModbusFault('short-frame', `response PDU of ${pdu.length} byte(s), at least 2 needed`)
  const got = pdu.readUInt8(0)
  if (got === (fc | EXCEPTION_FLAG)) {
    const code = pdu.readUInt8(1)
    throw new ModbusFault('exception', `exception 0x${hex(code)} ${EXCEPTION_NAMES[code] ?? 'unknown'} to FC${hex(fc)}`, code)
  }
  if (got !== fc) throw new ModbusFault('bad-frame', `response function 0x${hex(got)} to a request of FC${hex(fc)}`)
  const byteCount = pdu.readUInt8(1)
  const data = pdu.subarray(2)
  if (data.length < byteCount) throw new ModbusFault('short-frame', `byte count says ${byteCount}, the frame carries ${data.length}`)
  if (data.length > byteCount) throw new ModbusFault('bad-frame', `${data.length - byteCount} byte(s) after the ${byteCount} the byte count announces`)
  const expected = expectedByteCount(table, count)
  if (byteCount !== expected) throw new ModbusFault('wrong-count', `byte count ${byteCount} for ${count} ${table} item(s), expected ${expected}`)
  if (table === 'coil' || table === 'discrete') {
    return Array.from({ length: count }, (_, i) => ((data[i >> 3] ?? 0) >> (i & 7)) & 1)
  }
  return Array.from({ length: count }, (_, i) => data.readUInt16BE(i * 2))
}

/** Two hex digits, upper case. */
export function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0')
}
