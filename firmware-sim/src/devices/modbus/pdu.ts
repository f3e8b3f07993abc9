import type { RegisterTable } from '@rhn/protocols'
import { COIL_OFF, COIL_ON, EXCEPTION_FLAG, ExceptionCode, FunctionCode, QUANTITY_LIMIT } from './codes.js'

/** A read's values (bits as 0/1, registers as 16-bit words), or the exception to answer instead. */
export type BankRead = readonly number[] | { readonly exception: ExceptionCode }

/** The data tables of one unit, as the PDU layer sees them. Addresses are 0-based PDU addresses (AP §4.4). */
export interface RegisterBank {
  /** Reads `count` consecutive bits or registers of `table` from `address`. */
  read(table: RegisterTable, address: number, count: number): BankRead
  /** Writes consecutive bits or registers; returns the exception to answer, or undefined on success. */
  write(table: 'coil' | 'holding', address: number, values: readonly number[]): ExceptionCode | undefined
}

/** The exception response PDU for `functionCode` (AP §7: function code + 0x80, then the exception code). */
export function exceptionPdu(functionCode: number, code: ExceptionCode): Buffer {
  return Buffer.from([(functionCode | EXCEPTION_FLAG) & 0xff, code])
}

/** The table each function code reads or writes (AP §4.3, §6). */
const TABLE_OF: Readonly<Record<number, RegisterTable>> = {
  [FunctionCode.ReadCoils]: 'coil',
  [FunctionCode.ReadDiscreteInputs]: 'discrete',
  [FunctionCode.ReadHoldingRegisters]: 'holding',
  [FunctionCode.ReadInputRegisters]: 'input',
}

/**
 * Serves one request PDU against `bank` and returns the response PDU. Checks follow the order of
 * the per-function state diagrams of AP §6: function code (01), then quantity and implied length
 * (03), then address range (02), then the action itself (04 on failure).
 */
export function handlePdu(pdu: Buffer, bank: RegisterBank): Buffer {
  const fc = pdu.readUInt8(0)
  switch (fc) {
    case FunctionCode.ReadCoils:
    case FunctionCode.ReadDiscreteInputs:
      return readBits(fc, pdu, bank)
    case FunctionCode.ReadHoldingRegisters:
    case FunctionCode.ReadInputRegisters:
      return readRegisters(fc, pdu, bank)
    case FunctionCode.WriteSingleCoil:
    case FunctionCode.WriteSingleRegister:
      return writeSingle(fc, pdu, bank)
    case FunctionCode.WriteMultipleCoils:
    case FunctionCode.WriteMultipleRegisters:
      return writeMultiple(fc, pdu, bank)
    default:
      return exceptionPdu(fc, ExceptionCode.IllegalFunction)
  }
}

/** Address and quantity of a fixed-length request, or undefined when the PDU is not exactly 5 bytes. */
function addressAndQuantity(pdu: Buffer): { address: number; quantity: number } | undefined {
  // A wrong implied length is "a fault in the structure of the remainder of a request": 03 (AP §7).
  if (pdu.length !== 5) return undefined
  return { address: pdu.readUInt16BE(1), quantity: pdu.readUInt16BE(3) }
}

/** The range ends past 0xFFFF: "Starting Address + Quantity" must stay in the 16-bit space (AP §6.x). */
const outOfSpace = (address: number, quantity: number): boolean => address + quantity > 0x10000

/** FC01/FC02 (AP §6.1, §6.2). */
function readBits(fc: number, pdu: Buffer, bank: RegisterBank): Buffer {
  const req = addressAndQuantity(pdu)
  if (req === undefined || req.quantity < 1 || req.quantity > QUANTITY_LIMIT.readBits) return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
  if (outOfSpace(req.address, req.quantity)) return exceptionPdu(fc, ExceptionCode.IllegalDataAddress)
  const bits = bank.read(TABLE_OF[fc] ?? 'coil', req.address, req.quantity)
  if ('exception' in bits) return exceptionPdu(fc, bits.exception)
  const out = Buffer.alloc(2 + Math.ceil(req.quantity / 8))
  out.writeUInt8(fc, 0)
  out.writeUInt8(out.length - 2, 1)
  // The first bit asked for is the LSB of the first data byte; the last byte is zero-padded (AP §6.1).
  bits.forEach((bit, i) => {
    if (bit !== 0) out[2 + (i >> 3)]! |= 1 << (i & 7)
  })
  return out
}

/** FC03/FC04 (AP §6.3, §6.4). */
function readRegisters(fc: number, pdu: Buffer, bank: RegisterBank): Buffer {
  const req = addressAndQuantity(pdu)
  if (req === undefined || req.quantity < 1 || req.quantity > QUANTITY_LIMIT.readRegisters) return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
  if (outOfSpace(req.address, req.quantity)) return exceptionPdu(fc, ExceptionCode.IllegalDataAddress)
  const words = bank.read(TABLE_OF[fc] ?? 'holding', req.address, req.quantity)
  if ('exception' in words) return exceptionPdu(fc, words.exception)
  const out = Buffer.alloc(2 + 2 * req.quantity)
  out.writeUInt8(fc, 0)
  out.writeUInt8(2 * req.quantity, 1)
  words.forEach((w, i) => out.writeUInt16BE(w & 0xffff, 2 + 2 * i))
  return out
}

/** FC05/FC06 (AP §6.5, §6.6): the normal response echoes the request. */
function writeSingle(fc: number, pdu: Buffer, bank: RegisterBank): Buffer {
  if (pdu.length !== 5) return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
  const address = pdu.readUInt16BE(1)
  const value = pdu.readUInt16BE(3)
  let result: ExceptionCode | undefined
  if (fc === FunctionCode.WriteSingleCoil) {
    // Only 0xFF00 (ON) and 0x0000 (OFF) are legal; anything else is exception 03 (AP §6.5).
    if (value !== COIL_ON && value !== COIL_OFF) return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
    result = bank.write('coil', address, [value === COIL_ON ? 1 : 0])
  } else {
    result = bank.write('holding', address, [value])
  }
  return result === undefined ? Buffer.from(pdu) : exceptionPdu(fc, result)
}

/** FC15/FC16 (AP §6.11, §6.12): the normal response is function code, address, quantity. */
function writeMultiple(fc: number, pdu: Buffer, bank: RegisterBank): Buffer {
  const bits = fc === FunctionCode.WriteMultipleCoils
  if (pdu.length < 6) return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
  const address = pdu.readUInt16BE(1)
  const quantity = pdu.readUInt16BE(3)
  const byteCount = pdu.readUInt8(5)
  const limit = bits ? QUANTITY_LIMIT.writeBits : QUANTITY_LIMIT.writeRegisters
  const expectedBytes = bits ? Math.ceil(quantity / 8) : 2 * quantity
  // Quantity in range AND byte count == N, else 03 (AP §6.11, §6.12 state diagrams); the data must be all there too.
  if (quantity < 1 || quantity > limit || byteCount !== expectedBytes || pdu.length !== 6 + byteCount) {
    return exceptionPdu(fc, ExceptionCode.IllegalDataValue)
  }
  if (outOfSpace(address, quantity)) return exceptionPdu(fc, ExceptionCode.IllegalDataAddress)
  const values: number[] = []
  for (let i = 0; i < quantity; i++) {
    values.push(bits ? (pdu.readUInt8(6 + (i >> 3)) >> (i & 7)) & 1 : pdu.readUInt16BE(6 + 2 * i))
  }
  const result = bank.write(bits ? 'coil' : 'holding', address, values)
  return result === undefined ? Buffer.from(pdu.subarray(0, 5)) : exceptionPdu(fc, result)
}
